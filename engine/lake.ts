import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from './user-error.js';

/**
 * The lake: a folder with one Hive-partitioned Parquet dataset per source,
 * `<lake>/<source>/date=YYYY-MM-DD/*.parquet`, readable as-is by DuckDB, Spark and Trino.
 *
 * Names starting with `_` or `.` are kohort's own (`<lake>/_rejects/`, `<lake>/_staging/`, temp
 * files): never datasets, never partitions. Note that DuckDB's glob does NOT skip them — a file
 * `_x.parquet` or `.x.parquet` inside a dataset IS read by `**\/*.parquet` — so temp files also
 * never end in `.parquet`, and staging folders live outside every dataset (`<lake>/_staging/`).
 */

/** Whether a file or folder name is kohort's own (or hidden): starts with `_` or `.`. */
export function isReservedName(name: string): boolean {
  return name.startsWith('_') || name.startsWith('.');
}

const sourceNamePattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** A UserError unless `source` can name a dataset folder: letters, digits, `_`, `-`, not starting with `_`. */
export function checkSourceName(source: string): void {
  if (!sourceNamePattern.test(source)) {
    throw new UserError(
      `\`${source}\` cannot name a lake source: use letters, digits, \`_\` and \`-\`, starting with a letter or digit`,
    );
  }
}

/** The folder of a source's dataset: `<lake>/<source>` (absolute). */
export function datasetPath(lake: string, source: string): string {
  checkSourceName(source);
  return join(resolve(lake), source);
}

/** The glob DuckDB reads a dataset with (as the DSL compiles `lake "<source>"`). */
export function datasetGlob(lake: string, source: string): string {
  return `${datasetPath(lake, source)}/**/*.parquet`;
}

/** `date=YYYY-MM-DD`, the partition folder of a day. */
export function datePartition(date: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`not a date: ${date}`);
  return `date=${date}`;
}

/** The folder of one partition, e.g. `<lake>/events/date=2019-10-01`. */
export function partitionPath(lake: string, source: string, partition: string): string {
  return join(datasetPath(lake, source), partition);
}

/** One of kohort's own folders in the lake, e.g. `<lake>/_rejects`. Not a dataset. */
export function kohortFolder(lake: string, name: 'rejects' | 'staging'): string {
  return join(resolve(lake), `_${name}`);
}

/** A partition folder of a dataset and the Parquet files in it. */
export interface LakePartition {
  /** The folder name, e.g. `date=2019-10-01`. */
  name: string;
  /** The partition key and value, e.g. `date` and `2019-10-01`. */
  key: string;
  value: string;
  path: string;
  /** Absolute paths of the published `.parquet` files, sorted. */
  files: string[];
}

async function entriesOf(dir: string): Promise<import('node:fs').Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    if (code === 'ENOTDIR') throw new UserError('is a file, not a lake folder', dir);
    throw new UserError(`cannot read the lake folder: ${(e as Error).message}`, dir);
  }
}

/** The sources of a lake: its folders not reserved by kohort, sorted. A missing lake has none. */
export async function listDatasets(lake: string): Promise<string[]> {
  const entries = await entriesOf(resolve(lake));
  return entries
    .filter((e) => e.isDirectory() && !isReservedName(e.name))
    .map((e) => e.name)
    .sort();
}

/**
 * The `key=value` partition folders of a dataset (sorted by name) with their published Parquet
 * files; temp files and reserved names are skipped. A missing dataset has none.
 */
export async function listPartitions(lake: string, source: string): Promise<LakePartition[]> {
  const root = datasetPath(lake, source);
  const out: LakePartition[] = [];
  for (const entry of await entriesOf(root)) {
    if (!entry.isDirectory() || isReservedName(entry.name)) continue;
    const eq = entry.name.indexOf('=');
    if (eq <= 0) continue;
    const path = join(root, entry.name);
    const files = (await entriesOf(path))
      .filter((f) => f.isFile() && f.name.endsWith('.parquet') && !isReservedName(f.name))
      .map((f) => join(path, f.name))
      .sort();
    out.push({ name: entry.name, key: entry.name.slice(0, eq), value: entry.name.slice(eq + 1), path, files });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * A temp path beside `finalPath`, in the same folder (so the rename is atomic), that no reader
 * sees: it starts with `.` (Spark and Hive skip it) and does not end in `.parquet` (DuckDB's
 * `**\/*.parquet` glob does not match it).
 */
export function tempPathFor(finalPath: string): string {
  return join(dirname(finalPath), `.${basename(finalPath)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Makes a complete file visible under `finalPath` in one step: flushes it to disk, renames it into
 * place (replacing any file of that name) and flushes the folder. `tempPath` must be on the same
 * file system; a rename within one folder or one lake always is.
 */
export async function publishFile(tempPath: string, finalPath: string): Promise<void> {
  await syncPath(tempPath, 'r+');
  await mkdir(dirname(finalPath), { recursive: true });
  await rename(tempPath, finalPath);
  await syncPath(dirname(finalPath), 'r').catch(() => {
    // Some file systems cannot fsync a folder; the rename itself is still atomic.
  });
}

async function syncPath(path: string, flags: string): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes `finalPath` atomically: `write` fills a temp file beside it (see `tempPathFor`), which is
 * then published. Readers see the old file or the complete new one, never a partial one. On
 * failure the temp file is removed and the error rethrown.
 */
export async function writeAtomically(finalPath: string, write: (tempPath: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(finalPath), { recursive: true });
  const temp = tempPathFor(finalPath);
  try {
    await write(temp);
    await publishFile(temp, finalPath);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}

/**
 * A fresh folder under `<lake>/_staging/` for multi-file writes (the lake is created if missing;
 * an unwritable lake is a UserError). Remove it with `removeStagingFolder`.
 */
export async function makeStagingFolder(lake: string, label: string): Promise<string> {
  const dir = join(kohortFolder(lake, 'staging'), `${label}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new UserError(`cannot write to the lake: ${(e as Error).message}`, resolve(lake));
  }
  return dir;
}

/** Removes a staging folder and, when no other run is using it, `<lake>/_staging/` itself. */
export async function removeStagingFolder(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await rmdir(dirname(dir)).catch(() => {
    // Another run's staging folder is still there.
  });
}
