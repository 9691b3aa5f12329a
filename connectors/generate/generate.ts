import { createHash } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  checkSourceName,
  datePartition,
  listPartitions,
  makeStagingFolder,
  partitionPath,
  removeStagingFolder,
  writeAtomically,
} from '../../engine/lake.js';
import { UserError } from '../../engine/user-error.js';
import { openConnectorDb, runWithProgress, sqlString } from '../duckdb.js';
import { buildCatalog } from './catalog.js';
import { rees46October } from './model.js';
import { bucketsSql, catalogSql, customersSql, dayEventsSql, drawnEventsSql, sessionsSql, type Plan } from './sql.js';

export interface GenerateOptions {
  /** How many events: exactly this many are written. */
  events: number;
  /** Same seed and options ⇒ identical rows (with the same DuckDB version, which the lockfile pins). */
  seed: number;
  /** The lake folder; created if missing. */
  lake: string;
  /** The dataset, `<lake>/<source>/`. Default `events`. */
  source?: string;
  /** First day, `YYYY-MM-DD`. Default `2019-10-01` (as REES46). */
  start?: string;
  /** Days the events span. Default 31. */
  days?: number;
  /** Customers in the population. Default: as REES46 October, one per 14 events (42.4M events, 3.0M users). */
  customers?: number;
  /** Called as each day's file is published (and once at the start). */
  onProgress?: (p: { events: number; total: number }) => void;
}

export interface GenerateReport {
  source: string;
  events: number;
  /** Customers with at least one event. */
  customers: number;
  days: number;
  /** The Parquet files written (one per day with events), absolute paths. */
  files: string[];
  seconds: number;
}

/**
 * Writes synthetic events in the REES46 schema into `<lake>/<source>/date=YYYY-MM-DD/`, one
 * Parquet file per day, each published atomically once complete.
 *
 * A dataset holds at most one generated set: files are named `gen-<seed>-<hash of options>.parquet`
 * and a run removes other `gen-*.parquet` files of the dataset (each partition right after its new
 * file is published). Imported files (`csv-*`) are left alone.
 */
export async function generateEvents(options: GenerateOptions): Promise<GenerateReport> {
  const started = performance.now();
  const source = options.source ?? 'events';
  const start = options.start ?? '2019-10-01';
  const days = options.days ?? 31;
  checkOptions(options, source, start, days);
  const events = options.events;
  const customers = options.customers ?? Math.max(1, Math.round((events * rees46October.customers) / rees46October.events));
  const lake = resolve(options.lake);
  const plan: Plan = { seed: options.seed, events, customers, start, days, activityScale: 1, catalog: buildCatalog(options.seed, events) };
  const name = `gen-${options.seed}-${createHash('sha256').update(JSON.stringify([events, customers, start, days])).digest('hex').slice(0, 8)}.parquet`;

  options.onProgress?.({ events: 0, total: events });
  const staging = await makeStagingFolder(lake, `generate-${source}`);
  // The month's 9M sessions fit in ~2 GB; beyond the limit DuckDB spills to the staging folder.
  const db = await openConnectorDb(join(staging, 'duckdb-tmp'), { memoryLimit: '3GB' });
  const files: string[] = [];
  let written = 0;
  try {
    const { connection } = db;
    for (const sql of [...catalogSql(plan), ...bucketsSql(plan)]) await connection.run(sql);
    plan.activityScale = await calibrate(connection, plan);
    for (let attempt = 0; ; attempt++) {
      await connection.run(customersSql(plan, customers));
      await connection.run(sessionsSql(plan));
      const held = Number(await scalar(connection, 'SELECT coalesce(sum(keep), 0) FROM sessions'));
      if (held === events) break;
      // The pilot underestimated a heavy tail: draw more sessions per customer and cut again.
      if (attempt === 10) throw new Error(`internal error: generation holds ${held} events, not ${events}`);
      plan.activityScale = Math.max(plan.activityScale, 0.01) * Math.max(1.05, (events / Math.max(held, 1)) * 1.03);
    }
    const active = new Set<string>();
    for (let day = 0; day < days; day++) {
      const partition = datePartition(addDays(start, day));
      active.add(partition);
      const sessions = Number(await scalar(connection, `SELECT count(*) FROM sessions WHERE dayno = ${day}`));
      const dir = partitionPath(lake, source, partition);
      if (sessions > 0) {
        const file = join(dir, name);
        await writeAtomically(file, async (temp) => {
          const rows = await runWithProgress(connection, `COPY (${dayEventsSql(plan, day)}) TO ${sqlString(temp)} (FORMAT parquet, COMPRESSION zstd)`);
          written += Number(rows);
        });
        files.push(file);
      }
      await removeOtherGenerations(dir, name);
      options.onProgress?.({ events: written, total: events });
    }
    for (const p of await listPartitions(lake, source)) if (!active.has(p.name)) await removeOtherGenerations(p.path, name);
    if (written !== events) throw new Error(`internal error: wrote ${written} events, not ${events}`);
    const appeared = Number(await scalar(connection, 'SELECT count(DISTINCT user_id) FROM sessions'));
    return { source, events: written, customers: appeared, days, files, seconds: (performance.now() - started) / 1000 };
  } finally {
    db.close();
    await removeStagingFolder(staging);
  }
}

