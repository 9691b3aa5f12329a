export { Lander, startLander, type FlushRules, type LandOptions, type LandPartitionStatus, type LandStatus } from './lander.js';
export { landCommand, landUsage, formatLandStatus } from './command.js';
export { parseMessage, type LandReject, type LandRejectCode, type MessageFormat } from './message.js';
export { deadLetterDataset, parseUnitFileName, unitFileName, type UnitName } from './naming.js';
export { openLakeStorage, parseLakeLocation, type LakeEntry, type LakeLocation, type LakeStorage } from './storage.js';
export { deadLetterColumns, type DeadLetter } from './writer.js';
