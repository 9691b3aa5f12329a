import { readFile, stat } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import type { CompiledCell } from '../../dsl/compiled.js';
import type { SourceRequest } from '../../dsl/schema.js';
import { compileNotebook } from '../../dsl/index.js';
import { systemClock, type Clock } from '../../engine/runs/clock.js';
import { dataFingerprint, readDataVersion } from '../../engine/runs/data-version.js';
import { lakeHistory } from '../../engine/runs/lake-history.js';
import { RunStore } from '../../engine/runs/records.js';
import { interruptedMessage, type RunError, type RunRecord } from '../../engine/runs/run-record.js';
import { NotebookRunner } from '../../engine/runs/runner.js';
import { Scheduler, type ScheduleJob, type ScheduledTrigger } from '../../engine/runs/scheduler.js';
import { describeTrigger, triggerProblem } from '../../engine/runs/triggers.js';
import { UserError } from '../../engine/user-error.js';
import { HttpError } from './http.js';
import type { RunSummary, ScheduleView } from './schedules-api.js';

export interface ScheduleServiceOptions {
  /** The workspace's real path. */
  workspace: string;
  /** The lake folder, absolute (for an HDFS lake, its local cache). */
  lake: string;
  /** The lake runs open, as given to the server (a folder or an `hdfs://` address). Default: `lake`. */
  runLake?: string;
  /** The workspace's notebooks, workspace-relative. */
  notebooks: { list(): Promise<{ path: string }[]> };
  clock?: Clock;
  memoryLimit?: string;
  threads?: number;
  /** How often to look for edited notebooks. Default 2 s. */
  scanMillis?: number;
  log: (line: string) => void;
}

interface NotebookSchedules {
  stamp: string;
  cells: CompiledCell[];
  /** Why a schedule cell has no spec: its first error, by cell name. */
  errors: Map<string, string>;
  /** The notebook's sources: where a data trigger looks for new files. */
  sources: SourceRequest[];
}

/**
 * The schedules of `kohort serve`: every schedule cell of every notebook in the workspace runs on
 * its own. At start, runs a dead server left `running` are marked failed, staged history nobody
 * will publish is removed, and missed runs are run once or skipped; then the notebooks are looked
 * at again after each save through the server (`changed()`) and every few seconds for edits on disk. Runs go through one
 * `NotebookRunner` (one run at a time over the lake; a second process refuses a notebook in use).
 */
