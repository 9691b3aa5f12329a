import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDuckDB, type KohortDuckDB } from '../engine/duckdb.js';
import { formatCsv, formatJson } from '../engine/format.js';
import { queryTable } from '../engine/query.js';

let root: string;
let db: KohortDuckDB;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kohort-values-'));
  db = await openDuckDB({ workspace: root, lake: join(root, 'lake'), threads: 1 });
});

afterAll(() => {
  db?.close();
  rmSync(root, { recursive: true, force: true });
});

// Each is beyond 2^53, so a trip through a JS number would change it.
const ids = ['2053013555631882655', '9223372036854775807', '-9223372036854775808', '9007199254740993'];

describe('result values', () => {
  test('BIGINT ids survive Parquet → DuckDB → result → csv/json digit for digit', async () => {
    const file = join(root, 'ids.parquet');
    await db.connection.run(`COPY (SELECT * FROM (VALUES ${ids.map((id) => `('${id}'::BIGINT)`).join(', ')}) t(id)) TO '${file}' (FORMAT parquet)`);
    const result = await queryTable(db.connection, `SELECT id, id::HUGEINT * 10 AS wide FROM read_parquet('${file}')`);
    expect(result.columns.map((c) => [c.name, c.sqlType, c.kind])).toEqual([
      ['id', 'BIGINT', 'integer'],
      ['wide', 'HUGEINT', 'integer'],
    ]);
    expect(result.rows).toEqual(ids.map((id) => [BigInt(id), BigInt(id) * 10n]));
    expect(formatCsv(result).split('\n').slice(1, -1)).toEqual(ids.map((id) => `${id},${BigInt(id) * 10n}`));
    const json = formatJson(result);
    for (const id of ids) expect(json).toContain(`{"id": ${id}, "wide": ${BigInt(id) * 10n}}`);
  });

  test('doubles, decimals, booleans, strings and NULL', async () => {
    const result = await queryTable(
      db.connection,
      `SELECT 0.1::DOUBLE AS d, 12.34::DECIMAL(10,2) AS m, true AS b, 'né "x"' AS s, NULL::BIGINT AS n, 7::INTEGER AS i`,
    );
    expect(result.rows).toEqual([[0.1, 12.34, true, 'né "x"', null, 7]]);
    expect(result.columns.map((c) => c.kind)).toEqual(['float', 'float', 'boolean', 'string', 'integer', 'integer']);
  });

  test('timestamps and dates are ISO text; TIMESTAMPTZ in UTC with Z', async () => {
    const result = await queryTable(
      db.connection,
      `SELECT TIMESTAMP '2019-10-01 08:30:00' AS t, TIMESTAMP '2019-10-01 08:30:00.123456' AS us,
              TIMESTAMPTZ '2019-10-01 08:30:00+02' AS tz, DATE '2019-10-01' AS d,
              '1969-12-31 23:59:59.5'::TIMESTAMP AS before_epoch, '2019-10-01 08:30:00.000000001'::TIMESTAMP_NS AS ns,
              'infinity'::TIMESTAMP AS inf`,
    );
    expect(result.rows[0]).toEqual([
      '2019-10-01T08:30:00',
      '2019-10-01T08:30:00.123456',
      '2019-10-01T06:30:00Z',
      '2019-10-01',
      '1969-12-31T23:59:59.5',
      '2019-10-01T08:30:00.000000001',
      'infinity',
    ]);
  });

  test('lists and structs nest, keeping bigints', async () => {
    const result = await queryTable(db.connection, `SELECT [2053013555631882655, NULL]::BIGINT[] AS l, {'k': 'v', 'n': 1.5} AS s`);
    expect(result.rows[0]).toEqual([[2053013555631882655n, null], { k: 'v', n: 1.5 }]);
  });

  test('a limit keeps the first rows and still counts them all', async () => {
    const result = await queryTable(db.connection, 'SELECT range AS i FROM range(10000) ORDER BY i', { limit: 3 });
    expect(result.rows).toEqual([[0n], [1n], [2n]]);
    expect(result.rowCount).toBe(10000);
    const none = await queryTable(db.connection, 'SELECT 1 AS x WHERE false');
    expect(none).toEqual({ columns: [{ name: 'x', sqlType: 'INTEGER', kind: 'integer' }], rows: [], rowCount: 0 });
  });

  test('a sink receives the rows chunk by chunk, in order, and none are kept', async () => {
    const chunks: number[] = [];
    const seen: bigint[] = [];
    let columns: string[] = [];
    const result = await queryTable(db.connection, 'SELECT range AS i FROM range(5000) ORDER BY i', {
      limit: 4500,
      sink: {
        columns: (c) => {
          columns = c.map((x) => x.name);
        },
        rows: async (rows) => {
          chunks.push(rows.length);
          for (const [i] of rows) seen.push(i as bigint);
          await new Promise((r) => setTimeout(r, 1)); // a slow reader holds the next chunk back
        },
      },
    });
    expect(columns).toEqual(['i']);
    expect(result.rows).toEqual([]);
    expect(result.rowCount).toBe(5000);
    expect(chunks.length).toBeGreaterThan(1);
    expect(seen).toEqual(Array.from({ length: 4500 }, (_, i) => BigInt(i)));
  });
});

