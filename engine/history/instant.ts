import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../duckdb.js';
import { UserError } from '../user-error.js';

/** A run's as-of time, as the history stores it. */
export interface AsOfInstant {
  /** A SQL TIMESTAMP literal expression of it. */
  sql: string;
  /** Microseconds since the epoch (UTC), for exact comparison. */
  micros: bigint;
  /** Its day, `YYYY-MM-DD` (UTC): the snapshot partition `as_of=…`. */
  day: string;
}

/**
 * The instant of an as-of text: a timestamp (`2019-10-15T12:00:00`, `…Z`) is taken as it is; a
 * date (`2019-10-15`) means the end of that day, as the compiler reads `as of date "…"`.
 */
export async function asOfInstant(connection: DuckDBConnection, asOf: string): Promise<AsOfInstant> {
  const text = asOf.trim();
  const expr = /^\d{4}-\d{2}-\d{2}$/.test(text)
    ? `CAST(DATE ${sqlString(text)} + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)`
    : `CAST(CAST(${sqlString(text)} AS TIMESTAMPTZ) AS TIMESTAMP)`;
  let row: unknown[] | undefined;
  try {
    row = (await connection.runAndReadAll(`SELECT CAST(epoch_us(${expr}) AS VARCHAR), strftime(${expr}, '%Y-%m-%d')`)).getRowsJS()[0];
  } catch {
    throw new UserError(`the run's as-of time \`${asOf}\` is not an ISO date or timestamp`);
  }
  const micros = BigInt(String(row![0]));
  return { sql: `make_timestamp(${micros}::BIGINT)`, micros, day: String(row![1]) };
}

/** Runs a statement and returns its first row's first column as text (a COPY's row count, a count). */
export async function scalarText(connection: DuckDBConnection, sql: string): Promise<string | null> {
  const value = (await connection.runAndReadAll(sql)).getRowsJS()[0]?.[0];
  return value === undefined || value === null ? null : String(value);
}

/** `COPY (select) TO path` as one Parquet file; returns the rows written. */
export async function copyToParquet(connection: DuckDBConnection, select: string, path: string): Promise<number> {
  return Number(await scalarText(connection, `COPY (\n${select}\n) TO ${sqlString(path)} (FORMAT parquet, COMPRESSION zstd)`));
}
