import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { compileNotebook, hasErrors, membershipFile, valueTypeOfDuckDBType, type SchemaCatalog } from '../dsl/index.js';
import { introspectSources } from '../engine/introspect.js';
import { useScratch } from './support/scratch.js';

/**
 * Behavioural segment conditions compiled and run on DuckDB over hand-built events whose members
 * are worked out by hand below (edges of windows, the as-of instant, events after it, ties,
 * same timestamps, customers without the event). Everything is as of T = 2019-10-31 12:00:00.
 */
const scratch = useScratch('kohort-behaviour');
const T = Date.parse('2019-10-31T12:00:00Z');
const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

/** The time `ms` before T (negative: after it), as DuckDB reads a timestamp. */
function before(ms: number): string {
  return new Date(T - ms).toISOString().replace('T', ' ').slice(0, 19);
}

const BIG = '2053013555631882655'; // beyond 2^53: must stay exact

type Row = [user: string, time: string, type: string, product: number | null, price: number];
const rows: Row[] = [];
const add = (user: string, ago: number, type: string, product: number | null = 1, price = 10) => rows.push([user, before(ago), type, product, price]);

// --- counts in a window: `last 7 days` is (T - 7 days, T] --------------------------------------
add('1', 7 * day, 'purchase'); // exactly on the window's open edge: outside
add('1', 6.5 * day, 'purchase');
add('1', 1.5 * day, 'purchase');
add('2', 7 * day - 1000, 'purchase'); // one second inside
add('2', 0, 'purchase'); // at the as-of instant: inside
add('3', 1.5 * day, 'purchase');
add('3', -1 * day, 'purchase'); // after the as-of time: does not exist
add('4', 2 * day, 'view', 1, 500);
add('4', 1 * day, 'view', 2, 50);
add(BIG, 5 * day, 'purchase', 1, 30); // two purchases at the same second: two events
add(BIG, 5 * day, 'purchase', 2, 30);
// --- regularity: week k is (T - (k+1) weeks, T - k weeks] -----------------------------------------
add('6', 1 * day, 'purchase'); // week 0
add('6', 8 * day, 'purchase'); // week 1
add('6', 7 * day, 'purchase'); // week 1 (T - 7 days starts week 1)
add('6', 22 * day, 'purchase'); // week 3
add('7', 1 * day, 'purchase'); // week 0
add('7', 2 * day, 'purchase'); // week 0
add('7', 28 * day, 'purchase'); // T - 4 weeks: outside the last 4 weeks
// --- stopped: none in (T - 14 days, T], one before ---------------------------------------------------
add('8', 20 * day, 'purchase');
add('8', 14 * day, 'purchase'); // exactly 14 days before: not within the last 14 days
add('8', 1 * day, 'view');
add('9', 30 * day, 'purchase');
add('9', -1 * day, 'purchase'); // after the as-of time: they have stopped, as far as anyone knows
add('10', 13 * day, 'purchase');
// --- restarted after 10 days, during the last 3 days -------------------------------------------------
add('11', 20 * day, 'purchase');
add('11', 2 * day, 'purchase');
add('12', 12 * day, 'purchase');
add('12', 2 * day, 'purchase'); // exactly 10 days after the one before
add('13', 11 * day, 'purchase');
add('13', 5 * day, 'purchase');
add('13', 2 * day, 'purchase'); // 3 days after the one before
add('14', 2 * day, 'purchase'); // nothing before: new, not back
// --- a correlated sequence: view P, cart P, no purchase of P within 1 hour --------------------------
const at10 = 2 * day; // 10:00 two days before T, give or take
add('20', at10, 'view', 1);
add('20', at10 - 5 * minute, 'cart', 1); // abandoned
add('21', at10, 'view', 1);
add('21', at10 - 5 * minute, 'cart', 1);
add('21', at10 - 30 * minute, 'purchase', 1); // bought
add('22', at10, 'view', 1);
add('22', at10 - 5 * minute, 'cart', 2); // another product
add('23', at10, 'view', 1);
add('23', at10 - 5 * minute, 'cart', 1);
add('23', at10 - 65 * minute, 'purchase', 1); // exactly one hour after the cart: bought within it
add('24', at10, 'view', 1);
add('24', at10 - 5 * minute, 'cart', 1);
add('24', at10 - 65 * minute - 1000, 'purchase', 1); // a second too late: abandoned
add('25', at10, 'view', 1);
add('25', at10, 'cart', 1); // same instant as the view: not after it
add('26', 30 * minute, 'view', 1);
add('26', 20 * minute, 'cart', 1); // the hour has not passed by the as-of time: unknown yet
add('27', at10, 'cart', 1);
add('27', at10 - 5 * minute, 'view', 1); // viewed after carting
add('28', at10, 'view', 1);
add('28', at10 - 5 * minute, 'cart', 1);
add('28', at10 - 6 * minute, 'purchase', 1);
add('28', at10 - 120 * minute, 'cart', 1); // carted again later, never bought: abandoned
add('29', 3 * hour, 'view', 1);
add('29', 2 * hour, 'cart', 1);
add('29', -10 * minute, 'purchase', 1); // bought after the as-of time: abandoned as of T
add('30', at10, 'view', null);
add('30', at10 - 5 * minute, 'cart', null); // no product: nothing to tie
// --- gaps and a total: view, cart within 10 minutes, purchase, all within 1 hour --------------------
add('40', 3 * day, 'view', 5);
add('40', 3 * day - 9 * minute, 'cart', 6);
add('40', 3 * day - 50 * minute, 'purchase', 7);
add('41', 3 * day, 'view', 5);
add('41', 3 * day - 11 * minute, 'cart', 5); // 11 minutes: too slow
add('41', 3 * day - 20 * minute, 'purchase', 5);
add('42', 3 * day + hour, 'view', 5);
add('42', 3 * day, 'view', 5);
add('42', 3 * day - 5 * minute, 'cart', 5);
add('42', 3 * day - 61 * minute, 'purchase', 5); // 61 minutes after the latest view
add('43', 3 * day + hour, 'view', 5);
add('43', 3 * day + 55 * minute, 'cart', 5);
add('43', 3 * day, 'view', 5);
add('43', 3 * day - 30 * minute, 'purchase', 5); // the only chain starts 90 minutes before it
add('44', 3 * day, 'view', 5);
add('44', 3 * day - 10 * minute, 'cart', 5); // 10 minutes exactly
add('44', 3 * day - 60 * minute, 'purchase', 5); // 60 minutes exactly
// --- without: view, then purchase with no cart in between (both ends included) ------------------
add('50', 4 * day, 'view', 8);
add('50', 4 * day - hour, 'purchase', 8);
add('51', 4 * day, 'view', 8);
add('51', 4 * day - 30 * minute, 'cart', 8);
add('51', 4 * day - hour, 'purchase', 8);
add('52', 4 * day, 'view', 8);
add('52', 4 * day - 30 * minute, 'cart', 8);
add('52', 4 * day - 40 * minute, 'view', 8);
add('52', 4 * day - hour, 'purchase', 8);
add('53', 4 * day, 'view', 8);
add('53', 4 * day - hour, 'cart', 8); // same instant as the purchase
add('53', 4 * day - hour, 'purchase', 8);

