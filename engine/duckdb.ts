import { duckdb } from '../dsl/index.js';
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { UserError } from './user-error.js';

/** Where a run's DuckDB may read, and how much of the machine it may use. */
export interface OpenDuckDBOptions {
  /** The notebook's directory (or cwd): readable, and home of `.kohort/tmp`. */
  workspace: string;
  /** The lake root: readable. Need not exist yet. */
  lake: string;
  /** Further readable directories, e.g. for tests. */
  readable?: string[];
  /** DuckDB's `memory_limit`, e.g. `4GB`. Default: `$KOHORT_MEMORY_LIMIT`, else DuckDB's own (80% of RAM). */
  memoryLimit?: string;
  /** Worker threads. Default: `$KOHORT_THREADS`, else every core. */
  threads?: number;
  /**
   * Where DuckDB spills. Default `<workspace>/.kohort/tmp`. SQL can read this folder, so give
   * only a folder of kohort's own.
   */
  tempDirectory?: string;
}

/**
 * One DuckDB instance for one run, already confined: it reads only the workspace and the lake,
 * writes nowhere but its temp directory, loads no extensions, and its SQL cannot lift any of that
 * because the configuration is locked before the first user statement.
 */
export interface KohortDuckDB {
  readonly connection: DuckDBConnection;
  /** The directories DuckDB may read, as given to `allowed_directories`. */
  readonly readable: readonly string[];
  /** Where DuckDB spills. */
  readonly tempDirectory: string;
  close(): void;
}

export async function openDuckDB(options: OpenDuckDBOptions): Promise<KohortDuckDB> {
  const workspace = resolve(options.workspace);
  const readable = readableDirectories([workspace, options.lake, ...(options.readable ?? [])]);
  const spill = spillDirectory(options.tempDirectory, workspace);
  const tempDirectory = spill.path;
  const threads = options.threads ?? envInt('KOHORT_THREADS') ?? availableParallelism();
  const memoryLimit = options.memoryLimit ?? process.env['KOHORT_MEMORY_LIMIT'];

  const config: Record<string, string> = {
    threads: String(threads),
    temp_directory: tempDirectory,
    // No network, no surprises: extensions kohort needs (parquet, json, icu) are built in.
    autoinstall_known_extensions: 'false',
    allow_community_extensions: 'false',
  };
  if (memoryLimit) config['memory_limit'] = memoryLimit;
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(':memory:', config);
  } catch (e) {
    throw new UserError(`cannot start DuckDB: ${duckdbMessage(e)}`);
  }
  const connection = await instance.connect();
  const setup = [
    // TimeZone needs icu, which is only autoloaded once SQL runs, so it cannot go in `config`.
    `SET TimeZone = 'UTC'`,
    `SET allowed_directories = [${readable.map(sqlString).join(', ')}]`,
    `SET enable_external_access = false`,
    `SET lock_configuration = true`,
  ];
  try {
    for (const sql of setup) await connection.run(sql);
  } catch (e) {
    connection.closeSync();
    instance.closeSync();
    spill.remove();
    throw e;
  }
  return {
    connection,
    readable,
    tempDirectory,
    close() {
      connection.closeSync();
      instance.closeSync();
      spill.remove();
    },
  };
}

/**
 * Where DuckDB spills. DuckDB lets SQL read its temp directory whatever `allowed_directories`
 * says, so it must be a folder of kohort's own: `<workspace>/.kohort/tmp`, or, when the
 * workspace is read-only, a fresh private folder under the system temp directory (removed on close).
 */
function spillDirectory(given: string | undefined, workspace: string): { path: string; remove(): void } {
  const path = resolve(given ?? join(workspace, '.kohort', 'tmp'));
  try {
    mkdirSync(path, { recursive: true });
    return { path, remove() {} };
  } catch (e) {
    if (given !== undefined) throw new UserError(`cannot create DuckDB's spill directory: ${(e as Error).message}`, path);
  }
  const own = mkdtempSync(join(tmpdir(), 'kohort-spill-'));
  return { path: own, remove: () => rmSync(own, { recursive: true, force: true }) };
}

/**
 * Each directory as given and, if it exists, with symlinks resolved: DuckDB resolves links in the
 * paths it opens, so a lake that is a symlink must be allowed under its real name too.
 */
function readableDirectories(dirs: string[]): string[] {
  const out = new Set<string>();
  for (const d of dirs) {
    const abs = resolve(d);
    out.add(abs);
    try {
      out.add(realpathSync(abs));
    } catch {
      // Not there yet (a lake before its first import): the plain path is enough.
    }
  }
  return [...out];
}

/** A positive whole number from the environment, or undefined when unset. */
export function envInt(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`$${name} must be a positive integer, not \`${v}\``);
  return n;
}

/** A SQL string literal, escaped by the one dialect that escapes everything kohort writes. */
export function sqlString(s: string): string {
  return duckdb.string(s);
}

/** A SQL identifier, always quoted. */
export function sqlIdentifier(s: string): string {
  return duckdb.identifier(s);
}

/** The message of an error DuckDB threw, as DuckDB wrote it (`Binder Error: …`). */
export function duckdbMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Whether DuckDB refused a file because it lies outside the readable directories. */
export function isFileAccessRefusal(e: unknown): boolean {
  return /^Permission Error:/.test(duckdbMessage(e));
}
