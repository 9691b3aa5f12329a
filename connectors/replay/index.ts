export { openReplaySource, replay, rowCsv, rowMessage, sendAll, type ReplayFormat, type ReplayMessage, type ReplayOptions, type ReplayProgress, type ReplayReport } from './replay.js';
export { replayCommand, replayUsage } from './command.js';
export { liveEvents, type LiveOptions } from './live.js';
