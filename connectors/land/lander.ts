import { createHash } from 'node:crypto';
import type { Admin, Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { checkSourceName } from '../../engine/lake.js';
import { UserError } from '../../engine/user-error.js';
import type { WebHdfsOptions } from '../hdfs/webhdfs.js';
import { checkTopicName, kafkaClient } from '../kafka/client.js';
import type { MessageFormat } from './message.js';
import { deadLetterDataset, isUnitTempName, parseUnitFileName, tpKey } from './naming.js';
import type { LandPartitionStatus } from './partition-status.js';
export type { LandPartitionStatus } from './partition-status.js';
import { openStager, type Stager } from './stager.js';
import { openLakeStorage, parseLakeLocation, type LakeStorage, type Prepared } from './storage.js';
import type { RawUnit, StagedUnit, StagingPlan } from './unit.js';

/** When a partition's buffer is written out: whichever comes first. */
export interface FlushRules {
  /** Messages buffered. Default 100,000. */
  rows?: number;
  /** Bytes of message values buffered. Default 32 MiB. */
  bytes?: number;
  /** Seconds since the oldest buffered message arrived. Default 2. */
  seconds?: number;
}

export interface LandOptions {
  /** `host:port[,host:port…]`. */
  brokers: string | readonly string[];
  topics: readonly string[];
  /** A folder, `file:…`, `hdfs://…` or `webhdfs://…` (see `parseLakeLocation`). */
  lake: string;
  /** The dataset to land into, `<lake>/<source>/`. Default `events`. */
  source?: string;
  /** Default `auto`: JSON objects and REES46 CSV lines, told apart per message. */
  format?: MessageFormat;
  /** The consumer group. Default: derived from the lake and source, so one lake has one position. */
  groupId?: string;
  flush?: FlushRules;
  /**
   * How long the group waits for a silent lander before giving its partitions to another (or to
   * its own restart, after a crash). Default 30 s; the broker allows 6 s and up.
   */
  sessionTimeoutMs?: number;
  /** Parse and write on a worker thread (default, when built) or inline on the main thread. */
  stage?: 'worker' | 'inline';
  /** WebHDFS retry settings for an HDFS lake. Default: retry forever, backoff up to 8 s. */
  webhdfs?: Partial<WebHdfsOptions>;
  /** Called about once a second, and when something changes state (HDFS down, back up). */
  onStatus?: (status: LandStatus) => void;
  /** Worker threads that parse and write (see `openStager`). Default: `$KOHORT_LAND_WORKERS`, else one per core, at most 4. */
  workers?: number;
}


/** Counts since start, and what the lander is waiting for, if anything. */
export interface LandStatus {
  /** Messages taken from Kafka into buffers (re-deliveries not counted). */
  consumed: number;
  /** Events written to the lake. */
  landed: number;
  /** Messages written to the dead-letter set. */
  deadLetters: number;
  /** Counts of dead letters by reason code. */
  deadLetterCodes: Record<string, number>;
  /** Files made visible. */
  files: number;
  /** Flushes done (one per partition buffer). */
  units: number;
  /** Units found half-landed at start (a crash between renames) and completed. */
  repaired: number;
  /** Messages buffered, not yet landed. */
  buffered: number;
  /** Empty while all is well; else e.g. `HDFS: NameNode 127.0.0.1:9870: connection refused — retry 3 in 2.0 s`. */
  waiting: string;
  /** The last Kafka warning or error, if recent (kafkajs retries on its own). */
  kafka: string;
  lake: string;
  groupId: string;
  /** The partitions assigned to this lander, by topic then partition. */
  partitions: LandPartitionStatus[];
  /** When any file last became visible, ISO 8601. */
  lastFileAt: string | null;
}

/** Per-partition figures, kept exact (bigint offsets) until a status is taken. */
interface PartitionFigures {
  topic: string;
  partition: number;
  committed: bigint | undefined;
  landedUpTo: bigint | undefined;
  highWatermark: bigint | undefined;
  files: number;
  rows: number;
  deadLetters: number;
  lastFileAt: number;
}

interface PartitionState {
  /** The next offset to buffer; lower offsets are re-deliveries and skipped. */
  next: bigint;
  /** The buffered messages, packed as they arrive (kafkajs's objects are let go at once). */
  buffer: UnitBuilder;
  bytes: number;
  /** When the oldest buffered message arrived (ms), or 0. */
  since: number;
  /** While completing a half-landed unit: its last offset (the buffer is flushed exactly there). */
  repairUntil: bigint | undefined;
}

const defaults = { rows: 100_000, bytes: 32 << 20, seconds: 2 };
/** Units waiting to be written; eachBatch waits beyond this (back-pressure). */
const maxQueuedUnits = 4;

/**
 * Lands Kafka topics in the lake, exactly once.
 *
 * Each partition's messages are buffered in order and flushed as a unit when a flush rule fires.
 * A unit's events are split by day and dead letters by day; each part is written as Parquet to a
 * hidden temp name and renamed into place as `<topic>+<partition>+<first>+<last>.parquet`; only
 * after every part of the unit is visible is the offset `last + 1` committed to Kafka. Units are
 * published one at a time, in order, so at any moment at most the newest unit of a partition can
 * be half-visible (a crash between two renames).
 *
 * On (re)start the lake is the truth, not the committed offset: for each partition the newest
 * landed unit is found from the file names; messages up to it are skipped (already landed), and
 * if Kafka's committed offset says that unit was never committed, the unit is read again and
 * completed, keeping the parts already there (their names, hence contents, are the same). So a
 * kill -9 at any point neither loses nor doubles an event. This is the technique of Kafka
 * Connect's HDFS sink, without its write-ahead log: a unit's offsets fix its contents.
 */
export class Lander {
  private readonly storage: LakeStorage;
  private readonly consumer: Consumer;
  private readonly rules: Required<FlushRules>;
  private readonly source: string;
  private readonly format: MessageFormat;
  private readonly topics: readonly string[];
  readonly groupId: string;
  private stager: Stager | undefined;
  private plan: StagingPlan | undefined;
  private readonly partitions = new Map<string, PartitionState>();
  /** Recovery of newly assigned partitions; batches wait for it. */
  private recovering: Promise<void> = Promise.resolve();
  private committing = false;
  private cleaned = false;
  private readonly admin: Admin;
  private adminConnected = false;
  /** The newest landed unit per partition, from the lake's file names (refreshed after a rebalance). */
  private landed: Map<string, { first: bigint; last: bigint }> | undefined;
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;
  private failure: unknown;
  private readonly pendingCommits = new Map<string, { topic: string; partition: number; offset: string }>();
  private timer: NodeJS.Timeout | undefined;
  private lastStatusAt = 0;
  private kafkaNote = { text: '', at: 0 };
  private readonly figures = new Map<string, PartitionFigures>();
  private watermarksAt = 0;
  private watermarksBusy = false;
  private lastFileAt = 0;
  private stopped = false;
  private readonly done: Promise<void>;
  private settle!: (e?: unknown) => void;
  readonly status: LandStatus;
  private readonly onStatus: ((s: LandStatus) => void) | undefined;

  constructor(private readonly options: LandOptions) {
    this.source = options.source ?? 'events';
    checkSourceName(this.source);
    if (options.topics.length === 0) throw new UserError('no topics to land');
    for (const t of options.topics) checkTopicName(t);
    this.topics = options.topics;
    this.format = options.format ?? 'auto';
    this.rules = { ...defaults, ...options.flush };
    for (const [k, v] of Object.entries(this.rules)) {
      if (!(v > 0)) throw new UserError(`flush ${k} must be a positive number, not ${v}`);
    }
    const location = parseLakeLocation(options.lake);
    this.onStatus = options.onStatus;
    this.storage = openLakeStorage(location, {
      retries: Number.POSITIVE_INFINITY,
      ...options.webhdfs,
      onRetry: (r) => {
        this.status.waiting = `HDFS: ${r.reason} — ${r.op} ${r.path}, retry ${r.attempt} in ${(r.delayMs / 1000).toFixed(1)} s`;
        this.report(true);
        options.webhdfs?.onRetry?.(r);
      },
    });
    const lakeId = location.kind === 'local' ? location.path : `${location.webhdfs}${location.path}`;
    this.groupId = options.groupId ?? `kohort-land-${this.source}-${createHash('sha256').update(lakeId).digest('hex').slice(0, 12)}`;
    const kafka = kafkaClient({
      brokers: options.brokers,
      clientId: 'kohort-land',
      onLog: (e) => {
        this.kafkaNote = { text: e.message, at: Date.now() };
      },
    });
    this.admin = kafka.admin();
    this.consumer = kafka.consumer({
      groupId: this.groupId,
      maxBytesPerPartition: 8 << 20,
      maxBytes: 64 << 20,
      maxWaitTimeInMs: 200,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: Math.min(3000, Math.floor((options.sessionTimeoutMs ?? 30_000) / 3)),
    });
    this.status = {
      consumed: 0,
      landed: 0,
      deadLetters: 0,
      deadLetterCodes: {},
      files: 0,
      units: 0,
      repaired: 0,
      buffered: 0,
      waiting: '',
      kafka: '',
      lake: this.storage.description,
      groupId: this.groupId,
      partitions: [],
      lastFileAt: null,
    };
    this.done = new Promise((resolve, reject) => {
      this.settle = (e) => (e === undefined ? resolve() : reject(e));
    });
    this.done.catch(() => undefined);
  }

  /**
   * Connects and starts landing; resolves once consuming has started. A `stop()` while it starts
   * (e.g. waiting for a broker) ends it: it resolves without starting anything more.
   */
  async start(): Promise<void> {
    const stager = await openStager(this.options.stage ?? 'worker', this.options.workers);
    if (this.stopped) {
      await stager.close();
      return;
    }
    this.stager = stager;
    this.plan = await this.storage.stagingPlan();
    await this.consumer.connect();
    if (this.stopped) {
      await this.consumer.disconnect().catch(() => undefined);
      return;
    }
    for (const topic of this.topics) await this.consumer.subscribe({ topic, fromBeginning: true });
    this.consumer.on(this.consumer.events.GROUP_JOIN, (e) => this.onJoin(e.payload.memberAssignment));
    this.consumer.on(this.consumer.events.CRASH, (e) => {
      const error = e.payload.error;
      this.kafkaNote = { text: `consumer restarting after: ${error.message}`, at: Date.now() };
      if (!e.payload.restart) this.fail(error);
    });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    if (!this.stopped) this.timer = setInterval(() => this.tick(), 200);
  }

  /** Resolves when the lander stops (after `stop()`), rejects when it fails for good. */
  get finished(): Promise<void> {
    return this.done;
  }

  /**
   * Stops consuming, lands everything buffered, commits, disconnects. Nothing is lost by a stop
   * without it either (the buffered messages are read again on the next start); this just leaves
   * the lake and the group up to date.
   */
  async stop(): Promise<LandStatus> {
    if (this.stopped) {
      await this.done.catch(() => undefined);
      return this.status;
    }
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    let error: unknown;
    try {
      await this.consumer.stop();
      if (this.failure === undefined) {
        for (const [key, state] of this.partitions) if (state.buffer.count > 0) this.flush(key, state);
        await this.queue;
        await this.retryCommits();
      }
    } catch (e) {
      error = e;
    } finally {
      await this.consumer.disconnect().catch(() => undefined);
      if (this.adminConnected) await this.admin.disconnect().catch(() => undefined);
      await this.stager?.close();
      await this.storage.close();
    }
    error ??= this.failure;
    this.report(true);
    this.settle(error);
    if (error !== undefined) throw error;
    return this.status;
  }

  /**
   * Leaves at once, for when `stop()` cannot finish (HDFS down): nothing more is made visible or
   * committed. Safe, as a crash is: what was not committed is landed again, once, on the next start.
   */
  async abort(): Promise<void> {
    this.failure ??= new UserError('the lander was stopped before it could land what it had buffered');
    // Ends WebHDFS calls waiting to retry, so the publication queue (and a stop waiting on it) ends.
    await this.storage.close().catch(() => undefined);
    await this.stop().catch(() => undefined);
  }

  private fail(e: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = e;
    void this.stop().catch(() => undefined);
  }

  private onJoin(assignment: Record<string, number[]>): void {
    const assigned: { topic: string; partition: number }[] = [];
    for (const [topic, partitions] of Object.entries(assignment)) for (const partition of partitions) assigned.push({ topic, partition });
    const keys = new Set(assigned.map((a) => tpKey(a.topic, a.partition)));
    // A partition taken away may be landed by another lander now: forget its buffer (its messages
    // are read again by whoever owns it, from the committed offset).
    for (const key of [...this.partitions.keys()]) if (!keys.has(key)) this.partitions.delete(key);
    for (const key of [...this.figures.keys()]) if (!keys.has(key)) this.figures.delete(key);
    this.landed = undefined;
    // Newly assigned partitions: decide where to resume before any of their messages is taken.
    const fresh = assigned.filter((a) => !this.partitions.has(tpKey(a.topic, a.partition)));
    const recovering = this.recovering.then(() => this.recover(fresh));
    this.recovering = recovering.catch((e: unknown) => this.fail(e));
  }

  private async eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (this.failure !== undefined || this.stopped) return;
    const { topic, partition } = batch;
    const key = tpKey(topic, partition);
    await this.recovering;
    let state = this.partitions.get(key);
    if (state === undefined) {
      // Assigned without a join event seen yet (it comes right before): recover it now.
      await (this.recovering = this.recovering.then(() => this.recover([{ topic, partition }])).catch((e: unknown) => this.fail(e)));
      state = this.partitions.get(key);
    }
    // A batch fetched before the recovery's seek is dropped; the next starts where we said.
    if (state === undefined || isStale() || this.failure !== undefined) return;
    const figures = this.figures.get(key);
    if (figures && /^\d+$/.test(batch.highWatermark)) figures.highWatermark = BigInt(batch.highWatermark);
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) break;
      const offset = BigInt(message.offset);
      if (offset < state.next) continue;
      if (state.repairUntil !== undefined && offset > state.repairUntil && state.buffer.count > 0) {
        // The unit's last offset is gone (compaction): close the repair where it ends.
        this.flush(key, state);
      }
      if (state.buffer.count === 0) state.since = Date.now();
      state.buffer.add(message, offset);
      state.bytes += message.value?.length ?? 0;
      state.next = offset + 1n;
      this.status.consumed++;
      if (state.repairUntil !== undefined) {
        if (offset >= state.repairUntil) this.flush(key, state);
      } else if (state.buffer.count >= this.rules.rows || state.bytes >= this.rules.bytes) {
        this.flush(key, state);
      }
      if (this.queued >= maxQueuedUnits) {
        await this.drain(heartbeat);
        if (this.failure !== undefined) return;
      }
    }
    // Offsets are resolved (so kafkajs fetches on) but never auto-committed: commits follow landing.
    if (isRunning() && !isStale()) resolveOffset(batch.lastOffset());
    await heartbeat();
  }

  /** Waits until the write queue is short again, heartbeating so the group keeps us. */
  private async drain(heartbeat: () => Promise<void>): Promise<void> {
    while (this.queued >= maxQueuedUnits && this.failure === undefined) {
      await Promise.race([this.queue, new Promise((r) => setTimeout(r, 1000))]);
      await heartbeat().catch(() => undefined);
    }
  }

  /**
   * Where to resume partitions newly assigned: from the lake's files first, Kafka's committed
   * offsets second. Sets their state and seeks there.
   *
   * - Nothing landed for a partition: from its earliest offset (a commit without files means the
   *   files were deleted or the lake replaced: the lake wins).
   * - The newest landed unit is committed (the commit is past it): right after it.
   * - It is not (a crash between publishing and committing, maybe between two of its files): from
   *   its first offset, landing it again up to its last exactly, keeping the files already there.
   */
  private async recover(partitions: { topic: string; partition: number }[]): Promise<void> {
    if (partitions.length === 0) return;
    this.landed ??= await this.scanLanded();
    await this.connectAdmin();
    const committed = new Map<string, bigint>();
    for (const topic of new Set(partitions.map((p) => p.topic))) {
      for (const t of await this.admin.fetchOffsets({ groupId: this.groupId, topics: [topic] })) {
        for (const p of t.partitions) if (Number(p.offset) >= 0) committed.set(tpKey(t.topic, p.partition), BigInt(p.offset));
      }
    }
    for (const { topic, partition } of partitions) {
      const key = tpKey(topic, partition);
      if (this.partitions.has(key)) continue;
      const unit = this.landed.get(key);
      const state: PartitionState = { next: 0n, buffer: new UnitBuilder(), bytes: 0, since: 0, repairUntil: undefined };
      if (unit === undefined) {
        state.next = await this.earliestOffset(topic, partition);
      } else if ((committed.get(key) ?? -1n) > unit.last) {
        state.next = unit.last + 1n;
      } else {
        state.next = unit.first;
        state.repairUntil = unit.last;
        this.status.repaired++;
        this.report(true);
      }
      this.partitions.set(key, state);
      this.figures.set(key, {
        topic,
        partition,
        committed: committed.get(key),
        landedUpTo: unit === undefined ? state.next : unit.last + 1n,
        highWatermark: this.figures.get(key)?.highWatermark,
        files: 0,
        rows: 0,
        deadLetters: 0,
        lastFileAt: 0,
      });
      this.consumer.seek({ topic, partition, offset: String(state.next) });
    }
  }

  private async connectAdmin(): Promise<void> {
    if (this.adminConnected) return;
    await this.admin.connect();
    this.adminConnected = true;
  }

  /** The low watermark of a partition (its earliest offset still in Kafka). */
  private async earliestOffset(topic: string, partition: number): Promise<bigint> {
    await this.connectAdmin();
    const offsets = await this.admin.fetchTopicOffsets(topic);
    const p = offsets.find((o) => o.partition === partition);
    return BigInt(p?.low ?? '0');
  }

  /** The newest unit per partition of our topics, from file names; removes temp files left by crashes. */
  private async scanLanded(): Promise<Map<string, { first: bigint; last: bigint }>> {
    const newest = new Map<string, { first: bigint; last: bigint }>();
    const topics = new Set(this.topics);
    // Temp files left by a crash are removed at start only: later (after a rebalance) some may be
    // this lander's own uploads in flight.
    const clean = !this.cleaned;
    this.cleaned = true;
    for (const dataset of [this.source, deadLetterDataset(this.source)]) {
      for (const folder of (await this.storage.list(dataset)) ?? []) {
        if (!folder.dir || !folder.name.startsWith('date=')) continue;
        const rel = `${dataset}/${folder.name}`;
        for (const f of (await this.storage.list(rel)) ?? []) {
          if (f.dir) continue;
          if (f.name.startsWith('.')) {
            if (!clean) continue;
            for (const t of topics) {
              const p = /^\.[^+]+\+(\d+)\+/.exec(f.name)?.[1];
              if (p !== undefined && isUnitTempName(f.name, t, Number(p))) await this.storage.remove(`${rel}/${f.name}`);
            }
            continue;
          }
          const u = parseUnitFileName(f.name);
          if (!u || !topics.has(u.topic)) continue;
          const key = tpKey(u.topic, u.partition);
          const known = newest.get(key);
          if (!known || u.last > known.last) newest.set(key, { first: u.first, last: u.last });
        }
      }
    }
    return newest;
  }

  /** Detaches the partition's buffer as a unit, starts writing it, and queues its publication. */
  private flush(key: string, state: PartitionState): void {
    if (state.buffer.count === 0) return;
    const slash = key.lastIndexOf('/');
    const unit = state.buffer.build(key.slice(0, slash), Number(key.slice(slash + 1)), this.source, this.format);
    state.buffer = new UnitBuilder();
    state.bytes = 0;
    state.since = 0;
    state.repairUntil = undefined;
    this.queued++;
    // Writing (on a worker) and uploading (to HDFS) run ahead; making files visible and
    // committing happen strictly in order, one unit at a time.
    const prepared = this.stager!.stage(unit, this.plan!).then(async (staged) => ({
      staged,
      parts: await Promise.all(staged.parts.map((p) => this.storage.prepare(p.staged, p.rel))),
    }));
    prepared.catch(() => undefined);
    this.queue = this.queue.then(async () => {
      try {
        if (this.failure === undefined) await this.publish(unit, await prepared);
      } catch (e) {
        this.fail(e);
      } finally {
        this.queued--;
      }
    });
  }

  /** Makes a written unit visible, part by part, then commits past it. */
  private async publish(unit: RawUnit, { staged, parts }: { staged: StagedUnit; parts: Prepared[] }): Promise<void> {
    for (const [code, n] of Object.entries(staged.codes)) {
      this.status.deadLetterCodes[code] = (this.status.deadLetterCodes[code] ?? 0) + n;
    }
    const key = tpKey(unit.topic, unit.partition);
    const figures = this.figures.get(key);
    for (const [i, part] of staged.parts.entries()) {
      const outcome = await this.storage.publish(parts[i]!);
      if (this.status.waiting.startsWith('HDFS')) {
        this.status.waiting = '';
        this.report(true);
      }
      if (outcome === 'published') {
        this.status.files++;
        this.lastFileAt = Date.now();
        if (figures) {
          figures.files++;
          figures.lastFileAt = Date.now();
        }
      }
      if (part.dead) this.status.deadLetters += part.rows;
      else this.status.landed += part.rows;
      if (figures) figures[part.dead ? 'deadLetters' : 'rows'] += part.rows;
      faultPoint('mid-unit', part !== staged.parts[staged.parts.length - 1]);
    }
    faultPoint('before-commit', true);
    this.status.units++;
    if (figures) figures.landedUpTo = unit.last + 1n;
    this.landed?.set(key, { first: unit.first, last: unit.last });
    this.pendingCommits.set(key, { topic: unit.topic, partition: unit.partition, offset: String(unit.last + 1n) });
    await this.retryCommits();
  }

  /**
   * Commits the landed positions. A failure (broker away, rebalance) is harmless: the lake is
   * the truth on restart; the commit is tried again on the next tick.
   */
  private async retryCommits(): Promise<void> {
    if (this.pendingCommits.size === 0) return;
    const offsets = [...this.pendingCommits.values()];
    try {
      await this.consumer.commitOffsets(offsets);
      for (const o of offsets) {
        const key = tpKey(o.topic, o.partition);
        const figures = this.figures.get(key);
        if (figures) figures.committed = BigInt(o.offset);
        if (this.pendingCommits.get(key)?.offset === o.offset) this.pendingCommits.delete(key);
      }
    } catch (e) {
      this.kafkaNote = { text: `commit deferred: ${(e as Error).message}`, at: Date.now() };
    }
  }

  private tick(): void {
    if (this.failure !== undefined || this.stopped) return;
    const now = Date.now();
    for (const [key, state] of this.partitions) {
      if (state.buffer.count > 0 && state.repairUntil === undefined && now - state.since >= this.rules.seconds * 1000) {
        this.flush(key, state);
      }
    }
    if (this.pendingCommits.size > 0 && this.queued === 0 && !this.committing) {
      this.committing = true;
      this.queue = this.queue.then(() => this.retryCommits()).finally(() => (this.committing = false));
    }
    if (now - this.watermarksAt >= 2000) void this.refreshWatermarks();
    this.report(false);
  }

  /**
   * Asks Kafka for the high watermarks of the assigned partitions (batches carry them too, but
   * none arrive while a partition is idle). One request at a time; a broker away only delays it.
   */
  private async refreshWatermarks(): Promise<void> {
    if (this.watermarksBusy || !this.adminConnected || this.figures.size === 0) return;
    this.watermarksBusy = true;
    this.watermarksAt = Date.now();
    try {
      for (const topic of new Set([...this.figures.values()].map((f) => f.topic))) {
        for (const p of await this.admin.fetchTopicOffsets(topic)) {
          const figures = this.figures.get(tpKey(topic, p.partition));
          if (figures && /^\d+$/.test(p.high)) figures.highWatermark = BigInt(p.high);
        }
      }
    } catch {
      // The broker is away: the consumer reports that; the watermarks are asked again later.
    } finally {
      this.watermarksBusy = false;
      this.watermarksAt = Date.now();
    }
  }

  /** The status now: counts, what the lander waits for, and each assigned partition's position and lag. */
  snapshot(): LandStatus {
    const now = Date.now();
    let buffered = 0;
    for (const s of this.partitions.values()) buffered += s.buffer.count;
    this.status.buffered = buffered;
    this.status.kafka = now - this.kafkaNote.at < 10_000 ? this.kafkaNote.text : '';
    const text = (v: bigint | undefined) => (v === undefined ? null : String(v));
    const time = (ms: number) => (ms > 0 ? new Date(ms).toISOString() : null);
    this.status.partitions = [...this.figures.values()]
      .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition))
      .map((f) => {
        const lag = f.highWatermark !== undefined && f.landedUpTo !== undefined ? f.highWatermark - f.landedUpTo : undefined;
        return {
          topic: f.topic,
          partition: f.partition,
          committed: text(f.committed),
          landedUpTo: text(f.landedUpTo),
          highWatermark: text(f.highWatermark),
          lag: lag === undefined ? null : Number(lag < 0n ? 0n : lag),
          files: f.files,
          rows: f.rows,
          deadLetters: f.deadLetters,
          lastFileAt: time(f.lastFileAt),
        };
      });
    this.status.lastFileAt = time(this.lastFileAt);
    return { ...this.status, deadLetterCodes: { ...this.status.deadLetterCodes }, partitions: this.status.partitions.map((p) => ({ ...p })) };
  }

  private report(force: boolean): void {
    if (!this.onStatus) return;
    const now = Date.now();
    if (!force && now - this.lastStatusAt < 1000) return;
    this.lastStatusAt = now;
    this.onStatus(this.snapshot());
  }
}

