import { parentPort } from 'node:worker_threads';
import { stageUnit, type RawUnit, type StagingPlan } from './unit.js';
import { ParquetWriter } from './writer.js';

/**
 * The lander's worker thread: parses, checks and writes units (`stageUnit`) with its own DuckDB,
 * one at a time in arrival order, while the main thread keeps consuming Kafka.
 */
export type WorkerRequest = { id: number; unit: RawUnit; plan: StagingPlan } | { id: number; close: true };
export type WorkerAnswer = { id: number; ok: true; result?: Awaited<ReturnType<typeof stageUnit>> } | { id: number; ok: false; error: string };

const port = parentPort;
if (port) {
  const writer = ParquetWriter.open();
  let chain: Promise<void> = Promise.resolve();
  port.on('message', (request: WorkerRequest) => {
    chain = chain.then(async () => {
      try {
        if ('close' in request) {
          await (await writer).close();
          port.postMessage({ id: request.id, ok: true } satisfies WorkerAnswer);
          port.close();
          return;
        }
        const result = await stageUnit(request.unit, await writer, request.plan);
        port.postMessage({ id: request.id, ok: true, result } satisfies WorkerAnswer);
      } catch (e) {
        port.postMessage({ id: request.id, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies WorkerAnswer);
      }
    });
  });
}
