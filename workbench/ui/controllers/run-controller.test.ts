import { describe, expect, it } from 'vitest';
import { ApiError, type ApiClient, type RunResult } from '../api/client.js';
import type { ResultSet } from '../results/result-set.js';
import { RunController, type RunJob } from './run-controller.js';

/** A server whose runs finish when the test says so, and notice when they are aborted. */
function fakeServer() {
  const calls: { cell: string; signal: AbortSignal; finish(rows?: number): void; fail(e: Error): void }[] = [];
  const api = {
    run(request: { cell: string }, signal?: AbortSignal): Promise<RunResult> {
      return new Promise((resolve, reject) => {
        signal?.addEventListener('abort', () => reject(signal.reason));
        calls.push({
          cell: request.cell,
          signal: signal!,
          finish: (rows = 1) => resolve({ ipc: new Uint8Array([rows]), rows, truncated: false, cached: false, millis: 1, bytes: 1 }),
          fail: (e) => reject(e),
        });
      });
    },
  } as unknown as ApiClient;
  return { api, calls };
}

const host = { updates: 0, addController() {}, removeController() {}, requestUpdate() { this.updates++; }, updateComplete: Promise.resolve(true) };
const job = (name: string, cellId = 'c1'): RunJob => ({ name, cellId, text: 't', inputs: `i-${name}` });
const tick = () => new Promise((r) => setTimeout(r, 0));

function controller() {
  const server = fakeServer();
  const disposed: number[] = [];
  const runs = new RunController(host, {
    api: () => server.api,
    path: () => 'n.kohort',
    makeResult: async (ipc) => ({ id: `r${ipc[0]}`, rowCount: ipc[0]!, dispose: () => disposed.push(ipc[0]!) }) as unknown as ResultSet,
  });
  return { runs, server, disposed };
}

describe('RunController', () => {
  it('runs one definition at a time, in the order given', async () => {
    const { runs, server } = controller();
    runs.enqueue([job('vip'), job('top')]);
    await tick();
    expect(server.calls.map((c) => c.cell)).toEqual(['vip']);
    expect(runs.states.get('top')?.status).toBe('queued');
    server.calls[0]!.finish(3);
    await tick();
    await tick();
    expect(runs.states.get('vip')).toMatchObject({ status: 'done', rows: 3, inputs: 'i-vip' });
    expect(server.calls.map((c) => c.cell)).toEqual(['vip', 'top']);
    server.calls[1]!.finish();
    await tick();
    await tick();
    expect(runs.busy()).toBe(false);
  });

  it('cancels a cell: aborts its running request and drops its queued ones', async () => {
    const { runs, server } = controller();
    runs.enqueue([job('a', 'c1'), job('b', 'c1'), job('c', 'c2')]);
    await tick();
    runs.cancel('c1');
    await tick();
    await tick();
    expect(server.calls[0]!.signal.aborted).toBe(true);
    expect(runs.states.get('a')).toMatchObject({ status: 'cancelled', error: 'cancelled' });
    expect(runs.states.get('b')?.status).toBe('cancelled');
    expect(server.calls.map((c) => c.cell)).toEqual(['a', 'c']);
    expect(runs.busy('c1')).toBe(false);
    expect(runs.busy('c2')).toBe(true);
  });

  it('keeps the previous result when a re-run is cancelled, and replaces it when one finishes', async () => {
    const { runs, server, disposed } = controller();
    runs.enqueue([job('a')]);
    await tick();
    server.calls[0]!.finish(1);
    await tick();
    await tick();
    runs.enqueue([job('a')]);
    await tick();
    runs.cancel('c1');
    await tick();
    await tick();
    expect(runs.states.get('a')).toMatchObject({ status: 'done', rows: 1 });
    runs.enqueue([job('a')]);
    await tick();
    server.calls[2]!.finish(2);
    await tick();
    await tick();
    expect(runs.states.get('a')).toMatchObject({ status: 'done', rows: 2 });
    expect(disposed).toEqual([1]);
  });

  it('a new run of the same definition supersedes the running one', async () => {
    const { runs, server } = controller();
    runs.enqueue([job('a')]);
    await tick();
    runs.enqueue([job('a')]);
    await tick();
    await tick();
    expect(server.calls[0]!.signal.aborted).toBe(true);
    expect(server.calls).toHaveLength(2);
    server.calls[1]!.finish(5);
    await tick();
    await tick();
    expect(runs.states.get('a')).toMatchObject({ status: 'done', rows: 5 });
  });

  it('reports the server’s error with its place', async () => {
    const { runs, server } = controller();
    runs.enqueue([job('a')]);
    await tick();
    server.calls[0]!.fail(new ApiError(422, 'Binder Error: no column x', 'n.kohort:12:3'));
    await tick();
    await tick();
    expect(runs.states.get('a')).toMatchObject({ status: 'error', error: 'Binder Error: no column x', place: 'n.kohort:12:3' });
  });
});
