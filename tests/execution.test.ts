import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileNotebook, hasErrors, valueTypeOfDuckDBType, type CompileOptions, type SchemaCatalog } from '../dsl/index.js';

/**
 * Compiled SQL run on DuckDB, checked against answers that do not come from the compiler:
 * hand-computed fixtures and hand-written SQL over the real REES46 sample.
 */
let dir: string;
let db: DuckDBInstance;
let conn: DuckDBConnection;

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  return (await conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
}

async function schemasFor(text: string, options: CompileOptions): Promise<SchemaCatalog> {
  const out: Record<string, { columns: { name: string; type: ReturnType<typeof valueTypeOfDuckDBType> }[] }> = {};
  for (const s of compileNotebook(text, options).sources) {
    const described = await rows(`DESCRIBE SELECT * FROM ${s.scan}`);
    out[s.name] = { columns: described.map((r) => ({ name: String(r.column_name), type: valueTypeOfDuckDBType(String(r.column_type)) })) };
  }
  return out;
}

async function run(text: string, cell: string, options: CompileOptions = {}): Promise<Record<string, unknown>[]> {
  const opts = { lake: join(dir, 'lake'), ...options };
  const compiled = compileNotebook(text, { ...opts, schemas: await schemasFor(text, opts) });
  if (hasErrors(compiled.diagnostics)) throw new Error(compiled.diagnostics.map((d) => d.message).join('\n'));
  const sql = compiled.cells.find((c) => c.name === cell)?.sql;
  if (!sql) throw new Error(`no sql for ${cell}`);
  return rows(sql);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kohort-exec-'));
  db = await DuckDBInstance.create(':memory:');
  conn = await db.connect();
  await conn.run("SET TimeZone = 'UTC'");
  mkdirSync(join(dir, 'lake'));
  // Hand-made events whose metrics are computed by hand in the tests below.
  await conn.run(`COPY (
    SELECT *, CAST(event_time AS DATE) AS date FROM (VALUES
      (TIMESTAMP '2019-10-01 10:00:00', 'view',     1::BIGINT, 10.0::DOUBLE, 'apple',   'electronics.smartphone', 's1'),
      (TIMESTAMP '2019-10-05 09:00:00', 'view',     1,        100.0, NULL,      'electronics.smartphone', 's2'),
      (TIMESTAMP '2019-10-05 09:05:00', 'purchase', 1,        100.0, 'samsung', 'electronics.smartphone', 's2'),
      (TIMESTAMP '2019-10-24 23:59:59', 'purchase', 1,         70.0, 'samsung', 'electronics.audio',      's3'),
      (TIMESTAMP '2019-10-30 12:00:00', 'purchase', 1,         50.0, 'apple',   'electronics.audio',      's4'),
      (TIMESTAMP '2019-10-31 23:59:59', 'view',     2,          5.0, 'xiaomi',  NULL,                     's5'),
      (TIMESTAMP '2019-10-31 23:00:00', 'cart',     2,          5.0, 'xiaomi',  NULL,                     's5'),
      (TIMESTAMP '2019-10-01 00:00:00', 'view',     3,          1.0, NULL,      'apparel.shoes',          's6')
    ) AS t(event_time, event_type, user_id, price, brand, category_code, user_session)
  ) TO '${join(dir, 'lake', 'events')}' (FORMAT parquet, PARTITION_BY (date))`);

  // The real REES46 sample, loaded by hand-written SQL (not by kohort's importer).
  const sample = join(import.meta.dirname, 'fixtures', 'rees46-2019-oct-sample.csv');
  mkdirSync(join(dir, 'real'));
  await conn.run(`COPY (
    SELECT CAST(strptime(event_time, '%Y-%m-%d %H:%M:%S UTC') AS TIMESTAMP) AS event_time, event_type,
      CAST(product_id AS BIGINT) AS product_id, CAST(category_id AS BIGINT) AS category_id,
      nullif(category_code, '') AS category_code, nullif(brand, '') AS brand, CAST(price AS DOUBLE) AS price,
      CAST(user_id AS BIGINT) AS user_id, nullif(user_session, '') AS user_session,
      CAST(strptime(event_time, '%Y-%m-%d %H:%M:%S UTC') AS DATE) AS date
    FROM read_csv('${sample}', all_varchar = true)
  ) TO '${join(dir, 'real', 'events')}' (FORMAT parquet, PARTITION_BY (date))`);
});

