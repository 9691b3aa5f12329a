import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What a daily profile's days were computed from, and which days a refresh must recompute.
 *
 * A source dataset is fingerprinted per folder (a partition such as `date=2019-10-01`, or `` for
 * files at its root): the name, size and mtime of every Parquet file in it. A partition is
 * changed when any of that differs (new, rewritten or removed files). For each partition the
 * state also keeps the event days its files hold and their latest event time: a partition's
 * folder name need not be its events' day (a late event lands in today's folder), so a changed
 * partition invalidates the days its old and new files hold, whatever it is called.
 *
 * "Changed day": a day of a per-day profile is recomputed when
 * - a changed (or removed) partition held events of that day, before or after the change; or
 * - the as-of time moved forward past events of that day that an unchanged partition already held
 *   (a run at a fixed as-of cut the day short; a later as-of completes it).
 * Per-day metrics look at one day's events only: the checker rejects windows (`during …`) and
 * the as-of time in per-day profiles (`window-in-daily-profile`), so a change to day D affects
 * day D alone. A metric that looked back N days would make D invalidate D..D+N; that rule comes
 * with such metrics, and `daily.test.ts` pins the checker's refusal until then.
 */

export interface FileStamp {
  name: string;
  size: number;
  mtimeMs: number;
}

export interface PartitionState {
  files: FileStamp[];
  /** Event days (`YYYY-MM-DD`) the files hold, sorted. */
  days: string[];
  /** The latest event time in the files, in microseconds since the epoch (null: no events). */
  maxMicros: string | null;
}

/** What a partition's files hold, found by scanning them. */
export type PartitionContent = Pick<PartitionState, 'days' | 'maxMicros'>;

export interface DailyState {
  version: 1;
  /** A hash of the cell's SQL and its source: another definition means a full rebuild. */
  definition: string;
  /** The as-of time the days were computed at, microseconds since the epoch. */
  asOfMicros: string;
  partitions: Record<string, PartitionState>;
  /** The days the profile holds (one folder each). */
  days: string[];
}

/** Every `*.parquet` file under a dataset folder, by the folder it sits in (relative; `` for the root). A missing folder has none. */
export async function stampDataset(root: string): Promise<Map<string, FileStamp[]>> {
  const out = new Map<string, FileStamp[]>();
  const walk = async (relative: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(join(root, relative), { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    const files: FileStamp[] = [];
    for (const entry of entries) {
      const rel = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) await walk(rel);
      // What DuckDB's `**/*.parquet` reads: every name ending in .parquet (temp files never do).
      else if (entry.isFile() && entry.name.endsWith('.parquet')) {
        const s = await stat(join(root, rel));
        files.push({ name: entry.name, size: s.size, mtimeMs: s.mtimeMs });
      }
    }
    if (files.length > 0) out.set(relative, files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
  };
  await walk('');
  return out;
}

const sameFiles = (a: readonly FileStamp[], b: readonly FileStamp[]) =>
  a.length === b.length && a.every((f, i) => f.name === b[i]!.name && f.size === b[i]!.size && f.mtimeMs === b[i]!.mtimeMs);

/** Partitions that are new or whose files differ from the state's, and partitions that are gone. */
export function changedPartitions(prev: DailyState | undefined, now: ReadonlyMap<string, FileStamp[]>): { changed: string[]; removed: string[] } {
  const before = prev?.partitions ?? {};
  const changed = [...now.keys()].filter((p) => !before[p] || !sameFiles(before[p]!.files, now.get(p)!)).sort();
  const removed = Object.keys(before).filter((p) => !now.has(p)).sort();
  return { changed, removed };
}

export interface RefreshInput {
  /** The state of the last refresh; undefined for a full rebuild. */
  prev: DailyState | undefined;
  changed: readonly string[];
  removed: readonly string[];
  /** What each changed partition holds now. */
  content: ReadonlyMap<string, PartitionContent>;
  /** This run's as-of time (not earlier than the state's). */
  asOf: { micros: bigint; day: string };
}

/** The days to recompute, sorted: see the rule at the top of this file. */
export function daysToRecompute(input: RefreshInput): string[] {
  const { prev, asOf } = input;
  const days = new Set<string>();
  for (const p of input.changed) {
    for (const d of input.content.get(p)?.days ?? []) days.add(d);
    for (const d of prev?.partitions[p]?.days ?? []) days.add(d);
  }
  for (const p of input.removed) for (const d of prev?.partitions[p]?.days ?? []) days.add(d);
  if (prev) {
    const prevAsOf = BigInt(prev.asOfMicros);
    const prevDay = dayOfMicros(prevAsOf);
    const touched = new Set([...input.changed, ...input.removed]);
    if (asOf.micros > prevAsOf) {
      for (const [p, state] of Object.entries(prev.partitions)) {
        if (touched.has(p) || state.maxMicros === null || BigInt(state.maxMicros) <= prevAsOf) continue;
        for (const d of state.days) if (d >= prevDay) days.add(d);
      }
    }
  }
  return [...days].filter((d) => d <= asOf.day).sort();
}

/** The state after a refresh that recomputed `recomputed` and found rows on `produced`. */
export function nextState(input: RefreshInput & { stamps: ReadonlyMap<string, FileStamp[]>; definition: string; recomputed: readonly string[]; produced: readonly string[] }): DailyState {
  const partitions: Record<string, PartitionState> = {};
  for (const [p, files] of input.stamps) {
    const content = input.content.get(p) ?? input.prev?.partitions[p];
    if (!content) throw new Error(`internal error: partition ${p} was neither scanned nor known`);
    partitions[p] = { files, days: content.days, maxMicros: content.maxMicros };
  }
  const recomputed = new Set(input.recomputed);
  const days = new Set([...(input.prev?.days ?? []).filter((d) => !recomputed.has(d)), ...input.produced]);
  return { version: 1, definition: input.definition, asOfMicros: String(input.asOf.micros), partitions, days: [...days].sort() };
}

/** `YYYY-MM-DD` (UTC) of an instant in microseconds since the epoch. */
export function dayOfMicros(micros: bigint): string {
  const ms = micros >= 0n ? micros / 1000n : (micros - 999n) / 1000n;
  return new Date(Number(ms)).toISOString().slice(0, 10);
}
