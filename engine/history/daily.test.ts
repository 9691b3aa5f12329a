import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { generateEvents } from '../../connectors/generate/generate.js';
import { compileNotebook, dailyDir } from '../../dsl/index.js';
import { NotebookSession } from '../session.js';
import { useScratch } from '../../tests/support/scratch.js';
import { writeRunHistory, type HistoryCellReport } from './index.js';
import { dailyDayDir } from './layout.js';

/**
 * The incremental refresh of a per-day profile against a full rebuild of the same data at the same
 * as-of time: after each change to the lake the two tables must hold exactly the same rows (every
 * value equal). Sessions use one thread so that floating-point sums add in file order both times.
 */

const scratch = useScratch('kohort-daily');
const notebook = `--- kohort
source events = lake "events" key user_id time event_time
metric views = count() where event_type = "view"
metric purchases = count() where event_type = "purchase"
metric revenue = sum(price) where event_type = "purchase"
metric sessions = count(distinct user_session)
metric favourite_brand = mode(brand)
metric last_seen = max(event_time)
metric first_category = first(category_code)
profile daily per day = views, purchases, revenue, sessions, favourite_brand, last_seen, first_category
`;
let lake: string;
let file: string;
let aside: string;
let fullRuns = 0;

const day = (n: number) => `2019-10-${String(n).padStart(2, '0')}`;
const partition = (n: number) => join(lake, 'events', `date=${day(n)}`);

beforeAll(async () => {
  lake = scratch.freshLake();
  aside = join(scratch.root, 'aside');
  mkdirSync(aside);
  await generateEvents({ events: 120_000, seed: 5, lake, start: day(1), days: 10, customers: 4_000 });
  // Days 9 and 10 land later.
  for (const n of [9, 10]) renameSync(partition(n), join(aside, `date=${day(n)}`));
  file = join(scratch.root, 'shop.kohort');
  writeFileSync(file, notebook);
});

async function refresh(notebookId: string, asOf?: string): Promise<HistoryCellReport> {
  const session = await NotebookSession.open({ file, lake, threads: 1, ...(asOf ? { asOf } : {}) });
  try {
    const at = asOf ?? (await session.asOf())!;
    const report = await writeRunHistory(session, ['daily'], { notebook: notebookId, runId: `run-${notebookId}-${at}`, asOf: at });
    return report.cells[0]!;
  } finally {
    session.close();
  }
}

const table = (id: string) => `read_parquet('${dailyDir(lake, id, 'daily')}/*/*.parquet', hive_partitioning = true)`;

/** Refreshes `shop` incrementally, rebuilds a fresh copy in full, and checks the two tables are equal. */
async function refreshAndCompare(asOf?: string): Promise<HistoryCellReport> {
  const incremental = await refresh('shop', asOf);
  const full = await refresh(`full-${++fullRuns}`, asOf);
  expect(full.full).toBe(true);
  const [counts] = await scratch.rows(`SELECT (SELECT count(*) FROM ${table('shop')}) AS a, (SELECT count(*) FROM ${table(`full-${fullRuns}`)}) AS b,
    (SELECT count(*) FROM (SELECT * FROM ${table('shop')} EXCEPT ALL SELECT * FROM ${table(`full-${fullRuns}`)})) AS only_a,
    (SELECT count(*) FROM (SELECT * FROM ${table(`full-${fullRuns}`)} EXCEPT ALL SELECT * FROM ${table('shop')})) AS only_b`);
  expect(Number(counts!['a'])).toBeGreaterThan(0);
  expect({ rows: Number(counts!['a']), onlyIncremental: Number(counts!['only_a']), onlyFull: Number(counts!['only_b']) }).toEqual({
    rows: Number(counts!['b']),
    onlyIncremental: 0,
    onlyFull: 0,
  });
  return incremental;
}

async function storedDays(id: string): Promise<string[]> {
  const rows = await scratch.rows(`SELECT DISTINCT CAST(date AS VARCHAR) AS d FROM ${table(id)} ORDER BY 1`);
  return rows.map((r) => String(r['d']));
}

