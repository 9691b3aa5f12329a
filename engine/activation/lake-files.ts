import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { SourceRequest } from '../../dsl/index.js';
import { sqlString } from '../duckdb.js';

/** The data a result was computed from: the files its sources' scans read. */
export interface DataVersion {
  /** A hash of every file read with its size and modification time: equal versions, equal data. */
  version: string;
  files: number;
  bytes: number;
  /** The newest file's modification time, ISO 8601 (null when no file was read). */
  newest: string | null;
}

/**
 * The files `sources` read now, as DuckDB's own glob of each scan finds them (`read_blob` lists
 * name, size and time without reading content), so the version names exactly the files a query
 * over the same sources reads: hidden files included, other datasets not.
 */
export async function readDataVersion(connection: DuckDBConnection, sources: readonly SourceRequest[]): Promise<DataVersion> {
  const lines: string[] = [];
  let bytes = 0;
  let newest: Date | null = null;
  for (const source of sources) {
    const glob = source.location.kind === 'lake' ? `${source.location.path}/**/*.parquet` : source.location.path;
    let rows: unknown[][];
    try {
      rows = (await connection.runAndReadAll(`SELECT filename, size, epoch_ms(last_modified) FROM read_blob(${sqlString(glob)}) ORDER BY filename`)).getRows();
    } catch {
      // No file matches (yet): the version says so, and changes once files arrive.
      lines.push(`${source.name}\tno files`);
      continue;
    }
    for (const [name, size, modified] of rows) {
      const at = new Date(Number(modified));
      lines.push(`${source.name}\t${String(name)}\t${String(size)}\t${String(modified)}`);
      bytes += Number(size);
      if (newest === null || at > newest) newest = at;
    }
  }
  const files = lines.filter((l) => !l.endsWith('\tno files')).length;
  const version = createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 32);
  return { version, files, bytes, newest: newest === null ? null : newest.toISOString() };
}
