import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { valueTypeOfDuckDBType, type SchemaCatalog, type SourceRequest, type SourceSchema } from '../dsl/index.js';
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
      catalog[source.name] = {
        columns: rows.map((row) => {
          const sqlType = String(row['column_type']);
          return { name: String(row['column_name']), type: valueTypeOfDuckDBType(sqlType), sqlType };
        }),
      };
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
