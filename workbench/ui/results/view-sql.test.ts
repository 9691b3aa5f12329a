import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultColumn } from './columns.js';
import { filterCondition, isPlainView, nextSort, viewSql, type ViewState } from './view-sql.js';

const columns: ResultColumn[] = [
  { name: 'user_id', kind: 'bigint', typeName: 'Int64' },
  { name: 'brand', kind: 'string', typeName: 'Utf8' },
  { name: 'revenue', kind: 'number', typeName: 'Float64' },
  { name: 'last_seen', kind: 'timestamp', typeName: 'Timestamp' },
  { name: 'odd "name"', kind: 'string', typeName: 'Utf8' },
];

// The browser runs these in duckdb-wasm; the same SQL runs here on DuckDB, checked by hand.
let db: DuckDBInstance;
const rows = async (sql: string) => {
  const c = await db.connect();
  const r = await c.runAndReadAll(sql);
  const out = r.getRowObjectsJS();
  c.closeSync();
  return out;
};

beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(`CREATE TABLE r1 AS SELECT * FROM (VALUES
    (1::BIGINT, 'apple', 1200.5, TIMESTAMP '2019-10-01 10:00:00', 'a'),
    (2, 'samsung', 80, TIMESTAMP '2019-10-05 08:00:00', 'b'),
    (3, 'Apple Store', NULL, TIMESTAMP '2019-10-05 23:00:00', 'c'),
    (4, NULL, 15, NULL, 'd'),
    (5, '50%_off', 15, TIMESTAMP '2019-10-31 00:00:00', 'e')
  ) t(user_id, brand, revenue, last_seen, "odd ""name""")`);
  c.closeSync();
});
afterAll(() => db?.closeSync());

const ids = async (view: ViewState) => (await rows(viewSql('r1', columns, view).sql)).map((r) => Number(r['user_id']));

describe('views over a result', () => {
  it('filters text by case-insensitive contains, exact match, negation and null', async () => {
    expect(await ids({ filters: { brand: 'apple' } })).toEqual([1, 3]);
    expect(await ids({ filters: { brand: '=apple' } })).toEqual([1]);
    expect(await ids({ filters: { brand: '!apple' } })).toEqual([2, 5]);
    expect(await ids({ filters: { brand: 'null' } })).toEqual([4]);
    // LIKE wildcards in the filter are literal characters.
    expect(await ids({ filters: { brand: '%_' } })).toEqual([5]);
  });

  it('filters numbers and times by comparisons and ranges', async () => {
    expect(await ids({ filters: { revenue: '> 50' } })).toEqual([1, 2]);
    expect(await ids({ filters: { revenue: '15' } })).toEqual([4, 5]);
    expect(await ids({ filters: { revenue: '10..100' } })).toEqual([2, 4, 5]);
    expect(await ids({ filters: { revenue: '!null', user_id: '<= 3' } })).toEqual([1, 2]);
    expect(await ids({ filters: { last_seen: '2019-10-05' } })).toEqual([2, 3]);
    expect(await ids({ filters: { last_seen: '>= 2019-10-05 12:00' } })).toEqual([3, 5]);
  });

  it('sorts with nulls last, and groups with counts and sums', async () => {
    expect(await ids({ filters: {}, sort: { column: 'revenue', descending: true } })).toEqual([1, 2, 4, 5, 3]);
    expect(await ids({ filters: {}, sort: { column: 'revenue', descending: false } })).toEqual([4, 5, 2, 1, 3]);
    const grouped = await rows(viewSql('r1', columns, { filters: { user_id: '> 1' }, groupBy: 'revenue' }).sql);
    expect(grouped.map((r) => [r['revenue'], Number(r['count'])])).toEqual([[15, 2], [80, 1], [null, 1]]);
  });

  it('never lets filter text or names escape into SQL', async () => {
    const hostile = `x' OR 1=1; DROP TABLE r1; --`;
    expect(await ids({ filters: { brand: hostile } })).toEqual([]);
    expect(await ids({ filters: { 'odd "name"': 'c' } })).toEqual([3]);
    expect(filterCondition(columns[2]!, `1; DROP TABLE r1`)).toEqual({ error: '`1; DROP TABLE r1` is not a number for column `revenue`' });
    expect(filterCondition(columns[3]!, `> 2019-10-01'; --`).error).toContain('is not a timestamp');
    expect(await ids({ filters: {} })).toEqual([1, 2, 3, 4, 5]);
  });

  it('reports bad filters and leaves them out', () => {
    const q = viewSql('r1', columns, { filters: { revenue: 'lots', brand: 'a' } });
    expect(q.errors).toEqual({ revenue: '`lots` is not a number for column `revenue`' });
    expect(q.sql).toBe(`SELECT * FROM "r1" WHERE ("brand" ILIKE '%a%' ESCAPE '\\')`);
  });

  it('cycles the sort and knows a plain view', () => {
    const view: ViewState = { filters: {} };
    expect(nextSort(view, 'a')).toEqual({ column: 'a', descending: false });
    expect(nextSort({ filters: {}, sort: { column: 'a', descending: false } }, 'a')).toEqual({ column: 'a', descending: true });
    expect(nextSort({ filters: {}, sort: { column: 'a', descending: true } }, 'a')).toBeUndefined();
    expect(isPlainView({ filters: { a: ' ' } })).toBe(true);
    expect(isPlainView({ filters: {}, groupBy: 'a' })).toBe(false);
  });
});
