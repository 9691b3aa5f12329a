import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunRecord } from '../engine/runs/records.js';
import { startServer, type RunningServer } from '../workbench/server/index.js';
import { writeHandEvents } from './support/hand-events.js';
import { handNotebook } from './support/hand-notebook.js';
import { useScratch } from './support/scratch.js';
import { waitFor } from './services/helpers.js';

/**
 * `kohort serve` runs schedules, in real time: an `every 1 second` schedule really runs, a saved
 * notebook's new schedule is picked up, "run now" runs, and the API lists schedules, runs and a
 * run's record (workspace-relative places). Expected rows come from the hand-made events.
 */
const scratch = useScratch('kohort-serve-runs');
let server: RunningServer;
let workspace: string;

const notebook = `${handNotebook}schedule often = every 1 second refresh by_type retries 0
`;

const lines = (...l: string[]) => `${l.join('\n')}\n`;

beforeAll(async () => {
  workspace = join(scratch.root, 'workspace');
  const lake = join(scratch.root, 'lake');
  mkdirSync(join(workspace, 'shop'), { recursive: true });
  mkdirSync(lake);
  await writeHandEvents(scratch.db, lake);
  writeFileSync(join(workspace, 'shop', 'live.kohort'), notebook);
  // A second dataset, watched by a data trigger (the others' data stays as it is).
  cpSync(join(lake, 'events'), join(lake, 'orders'), { recursive: true });
  writeFileSync(
    join(workspace, 'fresh.kohort'),
    lines('--- kohort', 'source orders = lake "orders" key user_id time event_time', 'query n = from orders select n = count()', 'schedule fresh = on new data in orders retries 0'),
  );
  writeFileSync(join(workspace, 'plain.kohort'), lines('--- kohort', 'source events = lake "events" key user_id time event_time', 'query n = from events select n = count()'));
  server = await startServer({ workspace, lake, port: 0, poolSize: 1, threads: 1, uiDir: join(scratch.root, 'no-ui'), log: () => undefined, pipelines: false });
});

afterAll(async () => {
  await server?.close();
});

async function get<T>(path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(server.url + path);
  return { status: res.status, body: (await res.json()) as T };
}

async function post<T>(path: string, body: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(server.url + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as T };
}

type Runs = { runs: (Pick<RunRecord, 'id' | 'schedule' | 'trigger' | 'status' | 'startedAt' | 'scheduledFor'> & { cells: number })[] };
type Schedules = { schedules: { path: string; name: string; place: string; description?: string; nextRun: string | null; problem?: string }[] };

