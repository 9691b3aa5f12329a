/**
 * The kohort DSL as a library: parse, check and compile notebooks to DuckDB SQL. No I/O and no
 * DuckDB needed; source schemas come in through `CompileOptions.schemas`.
 */
export { compileNotebook, dependsOn, parseDefinitions, type ParsedDefinitions } from './compile.js';
export { analyze, type Analysis } from './analysis.js';
export type { IRDefinition } from './ir.js';
export { parseNotebook, printNotebook, cellHeader, cellKinds, type CellKind, type NotebookCell, type ParsedNotebook } from './notebook.js';
export {
  diagnosticCodes,
  formatDiagnostic,
  renderDiagnostic,
  hasErrors,
  LineIndex,
  type Diagnostic,
  type DiagnosticCode,
  type Position,
  type Range,
  type Severity,
} from './diagnostics.js';
export type { CompileOptions, CompiledCell, CompiledNotebook, DefinitionKind, DestinationSpec, PipelineSpec, PlotSpec, Relation, ScheduleSpec } from './compiled.js';
export { notebookId, snapshotsDir, dailyDir, membershipFile } from './history-paths.js';
export type { ColumnSchema, SchemaCatalog, SourceLocation, SourceRequest, SourceSchema, ValueType } from './schema.js';
export { functions, type FunctionSignature } from './functions.js';
export { suggest } from './suggest.js';
export { assembleSql } from './sql/write.js';
export { highlightTokens, type HighlightKind, type HighlightToken } from './highlight.js';
export { complete, type CompletionItem, type CompletionKind, type Completions } from './complete.js';
export { hover, type Hover } from './hover.js';
export { definition, type DefinitionLocation } from './definition.js';
export { duckdb } from './sql/duckdb.js';
export type { Dialect } from './sql/dialect.js';

import { duckdb } from './sql/duckdb.js';
import type { ValueType } from './schema.js';

/** The checker's type for a DuckDB type name such as `BIGINT` or `TIMESTAMP WITH TIME ZONE`. */
export function valueTypeOfDuckDBType(sqlType: string): ValueType {
  return duckdb.valueType(sqlType);
}
