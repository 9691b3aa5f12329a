import { setTimeout as sleep } from 'node:timers/promises';
import { Lander, type LandOptions, type LandPartitionStatus, type LandStatus } from '../../connectors/land/lander.js';
import type { PipelineSpec } from '../../dsl/index.js';
import { isUserError } from '../../engine/user-error.js';
import type { PipelinePartitionStatus, PipelineState, PipelineStatus } from './pipelines-status.js';

/** One pipeline cell as the server found it in a notebook. */
export interface PipelineDefinition {
  /** `<notebook>#<name>`. */
  id: string;
  notebook: string;
  name: string;
  /** `file:line:col`. */
  place: string;
  /** Absent when the cell has errors (then `problem` says which). */
  spec?: PipelineSpec;
  problem?: string;
  /** The lake it lands in: the cell's `lake`, else the server's. */
  lake: string;
}

export interface PipelineRunnerOptions {
  /** Overrides for the lander (tests: a short session timeout). */
  land?: Partial<LandOptions>;
  /** Where to note restarts and stops that could not land everything. */
  log: (line: string) => void;
}

type Counts = { files: number; rows: number; deadLetters: number; lastFileAt: string | null };

const firstBackoffMs = 1000;
const maxBackoffMs = 30_000;
/** Kafka's words for "cannot reach the broker" (kafkajs retries these on its own). */
const kafkaTrouble = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|Connection (error|timeout)|Closed connection|Failed to connect|restarting after|NumberOfRetriesExceeded|not available/i;

/**
 * Runs one pipeline cell with the lander, in this process, for as long as the server runs it:
 * starts it, restarts it with backoff after errors that waiting can fix (a broker away, an
 * unexpected failure), leaves it failed after errors it cannot (a mistake in the cell, a refusal
 * by HDFS), and stops it cleanly. Counts carry over restarts.
 */
export class PipelineRunner {
  private state: PipelineState = 'starting';
  private reason = '';
  private shown: { state: PipelineState; since: number } = { state: 'starting', since: Date.now() };
  private restarts = 0;
  private lander: Lander | undefined;
  private retryAt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Counts of landers that ended, by partition, and their totals. */
  private readonly carried = new Map<string, Counts>();
  private carriedTotals = { rows: 0, files: 0, deadLetters: 0, deadLetterCodes: {} as Record<string, number>, lastFileAt: null as string | null };
  /** The last known position of each partition (kept while a lander restarts). */
  private readonly positions = new Map<string, LandPartitionStatus>();
  private described: { lake: string; group: string } | undefined;

  constructor(
    readonly definition: PipelineDefinition,
    private readonly options: PipelineRunnerOptions,
  ) {}

  /** Starts landing (or records why it cannot). */
  start(): void {
    if (!this.definition.spec) {
      this.enter('failed', this.definition.problem ?? 'the pipeline cell has errors');
      return;
    }
    void this.launch(this.definition.spec);
  }

  private async launch(spec: PipelineSpec): Promise<void> {
    if (this.closed) return;
    this.enter('starting', '');
    let lander: Lander;
    try {
      lander = new Lander({
        brokers: spec.brokers,
        topics: spec.topics,
        lake: this.definition.lake,
        source: spec.dataset,
        format: spec.format,
        flush: spec.flush,
        ...(spec.group ? { groupId: spec.group } : {}),
        // One worker per pipeline: the server also answers queries on these cores.
        workers: 1,
        ...this.options.land,
      });
    } catch (e) {
      this.enter('failed', messageOf(e));
      return;
    }
    this.lander = lander;
    this.described = { lake: lander.status.lake, group: lander.groupId };
    try {
      await lander.start();
    } catch (e) {
      await lander.stop().catch(() => undefined);
      this.ended(lander, e);
      return;
    }
    if (this.closed) return;
    this.enter('running', '');
    lander.finished.then(
      () => undefined,
      (e: unknown) => this.ended(lander, e),
    );
  }

  /** A lander ended with an error: keep its counts, then fail or retry. */
  private ended(lander: Lander, e: unknown): void {
    this.fold(lander.snapshot());
    if (this.lander === lander) this.lander = undefined;
    if (this.closed) return;
    const message = messageOf(e);
    if (isUserError(e)) {
      this.enter('failed', message);
      return;
    }
    const delay = Math.min(maxBackoffMs, firstBackoffMs * 2 ** Math.min(this.restarts, 10));
    this.restarts++;
    this.retryAt = Date.now() + delay;
    this.enter('retrying', kafkaTrouble.test(message) ? `Kafka ${this.definition.spec!.brokers.join(',')} unreachable: ${message}` : message);
    this.options.log(`kohort serve: pipeline ${this.definition.id}: ${message}; restarting in ${Math.round(delay / 1000)} s`);
    this.retryTimer = setTimeout(() => void this.launch(this.definition.spec!), delay);
  }