/**
 * The oracle: the documented meaning of each condition, written directly over the rows above in
 * plain code (not through the compiler). Events after T do not exist; `ago` is how long before T.
 */
interface Ev {
  user: string;
  ago: number;
  type: string;
  product: number | null;
  price: number;
}
const events: Ev[] = rows.map(([user, t, type, product, price]) => ({ user, ago: T - Date.parse(`${t.replace(' ', 'T')}Z`), type, product, price })).filter((e) => e.ago >= 0);
const customers = [...new Set(events.map((e) => e.user))].sort();
const of = (user: string, type?: string) => events.filter((e) => e.user === user && (type === undefined || e.type === type));
/** Customers (sorted) whose events satisfy `test`. */
const where = (test: (user: string) => boolean) => customers.filter(test);
/** Within the last `ms`: the window (T - ms, T]. */
const inLast = (e: Ev, ms: number) => e.ago < ms;

async function lake(): Promise<string> {
  const dir = scratch.freshLake();
  mkdirSync(dir, { recursive: true });
  const values = rows
    .map(([u, t, type, p, price]) => `(${u}::BIGINT, TIMESTAMP '${t}', '${type}', ${p === null ? 'NULL' : `${p}::BIGINT`}, ${price}::DOUBLE, ${p === null ? 'NULL' : `'brand${p % 3}'`})`)
    .join(',\n');
  await scratch.db.run(`COPY (
    SELECT *, CAST(event_time AS DATE) AS date FROM (VALUES ${values}) AS t(user_id, event_time, event_type, product_id, price, brand)
  ) TO '${join(dir, 'events')}' (FORMAT parquet, PARTITION_BY (date))`);
  return dir;
}

