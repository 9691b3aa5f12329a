import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileNotebook, duckdb } from './index.js';

/**
 * An adversarial corpus: every DSL string and name must reach DuckDB as data. Each hostile value is
 * stored in a one-row Parquet file; the compiled filter `col = "<value>"` must match that row, and
 * the compiled SQL must be exactly one statement.
 */
const hostile = [
  "'; DROP TABLE t; --",
  "' OR '1'='1",
  '"; SELECT 1; --',
  'back\\slash',
  "\\'; --",
  'it\'\'s',
  '/* comment */',
  '-- line comment',
  '%_* ?[]',
  '電子 💳 ünïcödé',
  'tab\there',
  "$$ dollar $$",
  '${template}',
  "E'escape'",
];

let dir: string;
let db: DuckDBInstance;
let conn: DuckDBConnection;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kohort-escape-'));
  db = await DuckDBInstance.create(':memory:');
  conn = await db.connect();
});
afterAll(() => {
  conn?.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

/** A DSL string literal for any text: double quotes, with `"` and `\` escaped. */
const dslString = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\t/g, '\\t')}"`;

describe('no DSL string or name can inject SQL', () => {
  it.each(hostile.map((h, i) => [i, h]))('value #%i reaches DuckDB as data', async (i, value) => {
    const file = join(dir, `v${i}.parquet`);
    await conn.run(`COPY (SELECT 1::BIGINT AS k, TIMESTAMP '2019-10-01' AS t, ${duckdb.string(value)} AS ${duckdb.identifier(value)}) TO ${duckdb.string(file)} (FORMAT parquet)`);
    const column = '`' + value.replace(/`/g, '``') + '`';
    const text = `source s = parquet ${dslString(file)} key k time t\nmetric hits = count() where ${column} = ${dslString(value)}\nmetric misses = count() where ${column} != ${dslString(value)}`;
    const schemas = { s: { columns: [{ name: 'k', type: 'number' as const }, { name: 't', type: 'timestamp' as const }, { name: value, type: 'string' as const }] } };
    const compiled = compileNotebook(text, { schemas });
    expect(compiled.diagnostics).toEqual([]);
    const sql = compiled.cells.find((c) => c.name === 'hits')!.sql!;
    const statements = await conn.extractStatements(sql);
    expect(statements.count).toBe(1);
    const rows = (await conn.runAndReadAll(sql)).getRowObjectsJS();
    expect(rows).toEqual([{ k: 1n, hits: 1n }]);
    const misses = (await conn.runAndReadAll(compiled.cells.find((c) => c.name === 'misses')!.sql!)).getRowObjectsJS();
    expect(misses).toEqual([{ k: 1n, misses: 0n }]);
  });

  it('identifiers are always quoted, quotes doubled', () => {
    expect(duckdb.identifier('a"b')).toBe('"a""b"');
    expect(duckdb.string("a'b")).toBe("'a''b'");
  });
});