describe('a per-day profile refreshed incrementally equals a full rebuild', () => {
  test('the first run builds every day', async () => {
    const first = await refreshAndCompare();
    expect(first).toMatchObject({ full: true, recomputedDays: [1, 2, 3, 4, 5, 6, 7, 8].map(day) });
    expect(await storedDays('shop')).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map(day));
    // Each row's day is its folder's; ids keep their type.
    const [check] = await scratch.rows(`SELECT count(*) FILTER (WHERE day <> date) AS wrong, any_value(typeof(user_id)) AS t FROM ${table('shop')}`);
    expect(check).toEqual({ wrong: 0n, t: 'BIGINT' });
  });

  test('a new day: only that day is recomputed', async () => {
    renameSync(join(aside, `date=${day(9)}`), partition(9));
    expect(await refreshAndCompare()).toMatchObject({ full: false, recomputedDays: [day(9)] });
  });

  test('nothing changed: nothing is recomputed', async () => {
    expect(await refreshAndCompare()).toMatchObject({ full: false, recomputedDays: [], rows: 0 });
  });

  test('a rewritten day: only that day is recomputed', async () => {
    const dir = partition(4);
    const [name] = (await scratch.rows(`SELECT parse_filename(file) AS f FROM glob('${dir}/*.parquet')`)).map((r) => String(r['f']));
    await scratch.db.run(`COPY (SELECT * FROM read_parquet('${dir}/${name}') WHERE user_id % 2 = 0) TO '${dir}/.rewrite.tmp' (FORMAT parquet)`);
    renameSync(join(dir, '.rewrite.tmp'), join(dir, name!));
    expect(await refreshAndCompare()).toMatchObject({ full: false, recomputedDays: [day(4)] });
  });

  test('a late file in today’s folder holding an older day’s events: both days are recomputed', async () => {
    const dir = partition(9);
    await scratch.db.run(`COPY (SELECT * REPLACE (event_time - INTERVAL 7 DAY AS event_time) FROM read_parquet('${dir}/*.parquet') LIMIT 500) TO '${dir}/late.parquet' (FORMAT parquet)`);
    expect(await refreshAndCompare()).toMatchObject({ full: false, recomputedDays: [day(2), day(9)] });
  });

  test('a removed day: its folder goes', async () => {
    rmSync(partition(3), { recursive: true });
    expect(await refreshAndCompare()).toMatchObject({ full: false, recomputedDays: [day(3)], rows: 0 });
    expect(existsSync(dailyDayDir(lake, 'shop', 'daily', day(3)))).toBe(false);
    expect(await storedDays('shop')).toEqual([1, 2, 4, 5, 6, 7, 8, 9].map(day));
  });

  test('an as-of that cut a day short: a later as-of recomputes that day', async () => {
    renameSync(join(aside, `date=${day(10)}`), partition(10));
    expect(await refreshAndCompare(`${day(10)} 12:00:00`)).toMatchObject({ full: false, recomputedDays: [day(10)] });
    // Day 10 is complete now; nothing else moved.
    expect(await refreshAndCompare(`${day(10)} 23:59:59.999999`)).toMatchObject({ full: false, recomputedDays: [day(10)] });
    expect(await refreshAndCompare(`${day(10)} 23:59:59.999999`)).toMatchObject({ recomputedDays: [] });
  });

  test('a re-run of the past leaves the days alone', async () => {
    const before = await scratch.rows(`SELECT count(*) AS n, max(date) AS d FROM ${table('shop')}`);
    expect(await refresh('shop', day(5))).toMatchObject({ skipped: 'past', recomputedDays: [], rows: 0 });
    expect(await scratch.rows(`SELECT count(*) AS n, max(date) AS d FROM ${table('shop')}`)).toEqual(before);
  });

  test('a changed definition rebuilds every day', async () => {
    writeFileSync(file, notebook.replace('sessions, favourite_brand', 'favourite_brand'));
    try {
      expect(await refreshAndCompare(`${day(10)} 23:59:59.999999`)).toMatchObject({ full: true, recomputedDays: [1, 2, 4, 5, 6, 7, 8, 9, 10].map(day) });
    } finally {
      writeFileSync(file, notebook);
    }
  });

  test('a changed day is that day alone because per-day metrics cannot look back (the checker refuses windows)', () => {
    // If per-day profiles ever allow `during last N days`, a change to day D must recompute D..D+N
    // (see fingerprint.ts): this test fails first, as a reminder.
    const compiled = compileNotebook(`--- kohort
source events = lake "events" key user_id time event_time
metric recent = count() during last 7 days
profile d per day = recent
`);
    expect(compiled.diagnostics.map((d) => d.code)).toContain('window-in-daily-profile');
  });
});