export class ScheduleService {
  readonly runner: NotebookRunner;
  private readonly scheduler: Scheduler;
  private readonly clock: Clock;
  private readonly seen = new Map<string, NotebookSchedules>();
  private timer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: ScheduleServiceOptions) {
    this.clock = options.clock ?? systemClock;
    this.runner = new NotebookRunner({
      clock: this.clock,
      lake: options.runLake ?? options.lake,
      workspace: options.workspace,
      log: options.log,
      ...(options.memoryLimit ? { memoryLimit: options.memoryLimit } : {}),
      ...(options.threads ? { threads: options.threads } : {}),
    });
    this.scheduler = new Scheduler({
      clock: this.clock,
      fire: (job, trigger, scheduledFor) => this.fire(job, trigger, scheduledFor),
      lastRun: (job) => this.lastRun(job),
      dataFingerprint: (job) => this.dataFingerprint(job),
      log: (line) => options.log(`kohort serve: ${line}`),
    });
  }

  /** Recovers from a previous server's crash, then starts every schedule and keeps looking for edits. */
  start(): Promise<void> {
    // Looks asked for meanwhile (a save while starting) wait for the start.
    this.scanning = this.startNow();
    return this.scanning;
  }

  private async startNow(): Promise<void> {
    await this.scan();
    for (const path of this.seen.keys()) {
      for (const r of await this.runner.recover(this.abs(path))) this.options.log(`kohort serve: run ${r.id} of ${path} was ${interruptedMessage}`);
    }
    await lakeHistory.discardUnpublished(this.options.lake);
    await this.scheduler.start(this.jobs());
    this.timer = setInterval(() => void this.changed(), this.options.scanMillis ?? 2000);
    this.timer.unref();
  }

  /** Looks at the notebooks again and applies changed schedules (runs while a look runs fold into it). */
  changed(): Promise<void> {
    this.scanning = this.scanning.catch(() => undefined).then(async () => {
      if (this.closed) return;
      try {
        if (await this.scan()) await this.scheduler.update(this.jobs());
      } catch (e) {
        this.options.log(`kohort serve: looking for schedules: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      }
    });
    return this.scanning;
  }

  /** Stops the timers; waits for runs in progress at most `waitMillis` (a crash-safe run may be cut). */
  async close(waitMillis = 5000): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.scanning.catch(() => undefined);
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([this.scheduler.stop(), new Promise((done) => (timeout = setTimeout(done, waitMillis)))]);
    clearTimeout(timeout);
  }

  /** The schedules of one notebook (workspace-relative path), or of all. */
  schedules(path?: string): ScheduleView[] {
    const out: ScheduleView[] = [];
    for (const [notebook, { cells, errors }] of this.seen) {
      if (path !== undefined && notebook !== path) continue;
      for (const cell of cells) {
        const status = this.scheduler.status(jobKey(notebook, cell.name));
        const problem = cell.schedule ? (status?.problem ?? triggerProblem(cell.schedule.trigger)) : (errors.get(cell.name) ?? 'the schedule cell has errors');
        out.push({
          path: notebook,
          name: cell.name,
          place: `${notebook}:${cell.range.start.line}:${cell.range.start.column}`,
          ...(cell.schedule ? { spec: cell.schedule, description: describeTrigger(cell.schedule.trigger) } : {}),
          nextRun: status?.nextRun?.toISOString() ?? null,
          inFlight: this.runner.inFlight(this.abs(notebook)),
          ...(problem ? { problem } : {}),
        });
      }
    }
    return out;
  }

  /** A notebook's runs, newest first. */
  async runs(path: string, limit: number): Promise<RunSummary[]> {
    const records = await new RunStore(this.abs(path)).list(limit);
    return records.map((r) => {
      const shown = this.shown(r);
      return {
        id: r.id,
        trigger: r.trigger,
        status: r.status,
        startedAt: r.startedAt,
        asOf: r.asOf,
        attempts: r.attempts.length,
        cells: r.cells.length,
        ...(r.schedule !== undefined ? { schedule: r.schedule } : {}),
        ...(r.endedAt !== undefined ? { endedAt: r.endedAt } : {}),
        ...(r.seconds !== undefined ? { seconds: r.seconds } : {}),
        ...(shown.error ? { error: shown.error } : {}),
        ...(r.rerunOf !== undefined ? { rerunOf: r.rerunOf } : {}),
        ...(r.scheduledFor !== undefined ? { scheduledFor: r.scheduledFor } : {}),
      };
    });
  }

  /** One run's record; places are workspace-relative. */
  async run(path: string, id: string): Promise<RunRecord> {
    try {
      return this.shown(await new RunStore(this.abs(path)).read(id));
    } catch (e) {
      if (e instanceof UserError) throw new HttpError(404, `no run \`${id}\` of ${path}`);
      throw e;
    }
  }

  /**
   * Starts a run now (the schedule's refresh, or the whole notebook) and answers once it is
   * queued. A run another process holds the notebook for ends without a record; the log says so.
   */
  async runNow(path: string, schedule: string | undefined): Promise<void> {
    const { done } = await this.runner.start({ file: this.abs(path), trigger: 'manual', ...(schedule !== undefined ? { schedule } : {}) });
    void done.then(
      (r) => this.report(path, r),
      (e) => this.options.log(`kohort serve: run of ${path}: ${e instanceof Error ? e.message : String(e)}`),
    );
  }

  /** Reads the notebooks whose size or mtime changed; true when any schedule may have changed. */
  private async scan(): Promise<boolean> {
    const entries = await this.options.notebooks.list();
    let changed = false;
    const present = new Set(entries.map((e) => e.path));
    for (const path of [...this.seen.keys()]) {
      if (!present.has(path)) {
        this.seen.delete(path);
        changed = true;
      }
    }
    for (const { path } of entries) {
      const abs = this.abs(path);
      const info = await stat(abs).catch(() => undefined);
      if (!info) continue;
      const stamp = `${info.size}.${info.mtimeMs}`;
      if (this.seen.get(path)?.stamp === stamp) continue;
      const text = await readFile(abs, 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      // Schedules need no data: the text alone says them (a quick check skips most notebooks).
      const compiled = /\bschedule\b/.test(text) ? compileNotebook(text, { file: abs, lake: this.options.lake, baseDir: dirname(abs) }) : undefined;
      const cells = compiled?.cells.filter((c) => c.kind === 'schedule') ?? [];
      const errors = new Map<string, string>();
      for (const cell of cells) {
        const error = compiled!.diagnostics.find((d) => d.severity === 'error' && d.range.start.offset >= cell.range.start.offset && d.range.start.offset <= cell.range.end.offset);
        if (error) errors.set(cell.name, `${path}:${error.range.start.line}:${error.range.start.column}: ${error.message}`);
      }
      const before = JSON.stringify(this.seen.get(path)?.cells.map((c) => [c.name, c.schedule]) ?? []);
      this.seen.set(path, { stamp, cells, errors, sources: compiled?.sources ?? [] });
      if (JSON.stringify(cells.map((c) => [c.name, c.schedule])) !== before) changed = true;
    }
    return changed;
  }

  private jobs(): ScheduleJob[] {
    const jobs: ScheduleJob[] = [];
    for (const [path, { cells }] of this.seen) {
      for (const cell of cells) if (cell.schedule) jobs.push({ key: jobKey(path, cell.name), file: path, schedule: cell.name, spec: cell.schedule });
    }
    return jobs;
  }

  private async fire(job: ScheduleJob, trigger: ScheduledTrigger, scheduledFor?: Date): Promise<void> {
    const record = await this.runner.run({ file: this.abs(job.file), schedule: job.schedule, trigger, ...(scheduledFor ? { scheduledFor } : {}) });
    this.report(job.file, record);
  }

  private report(path: string, record: RunRecord): void {
    if (record.status !== 'failed') return;
    const e = this.shown(record).error;
    this.options.log(`kohort serve: run ${record.id} of ${path}${record.schedule ? ` (schedule ${record.schedule})` : ''} failed: ${e?.place ? `${e.place}: ` : ''}${e?.message ?? ''}`);
  }

  /**
   * The last run a schedule finished, for missed runs. A run a crash interrupted does not count:
   * its slot is missed too, so `missed run-once` repeats it at start.
   */
  private async lastRun(job: ScheduleJob): Promise<{ at: Date; dataFingerprint?: string } | undefined> {
    const records = await new RunStore(this.abs(job.file)).list();
    const last = records.find((r) => r.schedule === job.schedule && r.status !== 'running' && r.error?.message !== interruptedMessage);
    if (!last) return undefined;
    const trigger = job.spec.trigger;
    return {
      at: new Date(last.scheduledFor ?? last.startedAt),
      ...(trigger.kind === 'data' && last.dataVersion ? { dataFingerprint: dataFingerprint(last.dataVersion, trigger.sources) } : {}),
    };
  }

  private async dataFingerprint(job: ScheduleJob): Promise<string> {
    const trigger = job.spec.trigger;
    if (trigger.kind !== 'data') return '';
    const sources = (this.seen.get(job.file)?.sources ?? []).filter((s) => trigger.sources.includes(s.name));
    const missing = trigger.sources.filter((name) => !sources.some((s) => s.name === name));
    if (missing.length > 0) throw new Error(`no source ${missing.map((m) => `\`${m}\``).join(', ')} in ${job.file}`);
    return dataFingerprint(await readDataVersion(this.options.lake, sources), trigger.sources);
  }

  private abs(path: string): string {
    return join(this.options.workspace, path);
  }

  /** A record with workspace-relative places, as the workbench shows them. */
  private shown<T extends Pick<RunRecord, 'file' | 'error' | 'cells'>>(record: T): T {
    const prefix = this.options.workspace + sep;
    const relative = (e: RunError | undefined) => (e?.place?.startsWith(prefix) ? { ...e, place: e.place.slice(prefix.length) } : e);
    const error = relative(record.error);
    return {
      ...record,
      file: record.file.startsWith(prefix) ? record.file.slice(prefix.length) : record.file,
      cells: record.cells.map((c) => (c.error ? { ...c, error: relative(c.error)! } : c)),
      ...(error ? { error } : {}),
    };
  }
}

function jobKey(path: string, schedule: string): string {
  return `${path}#${schedule}`;
}
