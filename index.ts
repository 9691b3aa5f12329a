/**
 * kohort as a library: compile notebooks (dsl), run them on a confined DuckDB (engine).
 * The connectors (importCsv, generateEvents) are at `kohort/connectors`.
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
  type CompileFileOptions,
  type OutputFormat,
  type ResultColumn,
  type ResultTable,
  type SessionOptions,
} from './engine/index.js';
