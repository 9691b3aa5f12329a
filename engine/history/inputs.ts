import type { DuckDBConnection } from '@duckdb/node-api';
import { notebookId, type CompiledCell, type CompiledNotebook, type SchemaCatalog } from '../../dsl/index.js';
import { sqlString } from '../duckdb.js';
import { membershipFile } from './layout.js';
import { ensureMembershipFile } from './membership.js';

/** What `ensureHistoryInputs` needs to know of a session. */
export interface HistoryInputsContext {
  connection: DuckDBConnection;
  lake: string;
  /** The notebook's file: its id names its history, as the compiler names it. */
  file: string;
  compiled: CompiledNotebook;
  schemas: SchemaCatalog;
}

/**
 * Makes sure every segment membership file that the cells' SQL reads exists (empty until the
 * first run writes it), so a condition over membership runs on a notebook that never ran.
 * A cell reads one when the file's path appears in its SQL, which is how the compiler refers to it.
 */
export async function ensureHistoryInputs(context: HistoryInputsContext, cells: readonly CompiledCell[]): Promise<void> {
  const notebook = notebookId(context.file);
  const texts = cells.map((c) => c.sql ?? c.select ?? '');
  for (const segment of context.compiled.cells) {
    if (segment.kind !== 'segment' || !segment.source) continue;
    const path = membershipFile(context.lake, notebook, segment.name);
    if (!texts.some((sql) => sql.includes(path) || sql.includes(sqlString(path)))) continue;
    const source = context.compiled.cells.find((c) => c.kind === 'source' && c.name === segment.source);
    if (!source?.key) continue;
    const keyType = context.schemas[source.name]?.columns.find((c) => c.name === source.key)?.sqlType ?? 'VARCHAR';
    await ensureMembershipFile(context.connection, { lake: context.lake, notebook, segment: segment.name, key: source.key }, keyType);
  }
}
