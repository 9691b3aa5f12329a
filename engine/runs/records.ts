import { randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { notebookId } from '../../dsl/history-paths.js';
import type { DefinitionKind } from '../../dsl/compiled.js';
import { writeAtomically } from '../lake.js';
import { UserError } from '../user-error.js';
import type { DataVersion } from './data-version.js';

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

/** A new run id: the start time, sortable as text, and a random suffix. */
export function newRunId(startedAt: Date): string {
  return `${startedAt.toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`;
}

const runIdPattern = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z-[0-9a-f]{6}$/;

/** The folder of a notebook's run records: `<notebook folder>/.kohort/runs/<notebook id>/`. */
export function runsFolder(file: string): string {
  const abs = resolve(file);
  return join(dirname(abs), '.kohort', 'runs', notebookId(basename(abs)));
}

/**
 * One notebook's run records. Writes are atomic (temp file + rename), so a reader, or a crash,
 * never leaves half a record; the newest run comes first.
 */
export class RunStore {
  readonly folder: string;

  constructor(
    /** The notebook's path. */
    readonly file: string,
  ) {
    this.folder = runsFolder(file);
  }

  async write(record: RunRecord): Promise<void> {
    const path = join(this.folder, `${record.id}.json`);
    await writeAtomically(path, (temp) => writeFile(temp, `${JSON.stringify(record, null, 2)}\n`));
  }

  /** The records, newest first; unreadable files are skipped (a record is never half-written). */
  async list(limit = Number.POSITIVE_INFINITY): Promise<RunRecord[]> {
    const ids = (await this.ids()).slice(0, limit);
    const records = await Promise.all(ids.map((id) => this.tryRead(id)));
    return records.filter((r): r is RunRecord => r !== undefined);
  }

  /** One record; a UserError names the notebook and the ids there are. */
  async read(id: string): Promise<RunRecord> {
    const record = runIdPattern.test(id) ? await this.tryRead(id) : undefined;
    if (record) return record;
    const known = (await this.ids()).slice(0, 3);
    const hint = known.length ? ` (the latest: ${known.join(', ')}; \`kohort runs ${this.file}\` lists them)` : ' (it has no runs yet)';
    throw new UserError(`no run \`${id}\` of this notebook${hint}`, this.file);
  }

  /** The newest record of `schedule` that is not still running, if any. */
  async lastFinished(schedule: string): Promise<RunRecord | undefined> {
    for (const id of await this.ids()) {
      const r = await this.tryRead(id);
      if (r && r.schedule === schedule && r.status !== 'running') return r;
    }
    return undefined;
  }

  /**
   * Marks failed every record left `running` by a process that is gone (killed, crashed, the
   * machine restarted): nothing will finish it. Records of live processes are left alone, and
   * so are this process's own runs in progress (`ownRuns`): a record with this process's pid
   * and another id is from an earlier process that had the same pid (a container's pid 1).
   * Returns the records it marked.
   */
  async markInterrupted(now: Date, ownRuns: ReadonlySet<string>, isAlive: (pid: number, host: string) => boolean = processAlive): Promise<RunRecord[]> {
    const marked: RunRecord[] = [];
    for (const record of await this.list()) {
      if (record.status !== 'running') continue;
      const mine = record.pid === process.pid && record.host === hostname();
      if (mine ? ownRuns.has(record.id) : isAlive(record.pid, record.host)) continue;
      const error: RunError = { message: interruptedMessage };
      const attempt = record.attempts.at(-1);
      if (attempt && attempt.status === 'running') Object.assign(attempt, { status: 'failed', endedAt: now.toISOString(), error });
      for (const cell of record.cells) if (cell.status === 'running') cell.status = 'failed';
      const { retryAt: _retryAt, ...rest } = record;
      const done: RunRecord = { ...rest, status: 'failed', endedAt: now.toISOString(), error };
      await this.write(done);
      marked.push(done);
    }
    return marked;
  }

  private async ids(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.folder);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new UserError(`cannot read the run records: ${(e as Error).message}`, this.folder);
    }
    return names
      .filter((n) => n.endsWith('.json') && runIdPattern.test(n.slice(0, -5)))
      .map((n) => n.slice(0, -5))
      .sort()
      .reverse();
  }

  private async tryRead(id: string): Promise<RunRecord | undefined> {
    try {
      return JSON.parse(await readFile(join(this.folder, `${id}.json`), 'utf8')) as RunRecord;
    } catch {
      return undefined;
    }
  }
}

/** Whether process `pid` on `host` still runs. Another machine's process is assumed alive. */
export function processAlive(pid: number, host: string): boolean {
  if (host !== hostname()) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, it is someone else's.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
