import { hostname } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { CompiledCell, ScheduleSpec } from '../../dsl/compiled.js';
import { compileNotebook } from '../../dsl/index.js';
import { suggest } from '../../dsl/suggest.js';
import { notebookId } from '../../dsl/history-paths.js';
import { readNotebook } from '../session.js';
import { UserError } from '../user-error.js';
import { sleep, systemClock, type Clock } from './clock.js';
import { compareDataVersions } from './data-version.js';
import type { RunHistory } from './history.js';
import { lakeHistory } from './lake-history.js';
import { acquireRunLock } from './lock.js';
import { newRunId, RunStore } from './records.js';
import type { RunRecord, RunTrigger } from './run-record.js';
import { runAttempt, type AttemptState } from './run-notebook.js';

/** A run to do. */
export interface RunRequest {
  /** The notebook's path. */
  file: string;
  /** The schedule cell whose refresh, retries and backoff apply; none: the whole notebook, once. */
  schedule?: string;
  trigger: RunTrigger;
  /** The cron or interval slot the run is for. */
  scheduledFor?: Date;
  /** Repeat this run (its refresh, at its as-of time). */
  rerunOf?: string;
}

export interface RunnerOptions {
  /** Writes the profile and segment snapshots and the segment membership. Default: the lake's (`engine/history/`). */
  history?: RunHistory;
  clock?: Clock;
  /** The lake (default: `$KOHORT_LAKE`, else `./lake`). */
  lake?: string;
  /** What DuckDB may read besides the lake. Default: the notebook's folder. */
  workspace?: string;
  memoryLimit?: string;
  threads?: number;
  /** Where listener failures go. Default: stderr. */
  log?: (line: string) => void;
}

/** Called after a run succeeded and its history was published (destinations send from here). */
export type RunPublishedListener = (record: RunRecord) => void | Promise<void>;

/**
 * Runs notebooks and records every run. Runs over one lake happen one at a time in this process
 * (an in-process queue); a lock file per notebook, holding the pid, makes a second process
 * refuse to run the same notebook meanwhile. A failed attempt is retried as its schedule says,
 * waiting `backoff`, then twice that, and so on. The record is rewritten atomically as the run
 * goes, so a crash leaves it `running` with its pid, and the next start marks it failed.
 */
export class NotebookRunner {
  private readonly clock: Clock;
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Ids of the runs this process has in progress. */
  private readonly active = new Set<string>();
  /** Notebooks (absolute paths) with a run queued or in progress here, and how many. */
  private readonly pending = new Map<string, number>();
  private readonly listeners = new Set<RunPublishedListener>();