let lakeDir: string | undefined;
async function theLake(): Promise<string> {
  return (lakeDir ??= await lake());
}

const header = `source events = lake "events" key user_id time event_time
as of timestamp "2019-10-31 12:00:00"
metric revenue = sum(price) where event_type = "purchase"
metric purchases = count() where event_type = "purchase"
`;

async function schemasOf(text: string, dir: string): Promise<SchemaCatalog> {
  const out: Record<string, { columns: { name: string; type: ReturnType<typeof valueTypeOfDuckDBType> }[] }> = {};
  for (const s of compileNotebook(text, { lake: dir }).sources) {
    const described = await scratch.rows(`DESCRIBE SELECT * FROM ${s.scan}`);
    out[s.name] = { columns: described.map((r) => ({ name: String(r.column_name), type: valueTypeOfDuckDBType(String(r.column_type)) })) };
  }
  return out;
}

/** The members of segment `name` defined by `rule`, as sorted ids. */
async function members(rule: string, extra = '', dir?: string): Promise<string[]> {
  const lakeRoot = dir ?? (await theLake());
  const text = `--- kohort\n${header}${extra}segment subject = ${rule}\n`;
  const compiled = compileNotebook(text, { lake: lakeRoot, file: 'shop.kohort', schemas: await schemasOf(text, lakeRoot) });
  if (hasErrors(compiled.diagnostics)) throw new Error(compiled.diagnostics.map((d) => `${d.code}: ${d.message}`).join('\n'));
  const sql = compiled.cells.find((c) => c.name === 'subject')!.sql!;
  const got = (await (await scratch.db.runAndReadAll(sql)).getRowObjectsJson()) as Record<string, unknown>[];
  return got.map((r) => String(r.user_id)).sort();
}

const sorted = (ids: string[]) => [...ids].sort();
const purchasesIn = (u: string, ms: number) => of(u, 'purchase').filter((e) => inLast(e, ms)).length;

