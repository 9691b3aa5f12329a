import { copyFileSync, linkSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dailyDir } from '../dsl/index.js';
import { writeRunHistory, type HistoryCellReport } from '../engine/history/index.js';
import { sqlString } from '../engine/duckdb.js';
import { datasetPath } from '../engine/lake.js';
import { NotebookSession } from '../engine/session.js';
import type { BenchResult } from './result.js';

/** A per-day customer profile of seven metrics, as analysts keep one. */
export const dailyNotebook = `--- kohort
source events = lake "events" key user_id time event_time

metric views = count() where event_type = "view"
metric carts = count() where event_type = "cart"
metric purchases = count() where event_type = "purchase"
metric revenue = sum(price) where event_type = "purchase"
metric sessions = count(distinct user_session)
metric avg_price_viewed = avg(price) where event_type = "view"
metric last_seen = max(event_time)

profile customer_days per day = views, carts, purchases, revenue, sessions, avg_price_viewed, last_seen
`;

const newDay = '2019-10-31';

/**
 * A daily-profile refresh after one new day of data against a full rebuild over the 30 days
 * before it, both as a run writes them into the lake's history (`writeRunHistory`). The month
 * comes from the generated lake (`--events`): October 1–30 are there from the start, October 31
 * lands afterwards. Each side runs `rounds` times, alternating; its best time counts.
 */
export async function benchHistory(opts: { lake: string; root: string; rounds?: number }): Promise<BenchResult[]> {
  const rounds = opts.rounds ?? 2;
  const lake = join(opts.root, 'lake');
  const workspace = join(opts.root, 'workspace');
  rmSync(opts.root, { recursive: true, force: true });
  mkdirSync(workspace, { recursive: true });
  const file = join(workspace, 'bench.kohort');
  writeFileSync(file, dailyNotebook);
  try {
    const partitions = linkEvents(opts.lake, lake);
    const last = partitions.find((p) => p.day === newDay);
    if (!last || partitions.length !== 31) throw new Error(`the generated lake must hold October 2019 (31 days); it holds ${partitions.length} days`);
    const full: HistoryCellReport[] = [];
    const incremental: HistoryCellReport[] = [];
    for (let i = 0; i < rounds; i++) {
      // Back to 30 days with no history: the next run rebuilds every day.
      rmSync(join(lake, 'events', `date=${newDay}`), { recursive: true, force: true });
      rmSync(dailyDir(lake, 'bench', 'customer_days'), { recursive: true, force: true });
      full.push(await refresh(file, lake, '2019-10-30', `full-${i}`));
      link(last.files, join(lake, 'events', `date=${newDay}`));
      incremental.push(await refresh(file, lake, newDay, `incremental-${i}`));
    }
    for (const r of full) if (!r.full || r.recomputedDays?.length !== 30) throw new Error(`the full rebuild recomputed ${r.recomputedDays?.length} days, not 30`);
    for (const r of incremental) if (r.full || r.recomputedDays?.join() !== newDay) throw new Error(`the refresh recomputed ${r.recomputedDays?.join(', ')}, not only ${newDay}`);
    const best = (rs: HistoryCellReport[]) => Math.min(...rs.map((r) => r.seconds));
    const f = best(full);
    const n = best(incremental);
    const events = await countEvents(file, lake);
    const note = `${events.month.toLocaleString('en-US')} events in Oct 1–30, ${events.day.toLocaleString('en-US')} on Oct 31`;
    return [
      { name: 'daily profile, full rebuild over 30 days', value: round(f), unit: 's', note: `best of ${rounds}; ${full[0]!.rows.toLocaleString('en-US')} customer-days; ${note}` },
      { name: 'daily profile, refresh after 1 new day', value: round(n), unit: 's', note: `best of ${rounds}; ${incremental[0]!.rows.toLocaleString('en-US')} customer-days recomputed` },
      { name: 'daily profile, refresh / full rebuild', value: round(n / f), unit: 'ratio', target: '≤ 0.1', ok: n / f <= 0.1 },
    ];
  } finally {
    rmSync(opts.root, { recursive: true, force: true });
  }
}

/** One run's history write of the daily profile, at a fixed as-of day (as the runner pins it). */
async function refresh(file: string, lake: string, asOf: string, runId: string): Promise<HistoryCellReport> {
  const session = await NotebookSession.open({ file, lake, asOf });
  try {
    const report = await writeRunHistory(session, ['customer_days'], { notebook: 'bench', runId, asOf });
    return report.cells[0]!;
  } finally {
    session.close();
  }
}

/** Hard-links the generated events into a lake of the bench's own (it adds and removes a day). */
function linkEvents(from: string, to: string): { day: string; files: string[] }[] {
  const source = datasetPath(from, 'events');
  const partitions = readdirSync(source)
    .filter((d) => /^date=\d{4}-\d{2}-\d{2}$/.test(d))
    .sort()
    .map((d) => ({ day: d.slice('date='.length), files: readdirSync(join(source, d)).filter((f) => f.endsWith('.parquet')).map((f) => join(source, d, f)) }));
  for (const p of partitions) link(p.files, join(to, 'events', `date=${p.day}`));
  return partitions;
}

function link(files: string[], dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const f of files) {
    const target = join(dir, f.slice(f.lastIndexOf('/') + 1));
    try {
      linkSync(f, target);
    } catch {
      copyFileSync(f, target); // another file system
    }
  }
}

async function countEvents(file: string, lake: string): Promise<{ month: number; day: number }> {
  const session = await NotebookSession.open({ file, lake, asOf: newDay });
  try {
    const rows = (await session.connection.runAndReadAll(`SELECT count(*) FILTER (WHERE date < DATE ${sqlString(newDay)}), count(*) FILTER (WHERE date = DATE ${sqlString(newDay)}) FROM read_parquet(${sqlString(`${lake}/events/**/*.parquet`)}, hive_partitioning = true)`)).getRowsJS();
    return { month: Number(rows[0]![0]), day: Number(rows[0]![1]) };
  } finally {
    session.close();
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