afterAll(() => {
  conn?.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

const notebook = `source events = lake "events" key user_id time event_time
metric views = count() where event_type = "view"
metric purchases = count() where event_type = "purchase"
metric revenue = sum(price) where event_type = "purchase"
metric revenue_7d = sum(price) where event_type = "purchase" during last 7 days
metric early = count() during between date "2019-10-01" and date "2019-10-05"
metric last_seen = max(event_time)
metric first_brand = first(brand)
metric last_brand = last(brand)
metric top_category = mode(split_part(category_code, ".", 1))
metric favourite_brand = mode(brand)
metric conversion = purchases / views
metric aov = revenue / purchases
metric inactive = days_since(last_seen)
profile p = views, purchases, revenue, revenue_7d, early, first_brand, last_brand, top_category, favourite_brand, conversion, aov, inactive
profile d per day = views, purchases, revenue
segment buyers = purchases > 0
segment idle = not buyers and inactive > 7
`;

describe('hand-computed fixtures', () => {
  it('a profile: sums default to 0, ratios are NULL-safe, windows end at the as-of time', async () => {
    const out = await run(notebook, 'p');
    const byUser = Object.fromEntries(out.map((r) => [String(r.user_id), r]));
    expect(byUser['1']).toMatchObject({ views: '2', purchases: '3', revenue: 220, early: '3', first_brand: 'apple', last_brand: 'apple', top_category: 'electronics', conversion: 1.5, aov: 220 / 3, inactive: '1' });
    // as_of = 2019-10-31 23:59:59; 7 days before is 2019-10-24 23:59:59, which is outside (the window is open on the left).
    expect(byUser['1']!.revenue_7d).toBe(50);
    expect(byUser['2']).toMatchObject({ views: '1', purchases: '0', revenue: 0, revenue_7d: 0, conversion: 0, aov: null, inactive: '0', first_brand: 'xiaomi' });
    expect(byUser['3']).toMatchObject({ views: '1', first_brand: null, conversion: 0, inactive: '30' });
  });

  it('mode: the most frequent non-null value, ties to the greatest', async () => {
    const out = await run(notebook, 'p');
    const byUser = Object.fromEntries(out.map((r) => [String(r.user_id), r]));
    // User 1: apple twice, samsung twice (one NULL brand): a tie, so the greater value.
    expect(byUser['1']!.favourite_brand).toBe('samsung');
    expect(byUser['2']!.favourite_brand).toBe('xiaomi');
    expect(byUser['3']!.favourite_brand).toBeNull();
  });

  it('as of a past date: later events do not exist, and customers first seen later are absent', async () => {
    const out = await run(notebook, 'p', { asOf: '2019-10-05' });
    expect(out.map((r) => r.user_id).sort()).toEqual(['1', '3']);
    const u1 = out.find((r) => r.user_id === '1')!;
    expect(u1).toMatchObject({ purchases: '1', revenue: 100, revenue_7d: 100, inactive: '0' });
    const asOfInNotebook = await run(notebook.replace('source events', 'as of date "2019-10-05"\nsource events'), 'p');
    expect(asOfInNotebook).toEqual(out);
  });

  it('per-day profile: one row per customer per active day', async () => {
    const out = await run(notebook, 'd');
    expect(out.map((r) => `${r.user_id} ${r.day} ${r.views} ${r.purchases} ${r.revenue}`).sort()).toEqual([
      '1 2019-10-01 1 0 0',
      '1 2019-10-05 1 1 100',
      '1 2019-10-24 0 1 70',
      '1 2019-10-30 0 1 50',
      '2 2019-10-31 1 0 0',
      '3 2019-10-01 1 0 0',
    ]);
  });

  it('segments use other segments', async () => {
    expect((await run(notebook, 'buyers')).map((r) => r.user_id)).toEqual(['1']);
    expect((await run(notebook, 'idle')).map((r) => r.user_id)).toEqual(['3']);
  });
});

describe('the example notebooks over the real REES46 sample, against hand-written SQL', () => {
  const lake = () => join(dir, 'real');
  const customers = readFileSync(join(import.meta.dirname, '..', 'examples', 'ecommerce', 'customers.kohort'), 'utf8');
  const sales = readFileSync(join(import.meta.dirname, '..', 'examples', 'ecommerce', 'sales.kohort'), 'utf8');
  const events = () => `read_parquet('${lake()}/events/**/*.parquet', hive_partitioning = true)`;

  it('customer profile', async () => {
    const got = await run(customers, 'customer_profile', { lake: lake() });
    const expected = await rows(`
      SELECT user_id,
        count(*) FILTER (WHERE event_type = 'view') AS views,
        count(*) FILTER (WHERE event_type = 'cart') AS carts,
        count(*) FILTER (WHERE event_type = 'purchase') AS purchases,
        coalesce(sum(price) FILTER (WHERE event_type = 'purchase'), 0) AS revenue,
        count(DISTINCT user_session) AS sessions,
        max(event_time) AS last_seen
      FROM ${events()} GROUP BY user_id`);
    expect(got).toHaveLength(expected.length);
    const byUser = new Map(got.map((r) => [r.user_id, r]));
    for (const e of expected) {
      const g = byUser.get(e.user_id)!;
      expect({ views: g.views, carts: g.carts, purchases: g.purchases, revenue: g.revenue, sessions: g.sessions, last_seen: g.last_seen }).toEqual({
        views: e.views, carts: e.carts, purchases: e.purchases, revenue: e.revenue, sessions: e.sessions, last_seen: e.last_seen,
      });
      const views = Number(e.views);
      expect(g.conversion).toBe(views === 0 ? null : Number(e.purchases) / views);
    }
  });

  it('mode agrees with a hand-written top value wherever it is unique', async () => {
    const got = await run(customers, 'customer_profile', { lake: lake() });
    const unique = await rows(`
      WITH c AS (SELECT user_id, brand, count(*) AS n FROM ${events()} WHERE brand IS NOT NULL GROUP BY 1, 2),
           top AS (SELECT user_id, max(n) AS n FROM c GROUP BY 1)
      SELECT c.user_id, any_value(c.brand) AS brand FROM c JOIN top USING (user_id, n) GROUP BY 1 HAVING count(*) = 1`);
    const byUser = new Map(got.map((r) => [r.user_id, r.favourite_brand]));
    expect(unique.length).toBeGreaterThan(100);
    for (const u of unique) expect(byUser.get(u.user_id)).toBe(u.brand);
  });

  it('browsers who never buy', async () => {
    const got = await run(customers, 'browsers_never_buy', { lake: lake() });
    const expected = await rows(`
      SELECT user_id FROM ${events()} GROUP BY user_id
      HAVING count(*) FILTER (WHERE event_type = 'view') >= 10 AND count(*) FILTER (WHERE event_type = 'purchase') = 0
      ORDER BY user_id`);
    expect(got.map((r) => r.user_id).sort()).toEqual(expected.map((r) => r.user_id).sort());
    expect(got.length).toBeGreaterThan(0);
  });

  it('revenue by day and the funnel', async () => {
    const revenue = await run(sales, 'revenue_by_day', { lake: lake() });
    expect(revenue).toEqual(await rows(`
      SELECT CAST(event_time AS DATE) AS day, sum(price) AS revenue, count(*) AS orders, count(DISTINCT user_id) AS buyers
      FROM ${events()} WHERE event_type = 'purchase' GROUP BY 1 ORDER BY 1`));
    const funnel = await run(sales, 'funnel', { lake: lake() });
    expect(funnel).toEqual(await rows(`
      SELECT event_type, count(*) AS events, count(DISTINCT user_id) AS customers FROM ${events()} GROUP BY 1 ORDER BY 2 DESC`));
  });

  it('ids beyond 2^53 come back exact', async () => {
    const got = await run('source events = lake "events" key user_id time event_time\nquery ids = from events where category_id = 2053013555631882655 select category_id, user_id', 'ids', { lake: lake() });
    expect(got.length).toBeGreaterThan(0);
    for (const r of got) expect(r.category_id).toBe('2053013555631882655');
  });
});
