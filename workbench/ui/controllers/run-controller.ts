import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ApiError, type ApiClient } from '../api/client.js';
import type { ResultSet } from '../results/result-set.js';

/** Where one definition's run stands. */
export interface RunState {
  status: 'queued' | 'running' | 'done' | 'error' | 'cancelled';
  /** The cell that asked for it (its cancel button stops it). */
  cellId: string;
  result?: ResultSet;
  /** What the server said: total rows, whether it cut them, cache hit, its time. */
  rows?: number;
  truncated?: boolean;
  cached?: boolean;
  serverMillis?: number;
  /** Bytes received and the wall time from request to table. */
  bytes?: number;
  millis?: number;
  error?: string;
  place?: string;
  /** The notebook text it ran on (segment summaries and customer views reuse it). */
  text?: string;
  /** The inputs the result was computed from; staleness compares against these. */
  inputs?: string;
}

/** One definition to run: its name, the cell it sits in, and the text and inputs at request time. */
export interface RunJob {
  name: string;
  cellId: string;
  text: string;
  inputs: string;
}

/**
 * Runs definitions one at a time, in the order given (the notebook computes it from the graph).
 * Each run is a fetch with its own AbortController: cancelling a cell aborts its running request
 * (the server stops the query) and drops its queued ones. Running a definition again supersedes
 * the previous run of it.
 */
export class RunController implements ReactiveController {
  readonly states = new Map<string, RunState>();
  private queue: RunJob[] = [];
  private current?: { job: RunJob; abort: AbortController };
  private draining = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: {
      api: () => ApiClient;
      path: () => string;
      /** Turns Arrow IPC bytes into a result the page can show. */
      makeResult: (ipc: Uint8Array) => Promise<ResultSet>;
      /** Row cap asked of the server. */
      limit?: number;
      /** Called after each finished run (done, error or cancelled). */
      finished?: (name: string, state: RunState) => void;
    },
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.cancelAll();
  }

  /** Whether anything is queued or running for a cell (or at all). */
  busy(cellId?: string): boolean {
    if (cellId === undefined) return this.current !== undefined || this.queue.length > 0;
    return this.current?.job.cellId === cellId || this.queue.some((j) => j.cellId === cellId);
  }

  enqueue(jobs: readonly RunJob[]): void {
    for (const job of jobs) {
      // A newer request for the same definition replaces a queued or running one.
      this.queue = this.queue.filter((j) => j.name !== job.name);
      if (this.current?.job.name === job.name) this.current.abort.abort(new DOMException('superseded', 'AbortError'));
      this.queue.push(job);
      this.set(job.name, { ...this.states.get(job.name), status: 'queued', cellId: job.cellId });
    }
    this.host.requestUpdate();
    void this.drain();
  }

  cancel(cellId: string): void {
    const dropped = this.queue.filter((j) => j.cellId === cellId);
    this.queue = this.queue.filter((j) => j.cellId !== cellId);
    for (const j of dropped) this.settleCancelled(j.name);
    if (this.current?.job.cellId === cellId) this.current.abort.abort(new DOMException('cancelled', 'AbortError'));
    this.host.requestUpdate();
  }

  cancelAll(): void {
    for (const j of this.queue) this.settleCancelled(j.name);
    this.queue = [];
    this.current?.abort.abort(new DOMException('cancelled', 'AbortError'));
  }

  /** Forgets results (e.g. after a reload from disk). */
  clear(): void {
    this.cancelAll();
    for (const s of this.states.values()) s.result?.dispose();
    this.states.clear();
    this.host.requestUpdate();
  }

  private settleCancelled(name: string) {
    const previous = this.states.get(name);
    if (previous?.result) this.set(name, { ...previous, status: 'done' });
    else this.set(name, { status: 'cancelled', cellId: previous?.cellId ?? '' });
  }

  private set(name: string, state: RunState) {
    this.states.set(name, state);
  }

  private async drain() {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const job = this.queue.shift()!;
        await this.runOne(job);
      }
    } finally {
      this.draining = false;
    }
  }

  private async runOne(job: RunJob) {
    const abort = new AbortController();
    this.current = { job, abort };
    const previous = this.states.get(job.name);
    this.set(job.name, { ...previous, status: 'running', cellId: job.cellId });
    this.host.requestUpdate();
    const t0 = performance.now();
    let state: RunState;
    try {
      const request: { path: string; text: string; cell: string; limit?: number } = { path: this.options.path(), text: job.text, cell: job.name };
      if (this.options.limit !== undefined) request.limit = this.options.limit;
      const answer = await this.options.api().run(request, abort.signal);
      const result = await this.options.makeResult(answer.ipc);
      previous?.result?.dispose();
      state = {
        status: 'done',
        cellId: job.cellId,
        result,
        rows: Number.isFinite(answer.rows) ? answer.rows : result.rowCount,
        truncated: answer.truncated,
        cached: answer.cached,
        serverMillis: answer.millis,
        bytes: answer.bytes,
        millis: performance.now() - t0,
        text: job.text,
        inputs: job.inputs,
      };
    } catch (e) {
      if (abort.signal.aborted) {
        const superseded = abort.signal.reason instanceof DOMException && abort.signal.reason.message === 'superseded';
        if (superseded) {
          this.current = undefined;
          return;
        }
        state = previous?.result ? { ...previous, status: 'done' } : { status: 'cancelled', cellId: job.cellId };
        if (!previous?.result) state.error = 'cancelled';
      } else {
        state = { status: 'error', cellId: job.cellId, error: e instanceof Error ? e.message : String(e), text: job.text };
        if (e instanceof ApiError && e.place) state.place = e.place;
      }
    } finally {
      if (this.current?.job === job) this.current = undefined;
    }
    this.set(job.name, state);
    this.options.finished?.(job.name, state);
    this.host.requestUpdate();
  }
}
