import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { stageUnit, type RawUnit, type StagedUnit, type StagingPlan } from './unit.js';
import type { WorkerAnswer, WorkerRequest } from './unit-worker.js';
import { ParquetWriter } from './writer.js';

/** Turns units into staged Parquet files, in order: on a worker thread when possible. */
export interface Stager {
  /** `worker` or `inline`, for status and benchmarks. */
  readonly kind: 'worker' | 'inline';
  stage(unit: RawUnit, plan: StagingPlan): Promise<StagedUnit>;
  close(): Promise<void>;
}

/**
 * A worker thread when the compiled worker module sits beside this one (the built package);
 * inline when running from TypeScript sources (e.g. under vitest), where there is no `.js` to
 * start a worker from. Same code either way: `stageUnit`.
 */
export async function openStager(prefer: 'worker' | 'inline' = 'worker', workers = defaultWorkers()): Promise<Stager> {
  const url = new URL('./unit-worker.js', import.meta.url);
  if (prefer === 'worker' && url.protocol === 'file:' && existsSync(fileURLToPath(url))) {
    return workers === 1 ? new WorkerStager(url) : new PoolStager(Array.from({ length: workers }, () => new WorkerStager(url)));
  }
  return new InlineStager(await ParquetWriter.open());
}

/** One worker per core: the main thread (Kafka decoding) is light next to parsing and writing. */
function defaultWorkers(): number {
  const env = Number(process.env['KOHORT_LAND_WORKERS']);
  return Number.isInteger(env) && env > 0 ? env : Math.max(1, Math.min(4, availableParallelism()));
}

/** Several workers: each unit goes to the one with the least work queued. */
class PoolStager implements Stager {
  readonly kind = 'worker';
  private readonly load: number[];
  constructor(private readonly workers: WorkerStager[]) {
    this.load = workers.map(() => 0);
  }
  async stage(unit: RawUnit, plan: StagingPlan): Promise<StagedUnit> {
    let best = 0;
    for (let i = 1; i < this.workers.length; i++) if (this.load[i]! < this.load[best]!) best = i;
    const weight = unit.values.byteLength + 1;
    this.load[best]! += weight;
    try {
      return await this.workers[best]!.stage(unit, plan);
    } finally {
      this.load[best]! -= weight;
    }
  }
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}

class InlineStager implements Stager {
  readonly kind = 'inline';
  private chain: Promise<unknown> = Promise.resolve();
  constructor(private readonly writer: ParquetWriter) {}
  stage(unit: RawUnit, plan: StagingPlan): Promise<StagedUnit> {
    const result = this.chain.then(() => stageUnit(unit, this.writer, plan));
    this.chain = result.catch(() => undefined);
    return result;
  }
  async close(): Promise<void> {
    await this.chain;
    await this.writer.close();
  }
}

class WorkerStager implements Stager {
  readonly kind = 'worker';
  private readonly worker: Worker;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (r: StagedUnit | undefined) => void; reject: (e: Error) => void }>();
  private dead: Error | undefined;

  constructor(url: URL) {
    this.worker = new Worker(url);
    this.worker.on('message', (a: WorkerAnswer) => {
      const p = this.pending.get(a.id);
      if (!p) return;
      this.pending.delete(a.id);
      if (a.ok) p.resolve(a.result);
      else p.reject(new Error(`landing worker: ${a.error}`));
    });
    const die = (e: Error) => {
      this.dead ??= e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.worker.on('error', (e) => die(e));
    this.worker.on('exit', (code) => die(new Error(`the landing worker exited (code ${code})`)));
  }

  private send(request: Omit<WorkerRequest, 'id'>, transfer: ArrayBuffer[] = []): Promise<StagedUnit | undefined> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id } as WorkerRequest, transfer);
    });
  }

  async stage(unit: RawUnit, plan: StagingPlan): Promise<StagedUnit> {
    const transfer = [unit.values.buffer, unit.ends.buffer, unit.nulls.buffer, unit.offsets.buffer, unit.timestamps.buffer] as ArrayBuffer[];
    return (await this.send({ unit, plan }, [...new Set(transfer)]))!;
  }

  async close(): Promise<void> {
    if (!this.dead) await this.send({ close: true }).catch(() => undefined);
    await this.worker.terminate();
  }
}
