import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { sqlString } from '../../engine/duckdb.js';
import { useScratch } from '../../tests/support/scratch.js';
import { datasetGlob, listPartitions } from '../../engine/lake.js';
import { UserError } from '../../engine/user-error.js';
import { buildCatalog } from './catalog.js';
import { generateEvents, type GenerateReport } from './generate.js';
import { idRanges } from './model.js';

const scratch = useScratch('kohort-generate');
const { freshLake, rows } = scratch;
const q = sqlString;
async function one(sql: string): Promise<Record<string, unknown>> {
  return (await rows(sql))[0]!;
}
const scan = (lake: string, source = 'events') => `read_parquet(${q(datasetGlob(lake, source))}, hive_partitioning = true)`;

/** A digest of every row, in a total order: equal digests mean identical data. */
async function digest(lake: string): Promise<string> {
  const r = await one(
    `SELECT md5(string_agg(concat_ws('|', event_time, event_type, product_id, category_id, category_code, brand, price, user_id, user_session, date), E'\\n'
       ORDER BY event_time, user_session, event_type, product_id, price)) AS d FROM ${scan(lake)}`,
  );
  return String(r['d']);
}

describe('determinism', () => {
  test('the same seed gives identical rows and files, on any thread count; another seed does not', async () => {
    const a = freshLake();
    const b = freshLake();
    const c = freshLake();
    await generateEvents({ events: 30_000, seed: 7, lake: a });
    const saved = process.env['KOHORT_THREADS'];
    process.env['KOHORT_THREADS'] = '1';
    try {
      await generateEvents({ events: 30_000, seed: 7, lake: b });
    } finally {
      if (saved === undefined) delete process.env['KOHORT_THREADS'];
      else process.env['KOHORT_THREADS'] = saved;
    }
    await generateEvents({ events: 30_000, seed: 8, lake: c });
    expect(await digest(a)).toBe(await digest(b));
    expect(await digest(a)).not.toBe(await digest(c));
    const bytes = async (lake: string) => {
      const files = (await listPartitions(lake, 'events')).flatMap((p) => p.files);
      const h = createHash('sha256');
      for (const f of files) h.update(`${basename(f)}:`).update(await readFile(f));
      return h.digest('hex');
    };
    expect(await bytes(a)).toBe(await bytes(b));
  });
});