/** Starts a lander; stop it with `stop()`. */
export async function startLander(options: LandOptions): Promise<Lander> {
  const lander = new Lander(options);
  await lander.start();
  return lander;
}

/** Buffered messages of one partition, packed into growing typed arrays as they arrive. */
class UnitBuilder {
  count = 0;
  private used = 0;
  private values = new Uint8Array(1 << 16);
  private ends = new Int32Array(256);
  private nulls = new Uint8Array(256);
  private offsets = new BigInt64Array(256);
  private timestamps = new Float64Array(256);
  private readonly keys: (string | null)[] = [];

  add(m: KafkaMessage, offset: bigint): void {
    const i = this.count;
    if (i === this.ends.length) this.growRows();
    const v = m.value;
    if (v) {
      if (this.used + v.length > this.values.length) {
        const bigger = new Uint8Array(Math.max(this.values.length * 2, this.used + v.length));
        bigger.set(this.values.subarray(0, this.used));
        this.values = bigger;
      }
      this.values.set(v, this.used);
      this.used += v.length;
    } else this.nulls[i] = 1;
    this.ends[i] = this.used;
    this.offsets[i] = offset;
    this.timestamps[i] = Number(m.timestamp);
    this.keys.push(m.key ? m.key.toString('utf8') : null);
    this.count = i + 1;
  }

