import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../duckdb.js';
import type { DataVersion } from './lake-files.js';

export type ExportFormat = 'csv' | 'parquet' | 'json';
export const exportFormats: readonly ExportFormat[] = ['csv', 'parquet', 'json'];

/**
 * What an export carries besides its members: which rules (the definition hash), at which
 * instant (as-of) and over which files (data version) they were computed.
 */
export interface ExportMeta {
  notebook: string;
  segment: string;
  /** The customer key column (the segment's source's `key`). */
  keyColumn: string | null;
  definitionHash: string;
  /** The as-of time the segment was computed at, ISO 8601 (null when there was no data). */
  asOf: string | null;
  dataVersion: DataVersion;
  format: ExportFormat;
  /** Member rows written. */
  members: number;
  columns: string[];
  exportedAt: string;
}

export interface ExportRequest {
  /** A SELECT of the members (the segment's table: the key and the metrics its rule reads). */
  select: string;
  format: ExportFormat;
  /** Everything of `ExportMeta` the caller knows before the rows are written. */
  meta: Omit<ExportMeta, 'format' | 'members' | 'columns' | 'exportedAt'>;
  /** A folder DuckDB may write to (inside its workspace): the export is assembled there. */
  tempDir: string;
}

export interface WrittenExport {
  /** The finished file, in `tempDir`: move or stream it, then remove it. */
  path: string;
  meta: ExportMeta;
}

/**
 * Writes a segment's members with DuckDB's COPY, so no row passes through JavaScript (a
 * 3M-member export streams inside DuckDB). The metadata travels with the file:
 *  - parquet: key/value metadata (`kohort` = the metadata as JSON, and `kohort.segment`,
 *    `kohort.definition_hash`, `kohort.as_of`, `kohort.data_version` one by one);
 *  - json: one object `{ "kohort": metadata, "members": [ … ] }`;
 *  - csv: plain RFC 4180 CSV; the metadata goes beside it (`FILE.meta.json`, see `sidecarPath`).
 * Values stay exact: BIGINT ids are written as all their digits.
 */
export async function writeExport(connection: DuckDBConnection, request: ExportRequest): Promise<WrittenExport> {
  await mkdir(request.tempDir, { recursive: true });
  const base = join(request.tempDir, `.export-${process.pid}-${randomBytes(6).toString('hex')}`);
  const columns = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM (\n${request.select}\n)`)).getRows().map((r) => String(r[0]));
  const partial = { ...request.meta, format: request.format, columns, exportedAt: new Date().toISOString() };
  const rows = `(\n${request.select}\n)`;
  try {
    if (request.format === 'parquet') {
      const path = `${base}.parquet`;
      // The member count is the file's own row count; the rest is known before writing.
      const kv = {
        kohort: JSON.stringify(partial),
        'kohort.segment': partial.segment,
        'kohort.definition_hash': partial.definitionHash,
        'kohort.as_of': partial.asOf ?? '',
        'kohort.data_version': partial.dataVersion.version,
      };
      const metadata = Object.entries(kv).map(([k, v]) => `${sqlString(k)}: ${sqlString(v)}`).join(', ');
      const written = await connection.run(`COPY ${rows} TO ${sqlString(path)} (FORMAT parquet, COMPRESSION zstd, KV_METADATA {${metadata}})`);
      return { path, meta: { ...partial, members: written.rowsChanged } };
    }
    if (request.format === 'csv') {
      const path = `${base}.csv`;
      const written = await connection.run(`COPY ${rows} TO ${sqlString(path)} (FORMAT csv, HEADER true)`);
      return { path, meta: { ...partial, members: written.rowsChanged } };
    }
    const array = `${base}.members.json`;
    const written = await connection.run(`COPY ${rows} TO ${sqlString(array)} (FORMAT json, ARRAY true)`);
    const meta: ExportMeta = { ...partial, members: written.rowsChanged };
    const path = `${base}.json`;
    await pipeline(wrapped(`{"kohort": ${JSON.stringify(meta)},\n"members": `, array, '}\n'), createWriteStream(path));
    await rm(array, { force: true });
    return { path, meta };
  } catch (e) {
    await Promise.all(['.parquet', '.csv', '.json', '.members.json'].map((ext) => rm(`${base}${ext}`, { force: true })));
    throw e;
  }
}

/** A file's bytes between a prefix and a suffix, streamed. */
async function* wrapped(prefix: string, file: string, suffix: string): AsyncGenerator<Buffer | string> {
  yield prefix;
  yield* createReadStream(file);
  yield suffix;
}

/** Where a CSV export's metadata goes: beside it, `FILE.meta.json`. */
export function sidecarPath(out: string): string {
  return `${out}.meta.json`;
}

/**
 * Puts a finished export at `out` (replacing what is there): a rename when on the same disk,
 * else a copy. CSV gets its metadata beside it.
 */
export async function placeExport(written: WrittenExport, out: string): Promise<void> {
  if (written.meta.format === 'csv') await writeFile(sidecarPath(out), `${JSON.stringify(written.meta, null, 2)}\n`);
  try {
    await rename(written.path, out);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    await copyFile(written.path, out);
    await rm(written.path, { force: true });
  }
}