describe('schedules under kohort serve', () => {
  test('an `every 1 second` schedule runs every second, for real', async () => {
    const runs = await waitFor(
      'three scheduled runs',
      async () => {
        const { body } = await get<Runs>('/api/runs?path=shop/live.kohort');
        const done = body.runs.filter((r) => r.trigger === 'schedule' && r.status === 'succeeded');
        return done.length >= 3 ? done : undefined;
      },
      30_000,
    );
    // Slots are whole seconds, one second apart, each run after its slot.
    const slots = runs.map((r) => Date.parse(r.scheduledFor!)).sort();
    for (const s of slots) expect(s % 1000).toBe(0);
    expect(new Set(slots).size).toBe(slots.length);
    for (const r of runs) expect(Date.parse(r.startedAt)).toBeGreaterThanOrEqual(Date.parse(r.scheduledFor!));
    const { body: record } = await get<RunRecord>(`/api/runs/record?path=shop/live.kohort&id=${runs[0]!.id}`);
    expect(record).toMatchObject({ file: 'shop/live.kohort', schedule: 'often', status: 'succeeded', asOf: '2019-10-03T12:30:00' });
    expect(record.cells.map((c) => [c.name, c.rows])).toEqual([['by_type', 3]]);
  });

  test('the schedules list says when each runs next', async () => {
    const { status, body } = await get<Schedules>('/api/schedules');
    expect(status).toBe(200);
    expect(body.schedules.map((s) => `${s.path}#${s.name}`).sort()).toEqual(['fresh.kohort#fresh', 'shop/live.kohort#often']);
    expect(body.schedules.filter((s) => s.path === 'shop/live.kohort')).toEqual([
      { path: 'shop/live.kohort', name: 'often', place: 'shop/live.kohort:6:1', spec: expect.any(Object), description: 'every 1 second', nextRun: expect.any(String), inFlight: expect.any(Number) },
    ]);
    const next = Date.parse(body.schedules.find((s) => s.name === 'often')!.nextRun!);
    expect(next - Date.now()).toBeLessThanOrEqual(1000);
    expect((await get<Schedules>('/api/schedules?path=plain.kohort')).body.schedules).toEqual([]);
  });

  test('a saved notebook gains a schedule; run now runs it, and the run appears with its per-cell log', async () => {
    writeFileSync(
      join(workspace, 'plain.kohort'),
      lines('--- kohort', 'source events = lake "events" key user_id time event_time', 'query n = from events select n = count()', 'schedule later = cron "0 3 * * *" timezone "Europe/Berlin"'),
    );
    const later = await waitFor('the new schedule', async () => (await get<Schedules>('/api/schedules?path=plain.kohort')).body.schedules[0], 10_000);
    // 03:00 in Berlin, tomorrow or today: 02:00Z in winter, 01:00Z in summer.
    expect(later).toMatchObject({ name: 'later', description: 'cron "0 3 * * *" (Europe/Berlin)', nextRun: expect.stringMatching(/T0[12]:00:00.000Z$/) });
    expect(later.problem).toBeUndefined();

    const queued = await post<{ queued: boolean }>('/api/runs', { path: 'plain.kohort', schedule: 'later' });
    expect(queued).toEqual({ status: 202, body: { queued: true, path: 'plain.kohort', schedule: 'later' } });
    const run = await waitFor('the run', async () => (await get<Runs>('/api/runs?path=plain.kohort')).body.runs.find((r) => r.status !== 'running'), 20_000);
    expect(run).toMatchObject({ trigger: 'manual', schedule: 'later', status: 'succeeded', cells: 1 });
    const { body: record } = await get<RunRecord>(`/api/runs/record?path=plain.kohort&id=${run.id}`);
    expect(record.cells).toEqual([{ name: 'n', kind: 'query', status: 'succeeded', rows: 1, seconds: expect.any(Number) }]);
  });

  test('a schedule cell with a mistake says which, where', async () => {
    writeFileSync(join(workspace, 'broken.kohort'), lines('--- kohort', 'schedule later = cron "0 3 * * *" timezone "Mars/Base"'));
    const broken = await waitFor('the broken schedule', async () => (await get<Schedules>('/api/schedules?path=broken.kohort')).body.schedules[0], 10_000);
    expect(broken).toMatchObject({ name: 'later', nextRun: null, problem: 'broken.kohort:2:35: unknown time zone "Mars/Base"; use an IANA name such as "Europe/Berlin" or "UTC"' });
  });

  test('new files in a watched dataset start a run once they settle', async () => {
    const none = await get<Runs>('/api/runs?path=fresh.kohort');
    expect(none.body.runs).toEqual([]);
    const landed = Date.now();
    await scratch.db.run(
      `COPY (SELECT 7::BIGINT AS user_id, TIMESTAMP '2019-10-04 09:00:00' AS event_time, 'view' AS event_type, DATE '2019-10-04' AS date)
       TO '${join(scratch.root, 'lake', 'orders')}' (FORMAT parquet, PARTITION_BY (date), FILENAME_PATTERN 'new-{uuid}', APPEND)`,
    );
    const run = await waitFor('the data run', async () => (await get<Runs>('/api/runs?path=fresh.kohort')).body.runs.find((r) => r.status === 'succeeded'), 30_000);
    expect(run).toMatchObject({ trigger: 'data', schedule: 'fresh' });
    // Polled every 2 s, settled for 3 s: not before the debounce.
    expect(Date.parse(run.startedAt) - landed).toBeGreaterThanOrEqual(3000);
    const { body: record } = await get<RunRecord>(`/api/runs/record?path=fresh.kohort&id=${run.id}`);
    expect(record).toMatchObject({ asOf: '2019-10-04T09:00:00', cells: [{ name: 'n', rows: 1 }] });
    expect(record.dataVersion?.sources[0]?.partitions.map((p) => p.name)).toEqual(['date=2019-10-01', 'date=2019-10-02', 'date=2019-10-03', 'date=2019-10-04']);
    const schedules = (await get<Schedules>('/api/schedules?path=fresh.kohort')).body.schedules;
    expect(schedules).toMatchObject([{ name: 'fresh', description: 'on new data in orders', nextRun: null }]);
  });

  test('bad requests are named', async () => {
    expect(await post('/api/runs', { path: 'shop/live.kohort', schedule: 'oftn' })).toEqual({
      status: 422,
      body: { error: 'no schedule `oftn` in this notebook — did you mean `often`?', place: join(workspace, 'shop', 'live.kohort') },
    });
    expect((await get('/api/runs?path=../outside.kohort')).status).toBe(403);
    expect((await get('/api/runs?path=missing.kohort')).status).toBe(404);
    expect((await get('/api/runs/record?path=plain.kohort&id=2026-01-01T00-00-00-000Z-000000')).status).toBe(404);
    expect((await get('/api/runs?path=plain.kohort&limit=0')).status).toBe(400);
  });
});