describe('a generated month (200k events)', () => {
  let lake: string;
  let report: GenerateReport;
  const progress: { events: number; total: number }[] = [];
  const events = () => scan(lake);

  beforeAll(async () => {
    lake = freshLake();
    report = await generateEvents({ events: 200_000, seed: 1, lake, onProgress: (p) => progress.push(p) });
    await scratch.db.run(`CREATE OR REPLACE VIEW ev AS SELECT * FROM ${events()}`);
  });

  test('exactly the events asked for, one file per day, progress up to the total', async () => {
    expect(report).toMatchObject({ source: 'events', events: 200_000, days: 31 });
    expect(report.files).toHaveLength(31);
    expect(report.files[0]).toMatch(/\/events\/date=2019-10-01\/gen-1-[0-9a-f]{8}\.parquet$/);
    expect(await one(`SELECT count(*) AS n, count(DISTINCT user_id) AS c FROM ev`)).toEqual({ n: 200_000n, c: BigInt(report.customers) });
    // REES46 proportions: ~14 events per customer.
    expect(report.customers).toBeGreaterThan(200_000 / 17);
    expect(report.customers).toBeLessThan(200_000 / 11);
    expect(progress[0]).toEqual({ events: 0, total: 200_000 });
    expect(progress.at(-1)).toEqual({ events: 200_000, total: 200_000 });
    expect(progress.every((p, i) => i === 0 || p.events >= progress[i - 1]!.events)).toBe(true);
  });

  test('the REES46 schema, with every time inside the window and its date partition', async () => {
    const types = await rows(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ev)`);
    expect(types.map((r) => `${r['column_name']} ${r['column_type']}`)).toEqual([
      'event_time TIMESTAMP',
      'event_type VARCHAR',
      'product_id BIGINT',
      'category_id BIGINT',
      'category_code VARCHAR',
      'brand VARCHAR',
      'price DOUBLE',
      'user_id BIGINT',
      'user_session VARCHAR',
      'date DATE',
    ]);
    const t = await one(
      `SELECT count(*) FILTER (WHERE event_time < TIMESTAMP '2019-10-01' OR event_time >= TIMESTAMP '2019-11-01') AS outside,
              count(*) FILTER (WHERE CAST(event_time AS DATE) <> date) AS wrong_partition,
              count(*) FILTER (WHERE price < 0 OR price IS NULL) AS bad_price,
              count(*) FILTER (WHERE event_type NOT IN ('view', 'cart', 'remove_from_cart', 'purchase')) AS bad_type FROM ev`,
    );
    expect(t).toEqual({ outside: 0n, wrong_partition: 0n, bad_price: 0n, bad_type: 0n });
  });

  test('event types in REES46 proportions (views ~96%, carts ~2%, purchases ~1.7%)', async () => {
    const shares = Object.fromEntries(
      (await rows(`SELECT event_type, count(*) / 200000.0 AS share FROM ev GROUP BY 1`)).map((r) => [r['event_type'], Number(r['share'])]),
    );
    expect(shares['view']).toBeGreaterThan(0.945);
    expect(shares['view']).toBeLessThan(0.975);
    expect(shares['cart']).toBeGreaterThan(0.016);
    expect(shares['cart']).toBeLessThan(0.028);
    expect(shares['purchase']).toBeGreaterThan(0.013);
    expect(shares['purchase']).toBeLessThan(0.022);
    expect(shares['remove_from_cart']).toBeGreaterThan(0.0005);
    expect(shares['remove_from_cart']).toBeLessThan(0.005);
  });

  test('every purchase and removal follows a cart of the same product in the same session', async () => {
    const orphan = await one(
      `SELECT count(*) AS n FROM ev p WHERE p.event_type IN ('purchase', 'remove_from_cart') AND NOT EXISTS (
         SELECT 1 FROM ev c WHERE c.event_type = 'cart' AND c.user_session = p.user_session
           AND c.product_id = p.product_id AND c.event_time < p.event_time)`,
    );
    expect(orphan).toEqual({ n: 0n });
    const carted = await one(`SELECT count(*) AS n FROM ev c WHERE c.event_type = 'cart' AND NOT EXISTS (
         SELECT 1 FROM ev v WHERE v.event_type = 'view' AND v.user_session = c.user_session AND v.product_id = c.product_id AND v.event_time <= c.event_time)`);
    expect(carted).toEqual({ n: 0n });
  });

  test('sessions are UUIDs, each of one customer, a few events long', async () => {
    const s = await one(
      `SELECT count(*) FILTER (WHERE NOT regexp_full_match(user_session, '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}')) AS not_uuid,
              count(DISTINCT user_session) AS sessions FROM ev`,
    );
    expect(s['not_uuid']).toBe(0n);
    const shared = await one(`SELECT count(*) AS n FROM (SELECT user_session FROM ev GROUP BY 1 HAVING count(DISTINCT user_id) > 1)`);
    expect(shared).toEqual({ n: 0n });
    const perSession = 200_000 / Number(s['sessions']);
    expect(perSession).toBeGreaterThan(3.5); // REES46: 4.6
    expect(perSession).toBeLessThan(6);
  });

  test('activity is heavy-tailed: many one-session visitors, a few heavy users', async () => {
    const a = await one(
      `WITH u AS (SELECT user_id, count(*) AS n, count(DISTINCT user_session) AS s FROM ev GROUP BY 1),
            r AS (SELECT n, s, row_number() OVER (ORDER BY n DESC) AS rank, count(*) OVER () AS customers FROM u)
       SELECT avg(CAST(s = 1 AS INTEGER)) AS one_session, sum(n) FILTER (WHERE rank <= customers / 100) / sum(n) AS top1,
              max(n) AS most, median(n) AS median FROM r`,
    );
    expect(Number(a['one_session'])).toBeGreaterThan(0.45);
    expect(Number(a['top1'])).toBeGreaterThan(0.1);
    expect(Number(a['most'])).toBeGreaterThan(50 * Number(a['median']));
  });

  test('daily and weekly cycles: afternoons (UTC) and weekends are busy, nights quiet', async () => {
    const hours = await one(
      `SELECT count(*) FILTER (WHERE hour(event_time) BETWEEN 14 AND 17) AS afternoon, count(*) FILTER (WHERE hour(event_time) BETWEEN 0 AND 3) AS night FROM ev`,
    );
    expect(Number(hours['afternoon']) / Number(hours['night'])).toBeGreaterThan(3);
    const week = await one(
      `WITH d AS (SELECT date, count(*) AS n FROM ev GROUP BY 1)
       SELECT avg(n) FILTER (WHERE isodow(date) >= 6) AS weekend, avg(n) FILTER (WHERE isodow(date) <= 5) AS weekday FROM d`,
    );
    expect(Number(week['weekend']) / Number(week['weekday'])).toBeGreaterThan(1.05);
  });

  test('customers arrive through the month (with later ids) and churn', async () => {
    const arrivals = await one(
      `WITH f AS (SELECT user_id, min(date) AS first FROM ev GROUP BY 1)
       SELECT avg(CAST(first > DATE '2019-10-07' AS INTEGER)) AS late,
              median(user_id) FILTER (WHERE first = DATE '2019-10-01') AS day1_id, median(user_id) FILTER (WHERE first >= DATE '2019-10-25') AS late_id FROM f`,
    );
    expect(Number(arrivals['late'])).toBeGreaterThan(0.3);
    expect(Number(arrivals['late_id'])).toBeGreaterThan(Number(arrivals['day1_id']));
    // Customers with 3+ sessions in the first week: without churn almost all would be back in the last 10 days.
    const churn = await one(
      `WITH w AS (SELECT user_id, count(DISTINCT user_session) FILTER (WHERE date < DATE '2019-10-08') AS first_week,
                         count(*) FILTER (WHERE date >= DATE '2019-10-22') AS last_days FROM ev GROUP BY 1)
       SELECT count(*) AS n, avg(CAST(last_days = 0 AS INTEGER)) AS gone FROM w WHERE first_week >= 3`,
    );
    expect(Number(churn['n'])).toBeGreaterThan(100);
    expect(Number(churn['gone'])).toBeGreaterThan(0.2);
  });

  test('a store like REES46: Zipf-like products and brands, category taxonomy, per-category prices, some empty codes and brands', async () => {
    const products = await one(
      `WITH p AS (SELECT product_id, count(*) AS n FROM ev WHERE event_type = 'view' GROUP BY 1),
            r AS (SELECT n, row_number() OVER (ORDER BY n DESC) AS rank, count(*) OVER () AS total FROM p)
       SELECT sum(n) FILTER (WHERE rank <= total / 10) / sum(n) AS top10 FROM r`,
    );
    expect(Number(products['top10'])).toBeGreaterThan(0.5);
    const brands = await rows(`SELECT brand, count(*) AS n FROM ev WHERE brand IS NOT NULL GROUP BY 1 ORDER BY n DESC LIMIT 3`);
    expect(brands[0]!['brand']).toBe('samsung');
    const nulls = await one(`SELECT avg(CAST(brand IS NULL AS INTEGER)) AS brand, avg(CAST(category_code IS NULL AS INTEGER)) AS code FROM ev`);
    expect(Number(nulls['brand'])).toBeGreaterThan(0.07);
    expect(Number(nulls['brand'])).toBeLessThan(0.22);
    expect(Number(nulls['code'])).toBeGreaterThan(0.25);
    expect(Number(nulls['code'])).toBeLessThan(0.38);
    const codes = await rows(`SELECT DISTINCT category_code FROM ev WHERE category_code IS NOT NULL`);
    const all = codes.map((r) => String(r['category_code']));
    expect(all).toEqual(expect.arrayContaining(['electronics.smartphone', 'appliances.kitchen.refrigerators', 'apparel.shoes']));
    expect(all.every((c) => /^[a-z_]+(\.[a-z_]+){1,3}$/.test(c))).toBe(true);
    const prices = Object.fromEntries(
      (await rows(`SELECT category_code, median(price) AS m FROM ev WHERE category_code IN ('electronics.smartphone', 'electronics.audio.headphone') GROUP BY 1`)).map(
        (r) => [r['category_code'], Number(r['m'])],
      ),
    );
    expect(prices['electronics.smartphone']).toBeGreaterThan(150);
    expect(prices['electronics.smartphone']).toBeLessThan(700);
    expect(prices['electronics.audio.headphone']).toBeLessThan(100);
  });

  test('ids are exact BIGINTs in REES46 ranges; category ids beyond 2^53 are the catalogue’s', async () => {
    const catalog = new Set(buildCatalog(1, 200_000).categories.map((c) => c.categoryId.toString()));
    const ids = await rows(`SELECT DISTINCT CAST(category_id AS VARCHAR) AS id FROM ev`);
    expect(ids.length).toBeGreaterThan(50);
    for (const r of ids) expect(catalog.has(String(r['id']))).toBe(true);
    expect(ids.some((r) => BigInt(String(r['id'])) > 2n ** 53n && BigInt(String(r['id'])) % 2n === 1n)).toBe(true);
    const r = await one(`SELECT min(product_id) AS p0, max(product_id) AS p1, min(user_id) AS u0, max(user_id) AS u1 FROM ev`);
    expect(Number(r['p0'])).toBeGreaterThanOrEqual(idRanges.products[0]);
    expect(Number(r['p1'])).toBeLessThanOrEqual(idRanges.products[1]);
    expect(Number(r['u0'])).toBeGreaterThanOrEqual(idRanges.existingUsers[0]);
    expect(Number(r['u1'])).toBeLessThanOrEqual(idRanges.newUsers[1]);
  });
});

describe('options', () => {
  test('any window: exact counts, times inside [start, start + days), a leap day included', async () => {
    const lake = freshLake();
    const r = await generateEvents({ events: 12_345, seed: 3, lake, start: '2020-02-27', days: 4, customers: 500, source: 'feb' });
    expect(r).toMatchObject({ source: 'feb', events: 12_345, days: 4 });
    expect(r.customers).toBeLessThanOrEqual(500);
    expect(r.customers).toBeGreaterThan(300);
    const t = await one(`SELECT count(*) AS n, min(event_time) >= TIMESTAMP '2020-02-27' AS after, max(event_time) < TIMESTAMP '2020-03-02' AS before,
                          count(DISTINCT date) AS days FROM ${scan(lake, 'feb')}`);
    expect(t).toEqual({ n: 12_345n, after: true, before: true, days: 4n });
    expect((await listPartitions(lake, 'feb')).map((p) => p.name)).toEqual(['date=2020-02-27', 'date=2020-02-28', 'date=2020-02-29', 'date=2020-03-01']);
  });

  test('tiny runs still give exactly the events asked for', async () => {
    for (const events of [1, 7, 100]) {
      const lake = freshLake();
      const r = await generateEvents({ events, seed: events, lake });
      expect(r.events).toBe(events);
      expect(await one(`SELECT count(*) AS n FROM ${scan(lake)}`)).toEqual({ n: BigInt(events) });
    }
  });

  test('generating again replaces the earlier generated files and leaves imported ones', async () => {
    const lake = freshLake();
    await generateEvents({ events: 5_000, seed: 1, lake });
    const imported = join(lake, 'events', 'date=2019-10-05', 'csv-import-0123456789abcdef-0.parquet');
    await mkdir(join(lake, 'events', 'date=2019-10-05'), { recursive: true });
    await scratch.db.run(`COPY (SELECT * EXCLUDE (date) FROM ${scan(lake)} LIMIT 3) TO ${q(imported)} (FORMAT parquet)`);
    const second = await generateEvents({ events: 4_000, seed: 2, lake, days: 10 });
    const files = (await listPartitions(lake, 'events')).flatMap((p) => p.files).sort();
    expect(files).toEqual([...second.files, imported].sort());
    expect(await one(`SELECT count(*) AS n FROM ${scan(lake)}`)).toEqual({ n: 4_003n });
    expect(await readdir(lake)).toEqual(['events']);
  });

  test('bad options are UserErrors', async () => {
    const lake = freshLake();
    const bad: Parameters<typeof generateEvents>[0][] = [
      { events: 0, seed: 1, lake },
      { events: 1.5, seed: 1, lake },
      { events: 10, seed: 0.5, lake },
      { events: 10, seed: 1, lake, start: '2019-02-30' },
      { events: 10, seed: 1, lake, start: 'today' },
      { events: 10, seed: 1, lake, days: 0 },
      { events: 10, seed: 1, lake, customers: -1 },
      { events: 10, seed: 1, lake, source: '../x' },
    ];
    for (const options of bad) await expect(generateEvents(options)).rejects.toThrow(UserError);
  });
});