describe('event counts in windows', () => {
  it('at least N times: the window is open at its start and closed at the as-of instant; later events do not exist', async () => {
    const expected = where((u) => purchasesIn(u, 7 * day) >= 2);
    expect(expected).toEqual(sorted(['1', '13', '2', '7', BIG])); // the edges above, read by hand
    expect(await members('did "purchase" at least 2 times during last 7 days')).toEqual(expected);
  });

  it('exactly, at most, between; did alone means at least once', async () => {
    expect(await members('did "purchase" exactly 1 time during last 7 days')).toEqual(where((u) => purchasesIn(u, 7 * day) === 1));
    expect(await members('did "purchase" at most 1 time during last 7 days')).toEqual(where((u) => purchasesIn(u, 7 * day) <= 1));
    expect(await members('did "purchase" between 2 and 3 times during last 7 days')).toEqual(where((u) => [2, 3].includes(purchasesIn(u, 7 * day))));
    // One day before T exactly is outside the last day.
    expect(await members('did "purchase" during last 1 day')).toEqual(['2']);
    expect(await members('did "purchase" during between date "2019-10-29" and date "2019-10-29"')).toEqual(
      where((u) => of(u, 'purchase').some((e) => new Date(T - e.ago).toISOString().startsWith('2019-10-29'))),
    );
  });

  it('filters on the event, lists of event types, anything', async () => {
    expect(await members('did "view" where price > 100')).toEqual(['4']);
    expect(await members('did "view" where (price < 100 and product_id = 2)')).toEqual(['4']);
    expect(await members('did ("cart", "view") where product_id = 6')).toEqual(['40']);
    expect(await members('did anything during last 40 minutes')).toEqual(sorted(['2', '26']));
  });

  it('never, and did A but never B: customers without the event are members', async () => {
    expect(await members('never "purchase"')).toEqual(where((u) => of(u, 'purchase').length === 0));
    const expected = where((u) => of(u, 'cart').length > 0 && of(u, 'purchase').length === 0);
    expect(expected).toContain('29'); // bought only after T
    expect(await members('did "cart" and never "purchase"')).toEqual(expected);
  });

  it('for the first time: the first event ever falls in the window', async () => {
    const expected = where((u) => of(u, 'purchase').length > 0 && Math.max(...of(u, 'purchase').map((e) => e.ago)) < 7 * day);
    expect(expected).not.toContain('1'); // first purchase exactly 7 days before T
    expect(expected).toContain('2');
    expect(await members('did "purchase" for the first time during last 7 days')).toEqual(expected);
  });

  it('regularly: in at least N of the last M weeks (week k is (T - (k+1) weeks, T - k weeks])', async () => {
    const weeks = (u: string) => new Set(of(u, 'purchase').filter((e) => inLast(e, 28 * day)).map((e) => Math.floor(e.ago / (7 * day)))).size;
    expect(where((u) => weeks(u) >= 3)).toEqual(['6']);
    expect(await members('did "purchase" in at least 2 of the last 4 weeks')).toEqual(where((u) => weeks(u) >= 2));
    expect(await members('did "purchase" in at least 3 of the last 4 weeks')).toEqual(['6']);
  });

  it('stopped: none in the last 14 days, some before (in the window, when given)', async () => {
    const stopped = (u: string) => of(u, 'purchase').length > 0 && of(u, 'purchase').every((e) => !inLast(e, 14 * day));
    expect(where(stopped)).toEqual(sorted(['8', '9'])); // 10 bought 13 days before T
    expect(await members('stopped "purchase" for 14 days')).toEqual(where(stopped));
    expect(await members('stopped "purchase" for 14 days during last 21 days')).toEqual(where((u) => stopped(u) && of(u, 'purchase').some((e) => inLast(e, 21 * day))));
  });

  it('restarted: the first event in the window comes at least the gap after the one before', async () => {
    const restarted = (u: string) => {
      const recent = of(u, 'purchase').filter((e) => inLast(e, 3 * day));
      const earlier = of(u, 'purchase').filter((e) => !inLast(e, 3 * day));
      if (recent.length === 0 || earlier.length === 0) return false;
      return Math.min(...earlier.map((e) => e.ago)) - Math.max(...recent.map((e) => e.ago)) >= 10 * day;
    };
    expect(where(restarted)).toEqual(sorted(['11', '12', '7'])); // 7: back after 26 days
    expect(await members('restarted "purchase" after 10 days during last 3 days')).toEqual(where(restarted));
  });
});

