/**
 * kohort's connectors: data into the lake. `importCsv` loads REES46 CSV files; `generateEvents`
 * writes a synthetic month in the same schema. The REES46 schema and its row rules are shared with
 * every other way in (e.g. the Kafka lander).
 */
export { importCsv, type ImportOptions, type ImportProgress, type ImportReport } from './csv-import.js';
export { generateEvents, type GenerateOptions, type GenerateReport } from './generate/generate.js';
export {
  formatReject,
  rees46Columns,
  rees46CsvHeader,
  rees46EventTypes,
  rees46Partition,
  validateRees46Row,
  type Rees46Column,
  type Rees46EventType,
  type Rees46Reject,
  type Rees46RejectCode,
  type Rees46Row,
} from './rees46.js';
// Kafka → lake landing, replay into Kafka, and the WebHDFS lake.
export * from './land/index.js';
export * from './replay/index.js';
export * from './hdfs/index.js';
export * from './kafka/index.js';