  private fold(status: LandStatus): void {
    for (const p of status.partitions) {
      const key = `${p.topic}/${p.partition}`;
      const c = this.carried.get(key) ?? { files: 0, rows: 0, deadLetters: 0, lastFileAt: null };
      this.carried.set(key, { files: c.files + p.files, rows: c.rows + p.rows, deadLetters: c.deadLetters + p.deadLetters, lastFileAt: later(c.lastFileAt, p.lastFileAt) });
      this.positions.set(key, p);
    }
    const t = this.carriedTotals;
    t.rows += status.landed;
    t.files += status.files;
    t.deadLetters += status.deadLetters;
    for (const [code, n] of Object.entries(status.deadLetterCodes)) t.deadLetterCodes[code] = (t.deadLetterCodes[code] ?? 0) + n;
    t.lastFileAt = later(t.lastFileAt, status.lastFileAt);
  }

  private enter(state: PipelineState, reason: string): void {
    this.state = state;
    this.reason = reason;
  }

  /**
   * Stops the lander: it lands what it has buffered and commits, within `timeoutMs`; past that
   * (HDFS down) it leaves at once, and what it had not committed is landed on the next start.
   */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const lander = this.lander;
    if (lander) {
      const stopped = lander.stop().then(
        () => true,
        () => true,
      );
      const done = await Promise.race([stopped, sleep(timeoutMs, false, { ref: false })]);
      if (!done) {
        this.options.log(`kohort serve: pipeline ${this.definition.id}: could not land its buffered messages in ${timeoutMs / 1000} s; they are landed on the next start`);
        await lander.abort();
      }
    }
    this.enter('stopped', '');
  }

  /** The pipeline's status now. */
  status(): PipelineStatus {
    const d = this.definition;
    const live = this.lander?.snapshot();
    let state = this.state;
    let reason = this.reason;
    if (live && (state === 'starting' || state === 'running')) {
      if (live.waiting) [state, reason] = ['retrying', live.waiting];
      else if (live.kafka && kafkaTrouble.test(live.kafka)) [state, reason] = ['retrying', `Kafka ${d.spec!.brokers.join(',')}: ${live.kafka}`];
    }
    if (state === 'retrying' && this.state === 'retrying' && this.retryAt > Date.now()) {
      reason = `${reason} — restarting in ${Math.ceil((this.retryAt - Date.now()) / 1000)} s`;
    }
    if (state !== this.shown.state) this.shown = { state, since: Date.now() };

    const current = new Map<string, LandPartitionStatus>();
    for (const p of live?.partitions ?? []) {
      const key = `${p.topic}/${p.partition}`;
      current.set(key, p);
      this.positions.set(key, p);
    }
    const partitions: PipelinePartitionStatus[] = [...this.positions.entries()]
      .sort(([, a], [, b]) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition))
      .map(([key, p]) => {
        const c = this.carried.get(key) ?? { files: 0, rows: 0, deadLetters: 0, lastFileAt: null };
        const now = current.get(key);
        return {
          topic: p.topic,
          partition: p.partition,
          committed: p.committed,
          landedUpTo: p.landedUpTo,
          highWatermark: p.highWatermark,
          lag: p.lag,
          files: c.files + (now?.files ?? 0),
          rows: c.rows + (now?.rows ?? 0),
          deadLetters: c.deadLetters + (now?.deadLetters ?? 0),
          lastFileAt: later(c.lastFileAt, now?.lastFileAt ?? null),
        };
      });
    const t = this.carriedTotals;
    const codes = { ...t.deadLetterCodes };
    for (const [code, n] of Object.entries(live?.deadLetterCodes ?? {})) codes[code] = (codes[code] ?? 0) + n;
    return {
      id: d.id,
      notebook: d.notebook,
      name: d.name,
      place: d.place,
      state,
      reason,
      since: new Date(this.shown.since).toISOString(),
      restarts: this.restarts,
      topics: d.spec?.topics ?? [],
      brokers: d.spec?.brokers ?? [],
      format: d.spec?.format ?? null,
      dataset: d.spec?.dataset ?? null,
      lake: this.described?.lake ?? (d.spec ? d.lake : null),
      group: this.described?.group ?? null,
      partitions,
      totals: {
        rows: t.rows + (live?.landed ?? 0),
        files: t.files + (live?.files ?? 0),
        deadLetters: t.deadLetters + (live?.deadLetters ?? 0),
        deadLetterCodes: codes,
        lag: partitions.length > 0 && partitions.every((p) => p.lag !== null) ? partitions.reduce((n, p) => n + p.lag!, 0) : null,
        buffered: live?.buffered ?? 0,
      },
      lastFileAt: later(t.lastFileAt, live?.lastFileAt ?? null),
      kafka: live?.kafka ?? '',
    };
  }
}

function later(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