describe('sequences', () => {
  it('view P, then cart the same P, then no purchase of P within an hour (per-product cart abandonment)', async () => {
    // Read off the rows: 21 and 23 bought in the hour, 22 carted another product, 25 carted at the
    // same instant as the view, 26's hour has not passed, 27 viewed after carting, 30 has no product;
    // 28 abandoned a second cart, 29 bought only after T, 43 bought 85 minutes after carting.
    expect(await members('did "view" then "cart" then not "purchase" within 1 hour with same product_id')).toEqual(sorted(['20', '24', '28', '29', '43']));
  });

  it('a gap per step and a total for the whole sequence, both inclusive; the latest start wins', async () => {
    // Not tied to a product: 21 and 28 match too. 41 carts too late, 42's latest view is 61 minutes
    // before its purchase, 43's only chain takes 90 minutes, 23 and 24 take 65.
    expect(await members('did "view" then "cart" within 10 minutes then "purchase" all within 1 hour')).toEqual(sorted(['21', '28', '40', '44']));
  });

  it('without: no excluded event between two steps, both ends included', async () => {
    // 51 carted in between, 53 carted at the purchase's instant; 52 and 43 viewed again after carting.
    expect(await members('did "view" then "purchase" without "cart" with same product_id during last 5 days')).toEqual(sorted(['43', '50', '52']));
  });

  it('a query reads a sequence segment through a profile, and counts its members', async () => {
    const dir = await theLake();
    const text = `--- kohort\n${header}segment abandoned = did "view" then "cart" then not "purchase" within 1 hour with same product_id
profile p = revenue, abandoned
query q = from p where abandoned select n = count()\n`;
    const compiled = compileNotebook(text, { lake: dir, schemas: await schemasOf(text, dir) });
    expect(compiled.diagnostics).toEqual([]);
    const [row] = (await (await scratch.db.runAndReadAll(compiled.cells.find((c) => c.name === 'q')!.sql!)).getRowObjectsJson()) as Record<string, unknown>[];
    expect(row).toEqual({ n: '5' });
  });

  it('the first step in the window; a sequence combined with other conditions', async () => {
    expect(await members('did "view" then "cart" during last 1 day')).toEqual(['26', '29'].sort());
    expect(await members('(did "view" then "cart" during last 1 day) and not did "purchase"')).toEqual(['26', '29']);
    expect(await members('(did "view" then "cart" during last 1 day) and purchases = 0 and not did "purchase" during last 1 day')).toEqual(['26', '29']);
  });
});

describe('ranks and quantiles over all customers', () => {
  const revenue = new Map(customers.map((u) => [u, of(u, 'purchase').reduce((a, e) => a + e.price, 0)]));

  it('top and bottom by a share (rounded up) or a number; ties at the edge all in', async () => {
    const byRevenue = (k: number, dir: 1 | -1) => {
      const values = [...revenue.values()].sort((a, b) => dir * (b - a));
      const edge = values[k - 1]!;
      return where((u) => dir * (revenue.get(u)! - edge) >= 0);
    };
    const n = customers.length;
    expect(await members('top 10% by revenue')).toEqual(byRevenue(Math.ceil(n * 0.1), 1));
    expect(await members('top 12.5% by revenue')).toEqual(byRevenue(Math.ceil((n * 12.5) / 100), 1));
    expect(await members('top 3 by purchases')).toEqual(where((u) => of(u, 'purchase').length >= 3));
    // Bottom 10%: many customers have no revenue, and ties at the edge are all in.
    const zero = where((u) => revenue.get(u) === 0);
    expect(zero.length).toBeGreaterThan(Math.ceil(n * 0.1));
    expect(await members('bottom 10% by revenue')).toEqual(zero);
  });

  it('above and below the median or a percentile (continuous), strictly', async () => {
    const values = [...revenue.values()].sort((a, b) => a - b);
    const quantile = (p: number) => {
      const pos = (values.length - 1) * p;
      const lo = Math.floor(pos);
      return values[lo]! + (values[Math.min(lo + 1, values.length - 1)]! - values[lo]!) * (pos - lo);
    };
    expect(await members('revenue above median')).toEqual(where((u) => revenue.get(u)! > quantile(0.5)));
    expect(await members('revenue below median')).toEqual(where((u) => revenue.get(u)! < quantile(0.5)));
    expect(await members('revenue above percentile 90')).toEqual(where((u) => revenue.get(u)! > quantile(0.9)));
    expect(await members('purchases >= 1 and revenue below percentile 25')).toEqual(where((u) => of(u, 'purchase').length >= 1 && revenue.get(u)! < quantile(0.25)));
  });
});

