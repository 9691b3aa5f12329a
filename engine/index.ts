/**
 * The kohort engine: runs compiled notebooks on a confined DuckDB and turns results into
 * exact values and text. Explicit exports only; everything else is internal.
 */
export { NotebookSession, defaultLake, resultKinds, readNotebook, type CellResult, type RunOptions, type SessionOptions } from './session.js';
export { compileFile, type CompileFileOptions, type CompiledFile } from './compile-file.js';
export { introspectSources, type IntrospectOptions } from './introspect.js';
export { openDuckDB, sqlString, sqlIdentifier, type KohortDuckDB, type OpenDuckDBOptions } from './duckdb.js';
export { queryTable, readTable, type QueryOptions, type RowSink } from './query.js';
export { toCellValue, columnKind, type CellValue, type ColumnKind, type ResultColumn, type ResultTable } from './values.js';
export {
  formatResult,
  formatTable,
  formatCsv,
  formatJson,
  csvHeader,
  csvRecords,
  jsonObjects,
  jsonValue,
  displayWidth,
  outputFormats,
  type OutputFormat,
  type TableFormatOptions,
} from './format.js';
export { explainDuckDBError, cellError } from './errors.js';
export { UserError, isUserError } from './user-error.js';
export {
  writeRunHistory,
  discardUnpublished,
  segmentSizeHistory,
  segmentSizePerDay,
  membersOn,
  joinedInRun,
  leftInRun,
  historyQueries,
  type HistoryRun,
  type HistoryReport,
  type SegmentRunSize,
} from './history/index.js';