  constructor(private readonly options: RunnerOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /** Listens for published runs; returns the unsubscribe. */
  onRunPublished(listener: RunPublishedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs queued or in progress in this process for the notebook at `file`. */
  inFlight(file: string): number {
    return this.pending.get(resolve(file)) ?? 0;
  }

  /** Marks failed the runs of `file` that a dead process left `running` (see `RunStore.markInterrupted`). */
  recover(file: string): Promise<RunRecord[]> {
    return new RunStore(file).markInterrupted(this.clock.now(), this.active);
  }

  /**
   * Does a run and resolves with its final record (succeeded or failed). What makes it
   * impossible to start — an unknown schedule, a rerun of an unknown run, another process
   * running the notebook — is a UserError, and no run is recorded.
   */
  async run(request: RunRequest): Promise<RunRecord> {
    return (await this.start(request)).done;
  }

  /**
   * Queues a run and resolves once it is accepted (the schedule or the past run exists), with
   * the promise of its final record. "Run now" answers at that point.
   */
  async start(request: RunRequest): Promise<{ done: Promise<RunRecord> }> {
    const file = request.file;
    const key = resolve(file);
    const text = readNotebook(file);
    const store = new RunStore(file);
    const plan = await this.planOf(request, text, store);
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    const lakeKey = resolve(this.options.lake || process.env['KOHORT_LAKE'] || 'lake');
    const previous = this.queues.get(lakeKey) ?? Promise.resolve();
    const mine = previous.catch(() => undefined).then(() => this.runNow(request, text, store, plan));
    this.queues.set(lakeKey, mine);
    const done = mine.finally(() => {
      const left = (this.pending.get(key) ?? 1) - 1;
      if (left > 0) this.pending.set(key, left);
      else this.pending.delete(key);
      if (this.queues.get(lakeKey) === mine) this.queues.delete(lakeKey);
    });
    return { done };
  }

  private async planOf(request: RunRequest, text: string, store: RunStore): Promise<RunPlan> {
    if (request.rerunOf !== undefined) {
      const past = await store.read(request.rerunOf);
      if (past.asOf === null) {
        throw new UserError(`run ${past.id} failed before it read any data, so it has no as-of time to repeat; run the notebook instead`, request.file);
      }
      return { refresh: past.refresh, retries: 0, backoffSeconds: 0, asOf: past.asOf, past, ...(past.schedule ? { schedule: past.schedule } : {}) };
    }
    if (request.schedule === undefined) return { refresh: [], retries: 0, backoffSeconds: 0 };
    const { cell, spec } = scheduleOf(request.file, text, request.schedule);
    return {
      schedule: cell.name,
      schedulePlace: `${request.file}:${cell.range.start.line}:${cell.range.start.column}`,
      refresh: spec.refresh,
      watched: spec.trigger.kind === 'data' ? spec.trigger.sources : [],
      retries: spec.retries,
      backoffSeconds: spec.backoffSeconds,
    };
  }

  private async runNow(request: RunRequest, text: string, store: RunStore, plan: RunPlan): Promise<RunRecord> {
    const startedAt = this.clock.now();
    const id = newRunId(startedAt);
    const notebook = notebookId(basename(request.file));
    const release = await acquireRunLock(join(store.folder, 'running.lock'), { pid: process.pid, host: hostname(), runId: id, since: startedAt.toISOString() }, request.file);
    this.active.add(id);
    try {
      await store.markInterrupted(startedAt, this.active);
      const record: RunRecord = {
        id,
        notebook,
        file: request.file,
        ...(plan.schedule !== undefined ? { schedule: plan.schedule } : {}),
        trigger: request.trigger,
        ...(request.scheduledFor ? { scheduledFor: request.scheduledFor.toISOString() } : {}),
        ...(plan.past ? { rerunOf: plan.past.id } : {}),
        refresh: plan.refresh,
        status: 'running',
        startedAt: startedAt.toISOString(),
        pid: process.pid,
        host: hostname(),
        asOf: plan.asOf ?? null,
        cells: [],
        segments: [],
        attempts: [],
      };
      await store.write(record);
      for (let attempt = 0; ; attempt++) {
        const attemptLog = { startedAt: this.clock.now().toISOString(), status: 'running' as RunRecord['status'] };
        record.attempts.push(attemptLog);
        delete record.retryAt;
        await store.write(record);
        const outcome = await runAttempt({
          file: request.file,
          text,
          refresh: plan.refresh,
          notebook,
          runId: id,
          history: this.options.history ?? lakeHistory,
          ...(plan.schedulePlace ? { schedulePlace: plan.schedulePlace } : {}),
          ...(plan.watched ? { watched: plan.watched } : {}),
          ...(plan.asOf !== undefined ? { asOf: plan.asOf } : {}),
          ...(this.options.lake !== undefined ? { lake: this.options.lake } : {}),
          ...(this.options.workspace !== undefined ? { workspace: this.options.workspace } : {}),
          ...(this.options.memoryLimit !== undefined ? { memoryLimit: this.options.memoryLimit } : {}),
          ...(this.options.threads !== undefined ? { threads: this.options.threads } : {}),
          progress: (state) => store.write(withState(record, state)),
        });
        withState(record, outcome);
        Object.assign(attemptLog, { status: outcome.status, endedAt: this.clock.now().toISOString(), ...(outcome.error ? { error: outcome.error } : {}) });
        if (outcome.status === 'succeeded' || attempt >= plan.retries) break;
        const wait = plan.backoffSeconds * 1000 * 2 ** attempt;
        record.retryAt = new Date(this.clock.now().getTime() + wait).toISOString();
        await store.write(record);
        await sleep(this.clock, wait);
      }
      const endedAt = this.clock.now();
      record.status = record.attempts.at(-1)!.status;
      record.endedAt = endedAt.toISOString();
      record.seconds = (endedAt.getTime() - startedAt.getTime()) / 1000;
      if (plan.past?.dataVersion && record.dataVersion) {
        const d = compareDataVersions(plan.past.dataVersion, record.dataVersion);
        if (d.added + d.removed + d.changed > 0) {
          (record.notes ??= []).push(
            `the data changed since run ${plan.past.id} (${d.added} files added, ${d.removed} removed, ${d.changed} rewritten); events after its as-of time were left out, late or rewritten ones were not`,
          );
        }
      }
      await store.write(record);
      if (record.status === 'succeeded') await this.publish(record);
      return record;
    } finally {
      this.active.delete(id);
      await release();
    }
  }

  private async publish(record: RunRecord): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener(record);
      } catch (e) {
        (this.options.log ?? ((l) => process.stderr.write(`${l}\n`)))(`kohort: after run ${record.id} of ${record.file}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
}

interface RunPlan {
  schedule?: string;
  schedulePlace?: string;
  refresh: string[];
  watched?: string[];
  retries: number;
  backoffSeconds: number;
  asOf?: string;
  past?: RunRecord;
}

/** Folds an attempt's state into the run's record (and returns the record). */
function withState(record: RunRecord, state: AttemptState): RunRecord {
  record.asOf = state.asOf ?? record.asOf;
  if (state.dataVersion) record.dataVersion = state.dataVersion;
  record.cells = state.cells;
  record.segments = state.segments;
  if (state.error) record.error = state.error;
  else delete record.error;
  return record;
}

/**
 * The schedule cell `name` of a notebook and its spec, compiled from the text alone (schedules
 * need no data). A UserError when there is no such schedule or it has errors.
 */
export function scheduleOf(file: string, text: string, name: string): { cell: CompiledCell; spec: ScheduleSpec } {
  const compiled = compileNotebook(text, { file: resolve(file) });
  const schedules = compiled.cells.filter((c) => c.kind === 'schedule');
  const cell = schedules.find((c) => c.name === name);
  if (!cell) {
    const close = suggest(name, schedules.map((c) => c.name));
    const hint = close.length ? ` — did you mean \`${close[0]}\`?` : schedules.length ? ` (schedules: ${schedules.map((c) => c.name).join(', ')})` : ' (it has none)';
    throw new UserError(`no schedule \`${name}\` in this notebook${hint}`, file);
  }
  if (!cell.schedule) throw new UserError(`schedule \`${name}\` has errors; \`kohort check ${file}\` lists them`, `${file}:${cell.range.start.line}:${cell.range.start.column}`);
  return { cell, spec: cell.schedule };
}
