import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { valueTypeOfDuckDBType, type SchemaCatalog, type SourceRequest, type SourceSchema } from '../dsl/index.js';
import { sqlIdentifier, sqlString } from './duckdb.js';
import { explainDuckDBError } from './errors.js';
import { UserError } from './user-error.js';

export interface IntrospectOptions {
  /** Directories DuckDB may read, named in errors about refused files. */
  readable: readonly string[];
  /** Where each source is defined (`file:line:col`), for errors. */
  placeOf?: (source: string) => string | undefined;
}

/**
 * The schema provider of the two-phase compile: asks DuckDB for the columns of every source's
 * scan. A source without data is a UserError that says how to get some.
 */
export async function introspectSources(
  connection: DuckDBConnection,
  sources: readonly SourceRequest[],
  options: IntrospectOptions,
): Promise<SchemaCatalog> {
  const catalog: Record<string, SourceSchema> = {};
  for (const source of sources) {
    const place = options.placeOf?.(source.name);
    if (source.location.kind === 'lake' && !hasParquet(source.location.path)) {
      const lake = dirname(source.location.path);
      const dataset = basename(source.location.path);
      throw new UserError(
        `source \`${source.name}\`: no Parquet files under ${source.location.path} — import or generate data first: ` +
          `kohort import FILE.csv --lake ${lake} --source ${dataset}, or kohort generate --events 1M --seed 1 --lake ${lake} --source ${dataset}`,
        place,
      );
    }
    try {
      const reader = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${source.scan}`);
      const rows = reader.getRowObjectsJS();
      const columns = rows.map((row) => {
        const sqlType = String(row['column_type']);
        return { name: String(row['column_name']), type: valueTypeOfDuckDBType(sqlType), sqlType };
      });
      const time = columns.find((c) => c.name === source.time && (c.type === 'timestamp' || c.type === 'date'));
      const timeRange = time ? await timeRangeOf(connection, source, time.name) : undefined;
      catalog[source.name] = { columns, ...(timeRange ? { timeRange } : {}) };
    } catch (e) {
      const message = explainDuckDBError(e, options.readable);
      if (/No files found that match the pattern/i.test(message)) {
        throw new UserError(`source \`${source.name}\`: no files match ${source.location.path}`, place);
      }
      throw new UserError(`source \`${source.name}\` (${source.location.path}): ${message}`, place);
    }
  }
  return catalog;
}

/**
 * The first and last event time of a source, for the checker's "window longer than the data"
 * warning. Parquet files carry each column's min and max, so for them only the footers are read;
 * other sources (or files without statistics) are scanned.
 */
async function timeRangeOf(connection: DuckDBConnection, source: SourceRequest, column: string): Promise<{ min: string; max: string } | undefined> {
  const id = sqlIdentifier(column);
  const fromFooters =
    source.location.kind === 'csv'
      ? undefined
      : `SELECT min(TRY_CAST(stats_min_value AS TIMESTAMP)), max(TRY_CAST(stats_max_value AS TIMESTAMP)), bool_or(stats_min_value IS NULL)
         FROM parquet_metadata(${sqlString(source.location.kind === 'lake' ? `${source.location.path.replace(/\/+$/, '')}/**/*.parquet` : source.location.path)})
         WHERE path_in_schema = ${sqlString(column)}`;
  if (fromFooters) {
    const [min, max, missing] = (await connection.runAndReadAll(fromFooters)).getRows()[0] ?? [];
    if (min != null && max != null && missing === false) return { min: String(min), max: String(max) };
  }
  const [min, max] = (await connection.runAndReadAll(`SELECT CAST(min(${id}) AS TIMESTAMP), CAST(max(${id}) AS TIMESTAMP) FROM ${source.scan}`)).getRows()[0] ?? [];
  return min != null && max != null ? { min: String(min), max: String(max) } : undefined;
}

/** Whether a directory holds a `.parquet` file at any depth (stops at the first). */
function hasParquet(dir: string): boolean {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  for (const e of entries) {
    if (e.isFile() && e.name.endsWith('.parquet')) return true;
    if (e.isSymbolicLink() && e.name.endsWith('.parquet') && isFile(join(dir, e.name))) return true;
  }
  return entries.some((e) => (e.isDirectory() || e.isSymbolicLink()) && hasParquet(join(dir, e.name)));
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
