import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { hasErrors, formatDiagnostic } from '../dsl/index.js';
import { openDuckDB, sqlString } from '../engine/duckdb.js';
import { queryTable } from '../engine/query.js';
import { NotebookSession } from '../engine/session.js';
import type { BenchResult } from './result.js';

/** The notebook under test: a 10-metric customer profile and 5 segments over the lake's events. */
export const profileNotebook = `--- kohort
source events = lake "events" key user_id time event_time

metric views = count() where event_type = "view"
metric carts = count() where event_type = "cart"
metric purchases = count() where event_type = "purchase"
metric revenue = sum(price) where event_type = "purchase"
metric revenue_30d = sum(price) where event_type = "purchase" during last 30 days
metric sessions = count(distinct user_session)
metric first_seen = min(event_time)
metric last_seen = max(event_time)
metric favourite_brand = mode(brand)
metric avg_price_viewed = avg(price) where event_type = "view"

profile customers = views, carts, purchases, revenue, revenue_30d, sessions, first_seen, last_seen, favourite_brand, avg_price_viewed

segment buyers = purchases > 0
segment vip = revenue >= 1000 and purchases >= 3
segment at_risk = buyers and days_since(last_seen) > 14
segment window_shoppers = views >= 10 and purchases = 0
segment cart_abandoners = carts > 0 and not buyers
`;

const segments = ['buyers', 'vip', 'at_risk', 'window_shoppers', 'cart_abandoners'] as const;

/** The same profile as one would write it by hand: one pass over the events, one GROUP BY. */
export function handProfileSql(lake: string): string {
  const scan = `read_parquet(${sqlString(`${resolve(lake)}/events/**/*.parquet`)}, hive_partitioning = true)`;
  return `WITH as_of AS (SELECT max(event_time) AS t FROM ${scan})
SELECT user_id,
  count(*) FILTER (WHERE event_type = 'view') AS views,
  count(*) FILTER (WHERE event_type = 'cart') AS carts,
  count(*) FILTER (WHERE event_type = 'purchase') AS purchases,
  coalesce(sum(price) FILTER (WHERE event_type = 'purchase'), 0) AS revenue,
  coalesce(sum(price) FILTER (WHERE event_type = 'purchase' AND event_time > (SELECT t FROM as_of) - INTERVAL 30 DAY), 0) AS revenue_30d,
  count(DISTINCT user_session) AS sessions,
  min(event_time) AS first_seen,
  max(event_time) AS last_seen,
  mode(brand) AS favourite_brand,
  avg(price) FILTER (WHERE event_type = 'view') AS avg_price_viewed
FROM ${scan}
GROUP BY user_id`;
}

/** The five segments over the hand-built profile table `hand`. */
const handSegments: Record<(typeof segments)[number], string> = {
  buyers: 'SELECT user_id, purchases FROM hand WHERE purchases > 0',
  vip: 'SELECT user_id, revenue, purchases FROM hand WHERE revenue >= 1000 AND purchases >= 3',
  // The latest last_seen of any customer is the latest event: the as-of time.
  at_risk: `SELECT user_id, last_seen FROM hand WHERE purchases > 0 AND date_diff('day', last_seen, (SELECT max(last_seen) FROM hand)) > 14`,
  window_shoppers: 'SELECT user_id, views, purchases FROM hand WHERE views >= 10 AND purchases = 0',
  cart_abandoners: 'SELECT user_id, carts FROM hand WHERE carts > 0 AND NOT purchases > 0',
};

interface Timed {
  seconds: number;
  /** Rows of the profile, then of each segment: the two ways must agree. */
  rows: number[];
}

