/**
 * What a run leaves behind: the record of one run of a notebook, as `engine/runs/records.ts`
 * stores it and the workbench shows it. Plain data, no I/O (the UI reads these types too).
 */
import type { DefinitionKind } from '../../dsl/compiled.js';

/** One file a run could read, with what tells a rewrite apart. */
export interface DataFile {
  /** Relative to the lake for lake datasets, else absolute. */
  path: string;
  bytes: number;
  /** Last modification, ISO 8601 (milliseconds). */
  modified: string;
}

/** What a run read of one source: its partitions and their files (lake), or its file. */
export interface SourceData {
  source: string;
  kind: 'lake' | 'parquet' | 'csv';
  /** The lake dataset (`events`), or the file or glob of a parquet/csv source. */
  location: string;
  partitions: { name: string; files: DataFile[] }[];
}

/** The data version of a run: every source it reads, down to files with sizes and mtimes. */
export interface DataVersion {
  lake: string;
  sources: SourceData[];
}

/** What started a run. */
export type RunTrigger =
  /** A cron or interval slot came. */
  | 'schedule'
  /** The server started after slots it should have run (missed: run-once). */
  | 'missed'
  /** New files landed in a source the schedule watches. */
  | 'data'
  /** "Run now" in the workbench, or `kohort run --schedule` (cron, Airflow). */
  | 'manual'
  /** `kohort run --rerun`: a past run again, at its as-of time. */
  | 'rerun';

export type RunStatus = 'running' | 'succeeded' | 'failed';

/** Where a run failed: the message, and the cell and `file:line:col` when known. */
export interface RunError {
  message: string;
  cell?: string;
  /** `file:line:col`, as the CLI prints places. */
  place?: string;
  line?: number;
  column?: number;
}

/** One cell of a run, as the per-cell log shows it. */
export interface CellLog {
  name: string;
  kind: DefinitionKind;
  status: 'pending' | 'running' | 'succeeded' | 'failed';
  seconds?: number;
  rows?: number;
  /** Profile and segment cells: the Parquet snapshot the history wrote. */
  path?: string;
  /** Daily profiles refreshed incrementally: the days recomputed (the others were kept). */
  recomputedDays?: string[];
  /** What else is worth knowing of the cell, e.g. that every day was rebuilt. */
  note?: string;
  error?: RunError;
}

/** A segment's membership change in a run. */
export interface SegmentLog {
  name: string;
  members: number;
  joined: number;
  left: number;
  /** How the run changed the membership history: `advanced` / `replaced` the last run, or `past` (a rerun older than it: untouched). */
  effect?: 'advanced' | 'replaced' | 'past';
}

/** One try of a run; a run retries after a failed attempt, waiting longer each time. */
export interface AttemptLog {
  startedAt: string;
  endedAt?: string;
  status: RunStatus;
  error?: RunError;
}

/**
 * The record of one run, stored as `<notebook folder>/.kohort/runs/<notebook>/<id>.json`. While
 * the run goes on, it is rewritten (atomically) after every cell, so readers see its progress.
 */
export interface RunRecord {
  /** Sortable by start time: `2026-11-21T03-00-00-123Z-1a2b3c`. */
  id: string;
  /** The notebook's id (its file name without `.kohort`), as in the lake's history. */
  notebook: string;
  /** The notebook's path as it was run. */
  file: string;
  /** The schedule cell it ran for; absent for a run of the whole notebook without one. */
  schedule?: string;
  trigger: RunTrigger;
  /** The slot a cron or interval run was for (ISO), when that is what started it. */
  scheduledFor?: string;
  /** For reruns: the run repeated. */
  rerunOf?: string;
  /** The cells asked for (empty: the whole notebook); `cells` lists what ran, dependencies included. */
  refresh: string[];
  status: RunStatus;
  startedAt: string;
  endedAt?: string;
  seconds?: number;
  /** The process running it, and where: a record left `running` by a dead process was interrupted. */
  pid: number;
  host: string;
  /** The instant the run computed at (ISO), or null before it was known. */
  asOf: string | null;
  /** The files the run read. */
  dataVersion?: DataVersion;
  cells: CellLog[];
  segments: SegmentLog[];
  attempts: AttemptLog[];
  /** When the next attempt starts, while waiting to retry. */
  retryAt?: string;
  error?: RunError;
  /** Things worth knowing, e.g. a rerun over data that changed since. */
  notes?: string[];
}

/** The message of a run cut short by a crash, seen at the next start. */
export const interruptedMessage = 'interrupted: the server stopped during the run';

/** What a run read, in a line: `events: 31 partitions, 62 files, 1.2 GB; …`. */
export function describeDataRead(version: DataVersion | undefined): string {
  const count = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
  return (version?.sources ?? [])
    .map((s) => {
      const files = s.partitions.flatMap((p) => p.files);
      const bytes = files.reduce((n, f) => n + f.bytes, 0);
      return `${s.source}: ${s.kind === 'lake' ? `${count(s.partitions.length, 'partition')}, ` : ''}${count(files.length, 'file')}, ${formatBytes(bytes)}`;
    })
    .join('; ');
}

/** `336.1 kB`, `1.2 GB` (powers of 1000). */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB'];
  let n = bytes;
  let u = 0;
  while (n >= 1000 && u < units.length - 1) {
    n /= 1000;
    u++;
  }
  return u === 0 ? `${n} bytes` : `${n.toFixed(1)} ${units[u]}`;
}