/**
 * The activity scale at which the customers' sessions hold a little more than `events` (so the
 * cut can take exactly that many): secant steps on a pilot of up to 100k customers.
 */
async function calibrate(connection: DuckDBConnection, plan: Plan): Promise<number> {
  const pilot = Math.min(plan.customers, 100_000);
  const target = (plan.events / plan.customers) * 1.03;
  const perCustomer = async (scale: number) => {
    await connection.run(customersSql({ ...plan, activityScale: scale }, pilot));
    return Number(await scalar(connection, drawnEventsSql(plan))) / pilot;
  };
  // With no activity every customer has one session: fewer events than that cannot be asked for.
  if ((await perCustomer(0)) >= target) return 0;
  let [m0, m1] = [1, 2];
  let [f0, f1] = [(await perCustomer(m0)) - target, (await perCustomer(m1)) - target];
  for (let i = 0; i < 12 && Math.abs(f1) > 0.005 * target && f1 !== f0; i++) {
    const m2 = Math.min(m1 * 4, Math.max(m1 / 4, m1 - (f1 * (m1 - m0)) / (f1 - f0)));
    [m0, f0] = [m1, f1];
    m1 = m2;
    f1 = (await perCustomer(m1)) - target;
  }
  return m1;
}

async function removeOtherGenerations(dir: string, keep: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const f of names) if (/^gen-.*\.parquet$/.test(f) && f !== keep) await rm(join(dir, f), { force: true });
}

async function scalar(connection: DuckDBConnection, sql: string): Promise<string | null> {
  return runWithProgress(connection, sql);
}

function checkOptions(o: GenerateOptions, source: string, start: string, days: number): void {
  checkSourceName(source);
  if (!Number.isSafeInteger(o.events) || o.events < 1) throw new UserError(`events must be a positive whole number, not ${o.events}`);
  if (!Number.isSafeInteger(o.seed)) throw new UserError(`seed must be a whole number, not ${o.seed}`);
  const date = new Date(`${start}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(start) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== start) {
    throw new UserError(`start must be a date YYYY-MM-DD, not \`${start}\``);
  }
  if (!Number.isInteger(days) || days < 1 || days > 3660) throw new UserError(`days must be a whole number from 1 to 3660, not ${days}`);
  if (o.customers !== undefined && (!Number.isSafeInteger(o.customers) || o.customers < 1)) {
    throw new UserError(`customers must be a positive whole number, not ${o.customers}`);
  }
}

function addDays(start: string, days: number): string {
  const d = new Date(`${start}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