describe('membership history', () => {
  it('entered, left and was, read from the history file as of T (later changes do not exist)', async () => {
    const dir = await theLake();
    const file = membershipFile(dir, 'shop', 'vip');
    mkdirSync(join(file, '..'), { recursive: true });
    const stay = (user: string, entered: string, left: string | null) => `(${user}::BIGINT, TIMESTAMP '${entered}', ${left ? `TIMESTAMP '${left}'` : 'NULL::TIMESTAMP'}, 'r1', ${left ? "'r2'" : 'NULL'})`;
    await scratch.db.run(`COPY (SELECT * FROM (VALUES
      ${stay('1', before(10 * day), null)},
      ${stay('2', before(3 * day), null)},
      ${stay('3', before(20 * day), before(2 * day))},
      ${stay('4', before(-1 * day), null)},
      ${stay(BIG, before(30 * day), before(-1 * day))},
      ${stay('6', '2019-10-15 23:00:00', '2019-10-16 01:00:00')}
    ) AS t(user_id, entered_at, left_at, entered_run, left_run)) TO '${file}' (FORMAT parquet)`);
    const vip = 'segment vip = revenue > 0\n';
    expect(await members('entered vip during last 7 days', vip)).toEqual(['2']);
    expect(await members('left vip during last 7 days', vip)).toEqual(['3']);
    expect(await members('entered vip', vip)).toEqual(sorted(['1', '2', '3', '6', BIG]));
    expect(await members('was vip on date "2019-10-26"', vip)).toEqual(sorted(['1', '3', BIG]));
    // 6 stayed from 23:00 on the 15th to 01:00 on the 16th; 3 from the 11th to the 29th.
    expect(await members('was vip on date "2019-10-15"', vip)).toEqual(sorted(['3', '6', BIG]));
    expect(await members('was vip on date "2019-10-16"', vip)).toEqual(sorted(['3', '6', BIG]));
    expect(await members('was vip on date "2019-10-17"', vip)).toEqual(sorted(['3', BIG]));
    expect(await members('was vip on timestamp "2019-10-16 01:00:00"', vip)).toEqual(sorted(['3', BIG]));
    expect(await members('was vip on timestamp "2019-10-16 00:59:59"', vip)).toEqual(sorted(['3', '6', BIG]));
    expect(await members('was vip during last 1 day', vip)).toEqual(sorted(['1', '2', BIG]));
    expect(await members('was vip during last 7 days and not left vip during last 7 days', vip)).toEqual(sorted(['1', '2', BIG]));
  });
});

describe('the time range the engine gives the checker', () => {
  it('read from Parquet footers for a lake, scanned for CSV', async () => {
    const dir = await theLake();
    const times = rows.map((r) => r[1]).sort();
    const lakeSources = compileNotebook(`--- kohort\n${header}`, { lake: dir }).sources;
    expect((await introspectSources(scratch.db, lakeSources, { readable: [] })).events!.timeRange).toEqual({ min: times[0], max: times.at(-1) });
    const csv = join(dir, 'events.csv');
    writeFileSync(csv, `user_id,event_time,event_type\n1,2019-10-02 10:00:00,view\n2,2019-10-01 09:30:00,cart\n`);
    const csvSources = compileNotebook('--- kohort\nsource s = csv "events.csv" key user_id time event_time\n', { lake: dir, baseDir: dir }).sources;
    expect((await introspectSources(scratch.db, csvSources, { readable: [] })).s!.timeRange).toEqual({ min: '2019-10-01 09:30:00', max: '2019-10-02 10:00:00' });
  });
});
