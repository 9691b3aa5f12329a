import { availableParallelism } from 'node:os';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { envInt, sqlString } from '../engine/duckdb.js';

export { sqlString };

/** A private DuckDB for one import or generation run: no user SQL runs on it. */
export interface ConnectorDb {
  readonly connection: DuckDBConnection;
  close(): void;
}

/**
 * Opens an in-memory DuckDB that spills to `tempDirectory`, uses `threads`, else `$KOHORT_THREADS`,
 * else every core, and at most `$KOHORT_MEMORY_LIMIT`, else `memoryLimit`, else DuckDB's default
 * (80% of RAM). No extension downloads.
 */
export async function openConnectorDb(tempDirectory: string, options: { memoryLimit?: string; threads?: number } = {}): Promise<ConnectorDb> {
  const { memoryLimit } = options;
  const config: Record<string, string> = {
    threads: String(options.threads ?? envInt('KOHORT_THREADS') ?? availableParallelism()),
    temp_directory: tempDirectory,
    autoinstall_known_extensions: 'false',
    allow_community_extensions: 'false',
  };
  const limit = process.env['KOHORT_MEMORY_LIMIT'] || memoryLimit;
  if (limit) config['memory_limit'] = limit;
  const instance = await DuckDBInstance.create(':memory:', config);
  const connection = await instance.connect();
  // Progress numbers for long COPYs (the CLI draws them); nothing printed by DuckDB itself.
  await connection.run('SET enable_progress_bar = true');
  await connection.run('SET enable_progress_bar_print = false');
  return {
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/**
 * Runs one statement while calling `onFraction` with DuckDB's progress (0..1) about every
 * `intervalMs`. Returns the first column of the first row as text (e.g. a COPY's row count).
 */
export async function runWithProgress(
  connection: DuckDBConnection,
  sql: string,
  onFraction?: (fraction: number) => void,
  intervalMs = 250,
): Promise<string | null> {
  const timer = onFraction
    ? setInterval(() => {
        const p = connection.progress.percentage;
        if (p >= 0) onFraction(Math.min(1, p / 100));
      }, intervalMs)
    : undefined;
  try {
    const reader = await connection.runAndReadAll(sql);
    const rows = reader.getRowsJson();
    const first = rows[0]?.[0];
    return first === undefined || first === null ? null : String(first);
  } finally {
    if (timer) clearInterval(timer);
  }
}

/** The first line of a DuckDB error, without its `Invalid Input Error:`-style prefix. */
export function duckdbReason(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.split('\n')[0]!.replace(/^[A-Za-z ]+ Error: /, '');
}