  private growRows(): void {
    const n = this.ends.length * 2;
    const grow = <T extends Int32Array | Uint8Array | BigInt64Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      (b as Uint8Array).set(a as Uint8Array);
      return b;
    };
    this.ends = grow(this.ends, (k) => new Int32Array(k));
    this.nulls = grow(this.nulls, (k) => new Uint8Array(k));
    this.offsets = grow(this.offsets, (k) => new BigInt64Array(k));
    this.timestamps = grow(this.timestamps, (k) => new Float64Array(k));
  }

  /** The unit, in exact-length arrays of their own (transferred to a worker). */
  build(topic: string, partition: number, source: string, format: MessageFormat): RawUnit {
    const n = this.count;
    return {
      topic,
      partition,
      first: this.offsets[0]!,
      last: this.offsets[n - 1]!,
      source,
      format,
      values: this.values.slice(0, this.used),
      ends: this.ends.slice(0, n),
      nulls: this.nulls.slice(0, n),
      offsets: this.offsets.slice(0, n),
      timestamps: this.timestamps.slice(0, n),
      keys: this.keys,
    };
  }
}

/**
 * A test hook for the crash tests: `KOHORT_LAND_KILL_AT=mid-unit:N` kills the process (SIGKILL,
 * as kill -9 would) after the N-th file that is not the last of its unit is published;
 * `before-commit:N` after the N-th unit is fully published, before its offsets are committed.
 */
const fault = /^(mid-unit|before-commit):(\d+)$/.exec(process.env['KOHORT_LAND_KILL_AT'] ?? '');
let faultCount = 0;
function faultPoint(where: string, applies: boolean): void {
  if (!fault || fault[1] !== where || !applies) return;
  if (++faultCount === Number(fault[2])) process.kill(process.pid, 'SIGKILL');
}
