/**
 * kohort as a library: compile notebooks (dsl), run them on a confined DuckDB (engine), bring
 * data into the lake (connectors). Each part is also its own entry: `kohort/dsl`,
 * `kohort/engine`, `kohort/connectors`.
 */
export {
  compileNotebook,
  parseNotebook,
  formatDiagnostic,
  renderDiagnostic,
  hasErrors,
  valueTypeOfDuckDBType,
  type CompileOptions,
  type CompiledCell,
  type CompiledNotebook,
  type DefinitionKind,
  type Diagnostic,
  type DiagnosticCode,
  type PlotSpec,
  type Relation,
  type SchemaCatalog,
  type SourceRequest,
  type SourceSchema,
} from './dsl/index.js';
export {
  NotebookSession,
  compileFile,
  openDuckDB,
  queryTable,
  formatResult,
  formatTable,
  formatCsv,
  formatJson,
  UserError,
  isUserError,
  type CellResult,
  type CellValue,
  type RunOptions,
  type CompileFileOptions,
  type OutputFormat,
  type ResultColumn,
  type ResultTable,
  type SessionOptions,
} from './engine/index.js';
export {
  importCsv,
  generateEvents,
  type ImportOptions,
  type ImportProgress,
  type ImportReport,
  type GenerateOptions,
  type GenerateReport,
} from './connectors/index.js';
