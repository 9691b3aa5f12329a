import { randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { notebookId } from '../../dsl/history-paths.js';
import { writeAtomically } from '../lake.js';
import { UserError } from '../user-error.js';
import { interruptedMessage, type RunError, type RunRecord } from './run-record.js';

// The record's types live in run-record.ts (plain data the UI reads too); they are here too for callers of the store.
export { interruptedMessage } from './run-record.js';
export type { AttemptLog, CellLog, DataFile, DataVersion, RunError, RunRecord, RunStatus, RunTrigger, SegmentLog, SourceData } from './run-record.js';

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