/** The compiled notebook, run as `kohort run --cell customers --cell buyers …` runs it. */
async function runCompiled(lake: string, workspace: string): Promise<Timed> {
  const file = join(workspace, 'profile.kohort');
  writeFileSync(file, profileNotebook);
  const session = await NotebookSession.open({ file, lake });
  try {
    if (hasErrors(session.diagnostics)) {
      throw new Error(`the bench notebook does not compile:\n${session.diagnostics.map((d) => formatDiagnostic(d, file)).join('\n')}`);
    }
    const start = performance.now();
    // The metrics scan is shared by all six cells, so the session materialises it once.
    const results = await session.runMany(['customers', ...segments], { limit: 0 });
    return { seconds: (performance.now() - start) / 1000, rows: results.map((r) => r.table.rowCount) };
  } finally {
    session.close();
  }
}

/** The hand-written single pass, materialised once, then the same five segments over it. */
async function runHandWritten(lake: string, workspace: string): Promise<Timed> {
  const db = await openDuckDB({ workspace, lake });
  try {
    const start = performance.now();
    await db.connection.run(`CREATE TEMP TABLE hand AS\n${handProfileSql(lake)}`);
    const rows = [(await queryTable(db.connection, 'SELECT * FROM hand', { limit: 0 })).rowCount];
    for (const s of segments) rows.push((await queryTable(db.connection, handSegments[s], { limit: 0 })).rowCount);
    return { seconds: (performance.now() - start) / 1000, rows };
  } finally {
    db.close();
  }
}

/**
 * The floor under any per-customer profile of these events on this machine: one pass that only
 * counts each customer's events (no metric at all), the group by and its ~3M-row result. A target
 * below it cannot be met by rebuilding the profile; only by maintaining it incrementally.
 */
async function runFloor(lake: string, workspace: string): Promise<number> {
  const db = await openDuckDB({ workspace, lake });
  try {
    const scan = `read_parquet(${sqlString(`${resolve(lake)}/events/**/*.parquet`)}, hive_partitioning = true)`;
    const start = performance.now();
    await db.connection.run(`CREATE TEMP TABLE floor AS SELECT user_id, count(*) AS events FROM ${scan} GROUP BY user_id`);
    return (performance.now() - start) / 1000;
  } finally {
    db.close();
  }
}

/**
 * Time to build a 10-metric profile plus 5 segments with the compiled notebook, against the same
 * profile as a hand-written single-pass query. Both stream every result row out of DuckDB (and
 * count it) the same way; each side runs `rounds` times, alternating, and its best time counts.
 */
export async function benchProfile(opts: { lake: string; rounds?: number }): Promise<BenchResult[]> {
  const rounds = opts.rounds ?? 2;
  const workspace = mkdtempSync(join(tmpdir(), 'kohort-bench-'));
  try {
    const compiled: Timed[] = [];
    const hand: Timed[] = [];
    const floor: number[] = [];
    for (let i = 0; i < rounds; i++) {
      floor.push(await runFloor(opts.lake, workspace));
      hand.push(await runHandWritten(opts.lake, workspace));
      compiled.push(await runCompiled(opts.lake, workspace));
    }
    const a = compiled[0]!.rows;
    const b = hand[0]!.rows;
    if (a.join() !== b.join()) {
      throw new Error(`compiled and hand-written profiles disagree: rows ${a.join('/')} vs ${b.join('/')} (profile/${segments.join('/')})`);
    }
    const best = (ts: Timed[]) => Math.min(...ts.map((t) => t.seconds));
    const c = best(compiled);
    const h = best(hand);
    const rows = `${a[0]!.toLocaleString('en-US')} customers; segments ${segments.map((s, i) => `${s} ${a[i + 1]!.toLocaleString('en-US')}`).join(', ')}`;
    return [
      { name: 'profile+segments, compiled notebook', value: round(c), unit: 's', target: '< 3 s', ok: c < 3, note: `best of ${rounds}; ${rows}` },
      { name: 'profile+segments, hand-written single pass', value: round(h), unit: 's', note: `best of ${rounds}` },
      { name: 'profile+segments, compiled / hand-written', value: round(c / h), unit: 'ratio', target: '≤ 1.05', ok: c / h <= 1.05 },
      { name: 'floor: count(*) per customer, no metrics', value: round(Math.min(...floor)), unit: 's', note: `best of ${rounds}; the group by alone` },
    ];
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
