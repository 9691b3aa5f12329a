import { randomBytes } from 'node:crypto';
import { DuckDBInstance, DuckDBTimestampValue, type DuckDBConnection } from '@duckdb/node-api';
import { rees46Columns, type Rees46Row } from '../../connectors/rees46.js';

/** A topic name no other test run uses. */
export function uniqueTopic(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** Polls `check` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function openDuck(): Promise<{ c: DuckDBConnection; close: () => void }> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const c = await instance.connect();
  await c.run(`SET TimeZone = 'UTC'`);
  return { c, close: () => (c.closeSync(), instance.closeSync()) };
}

export function sql(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** The columns as text, so comparisons are exact whatever the client does with numbers. */
export const exactColumns = rees46Columns.map((c) => `CAST("${c.name}" AS VARCHAR) AS "${c.name}"`).join(', ');

/**
 * The good rows of a REES46 CSV file, typed independently of the code under test: DuckDB's own
 * CSV reader with the schema's types (the sample has no bad rows).
 */
export function csvExpectedSql(file: string): string {
  return `SELECT CAST(replace(event_time, ' UTC', '') AS TIMESTAMP) AS event_time, event_type,
      CAST(product_id AS BIGINT) AS product_id, CAST(category_id AS BIGINT) AS category_id,
      nullif(category_code, '') AS category_code, nullif(brand, '') AS brand, CAST(price AS DOUBLE) AS price,
      CAST(user_id AS BIGINT) AS user_id, nullif(user_session, '') AS user_session
    FROM read_csv(${sql(file)}, header = true, all_varchar = true)`;
}

/** Rows in `a` not in `b` and in `b` not in `a`, as multisets (EXCEPT ALL both ways), compared as text. */
export async function multisetDiff(c: DuckDBConnection, a: string, b: string): Promise<{ missing: number; extra: number; total: number; sample: unknown[] }> {
  const q = (x: string) => `(SELECT ${exactColumns} FROM (${x}))`;
  const missing = Number((await c.runAndReadAll(`SELECT count(*) FROM (${q(a)} EXCEPT ALL ${q(b)})`)).getRows()[0]![0]);
  const extra = Number((await c.runAndReadAll(`SELECT count(*) FROM (${q(b)} EXCEPT ALL ${q(a)})`)).getRows()[0]![0]);
  const total = Number((await c.runAndReadAll(`SELECT count(*) FROM (${b})`)).getRows()[0]![0]);
  const sample = missing + extra > 0 ? (await c.runAndReadAll(`(${q(a)} EXCEPT ALL ${q(b)}) UNION ALL (${q(b)} EXCEPT ALL ${q(a)}) LIMIT 5`)).getRowsJson() : [];
  return { missing, extra, total, sample };
}

/** A lake dataset as DuckDB reads it (the DSL's `lake "source"`). */
export function lakeSql(lake: string, source = 'events'): string {
  return `SELECT * FROM read_parquet(${sql(`${lake}/${source}/**/*.parquet`)}, hive_partitioning = true)`;
}

/** Creates table `name` holding `rows` with the lake's types (for comparing a landed lake to what was produced). */
export async function createEventsTable(c: DuckDBConnection, name: string, rows: Iterable<Rees46Row>): Promise<void> {
  await c.run(`CREATE TABLE "${name}" (event_time TIMESTAMP, event_type VARCHAR, product_id BIGINT, category_id BIGINT,
    category_code VARCHAR, brand VARCHAR, price DOUBLE, user_id BIGINT, user_session VARCHAR)`);
  const a = await c.createAppender(name);
  const text = (v: string | null) => (v === null ? a.appendNull() : a.appendVarchar(v));
  for (const r of rows) {
    a.appendTimestamp(new DuckDBTimestampValue(BigInt(Date.parse(`${r.event_time.replace(' ', 'T')}Z`)) * 1000n));
    a.appendVarchar(r.event_type);
    a.appendBigInt(r.product_id);
    a.appendBigInt(r.category_id);
    text(r.category_code);
    text(r.brand);
    a.appendDouble(r.price);
    a.appendBigInt(r.user_id);
    text(r.user_session);
    a.endRow();
  }
  a.closeSync();
}
