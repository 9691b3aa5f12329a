import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { deliverRunChanges } from '../engine/activation/index.js';
import { writeRunHistory } from '../engine/history/index.js';
import { NotebookSession } from '../engine/session.js';
import { startServer, type RunningServer } from '../workbench/server/index.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { A, B, C } from './support/hand-events.js';
import { writeHandEvents } from './support/hand-lake.js';
import { useScratch } from './support/scratch.js';

const scratch = useScratch('kohort-activation-serve');
let workspace: string;
let lake: string;
let server: RunningServer;

const notebook = `--- kohort
source events = lake "events" key user_id time event_time
metric purchases = count() where event_type = "purchase"
metric views = count() where event_type = "view"
metric revenue = sum(price) where event_type = "purchase"
segment buyers = purchases > 0
segment viewers = views > 0
segment big = revenue >= 100
`;

const runs = [
  { id: '2026-11-20T03-00-00-000Z-000001', asOf: '2019-10-02' },
  { id: '2026-11-21T03-00-00-000Z-000002', asOf: '2019-10-03' },
];

beforeAll(async () => {
  workspace = join(scratch.root, 'workspace');
  lake = join(scratch.root, 'lake');
  mkdirSync(workspace);
  mkdirSync(lake);
  await writeHandEvents(scratch.db, join(lake, 'events'));
  const file = join(workspace, 'shop.kohort');
  writeFileSync(file, notebook);
  // Two real runs of the notebook's history: as of the end of Oct 2, then of Oct 3.
  for (const run of runs) {
    const session = await NotebookSession.open({ file, lake, asOf: run.asOf, threads: 1 });
    try {
      await writeRunHistory(session, ['buyers', 'viewers', 'big'], { notebook: 'shop', runId: run.id, asOf: run.asOf });
    } finally {
      session.close();
    }
  }
  server = await startServer({ workspace, lake, port: 0, poolSize: 1, threads: 1, uiDir: join(scratch.root, 'no-ui'), log: () => {} });
});

afterAll(async () => {
  await server?.close();
});

async function get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(server.url + path);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function post(path: string, body: unknown): Promise<Response> {
  return fetch(server.url + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

describe('membership API over the run history', () => {
  test('the segments one customer is in, now and at the end of a day', async () => {
    const now = await get(`/api/segments/of-customer?path=shop.kohort&key=${C}`);
    expect(now.status).toBe(200);
    expect(now.body).toMatchObject({ notebook: 'shop', key: C, date: null });
    expect((now.body['segments'] as { segment: string; since: string }[]).map((s) => [s.segment, s.since.slice(0, 10)])).toEqual([
      ['buyers', '2019-10-03'],
      ['viewers', '2019-10-03'],
    ]);
    const a = await get(`/api/segments/of-customer?path=shop.kohort&key=${A}`);
    expect((a.body['segments'] as { segment: string }[]).map((s) => s.segment)).toEqual(['big', 'buyers', 'viewers']);
    const before = await get(`/api/segments/of-customer?path=shop.kohort&key=${C}&date=2019-10-02`);
    expect(before.body).toMatchObject({ date: '2019-10-02', segments: [] });
    const aBefore = await get(`/api/segments/of-customer?path=shop.kohort&key=${A}&date=2019-10-02`);
    expect((aBefore.body['segments'] as { segment: string }[]).map((s) => s.segment)).toEqual(['big', 'buyers', 'viewers']);
    // A key that is in no segment, and one no BIGINT can hold.
    expect((await get('/api/segments/of-customer?path=shop.kohort&key=8')).body['segments']).toEqual([]);
    expect((await get('/api/segments/of-customer?path=shop.kohort&key=99999999999999999999999')).body['segments']).toEqual([]);
    expect((await get('/api/segments/of-customer?path=shop.kohort&key=1&date=yesterday')).status).toBe(400);
    expect((await get('/api/segments/of-customer?path=nope.kohort&key=1')).status).toBe(404);
  });

  test('members page by page in key order, with exact ids', async () => {
    const first = await get('/api/segments/members?path=shop.kohort&segment=viewers&limit=2');
    expect(first.body).toMatchObject({ segment: 'viewers', keyColumn: 'user_id', size: 3, next: C });
    expect((first.body['members'] as { key: string }[]).map((m) => m.key)).toEqual([B, C]);
    const second = await get(`/api/segments/members?path=shop.kohort&segment=viewers&limit=2&after=${C}`);
    expect((second.body['members'] as { key: string }[]).map((m) => m.key)).toEqual([A]);
    expect(second.body['next']).toBeNull();
    const missing = await get('/api/segments/members?path=shop.kohort&segment=nobody');
    expect(missing.status).toBe(404);
    expect(missing.body['error']).toContain('no run history yet');
    expect((await get('/api/segments/members?path=shop.kohort&segment=viewers&limit=0')).status).toBe(400);
  });

  test('size per run', async () => {
    const { status, body } = await get('/api/segments/size-history?path=shop.kohort&segment=buyers');
    expect(status).toBe(200);
    expect((body['runs'] as { runId: string; members: number; joined: number; left: number }[]).map((r) => [r.runId, r.members, r.joined, r.left])).toEqual([
      [runs[0]!.id, 1, 1, 0],
      [runs[1]!.id, 2, 1, 0],
    ]);
  });

  test('a new run is seen by the next lookup', async () => {
    const file = join(workspace, 'shop.kohort');
    const session = await NotebookSession.open({ file, lake, asOf: '2019-10-05', threads: 1 });
    try {
      await writeRunHistory(session, ['buyers'], { notebook: 'shop', runId: '2026-11-22T03-00-00-000Z-000003', asOf: '2019-10-05' });
    } finally {
      session.close();
    }
    // The index checks for new runs at most once a second, without holding a lookup back.
    await new Promise((r) => setTimeout(r, 1100));
    await get(`/api/segments/of-customer?path=shop.kohort&key=${A}`);
    await new Promise((r) => setTimeout(r, 300));
    const page = await get('/api/segments/size-history?path=shop.kohort&segment=buyers');
    expect((page.body['runs'] as unknown[]).length).toBe(3);
    const now = await get(`/api/segments/members?path=shop.kohort&segment=buyers`);
    expect((now.body['members'] as { key: string; since: string }[]).map((m) => m.since.slice(0, 10))).toEqual(['2019-10-03', '2019-10-02']);
  });
});

describe('segment preview and export in the workbench', () => {
  test('size, share of all customers and overlap with another segment, of unsaved text', async () => {
    const text = notebook.replace('segment buyers = purchases > 0', 'segment buyers = purchases > 1');
    const res = await post('/api/segment-preview', { path: 'shop.kohort', text, cell: 'buyers', overlapWith: 'viewers' });
    expect(res.status).toBe(200);
    const preview = (await res.json()) as Record<string, unknown>;
    expect(preview).toMatchObject({ segment: 'buyers', source: 'events', size: 1, total: 3, overlap: { segment: 'viewers', otherSize: 3, both: 1, shareOfSegment: 1 } });
    expect(preview['share']).toBeCloseTo(1 / 3);
    const plain = (await (await post('/api/segment-preview', { path: 'shop.kohort', text: notebook, cell: 'buyers' })).json()) as Record<string, unknown>;
    expect(plain).toMatchObject({ size: 2, total: 3, overlap: null });
    const notSegment = await post('/api/segment-preview', { path: 'shop.kohort', text: notebook, cell: 'revenue' });
    expect(notSegment.status).toBe(400);
    const broken = await post('/api/segment-preview', { path: 'shop.kohort', text: notebook.replace('purchases > 0', 'purchses > 0'), cell: 'buyers' });
    expect(broken.status).toBe(422);
    expect(((await broken.json()) as { place: string }).place).toBe('shop.kohort:6:18');
  });

  test('a CSV download with its metadata in headers, exact ids', async () => {
    const res = await post('/api/export', { path: 'shop.kohort', text: notebook, cell: 'viewers', format: 'csv' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="viewers.csv"');
    expect(res.headers.get('x-kohort-members')).toBe('3');
    const meta = JSON.parse(decodeURIComponent(res.headers.get('x-kohort-export')!)) as Record<string, unknown>;
    expect(meta).toMatchObject({ segment: 'viewers', notebook: 'shop', format: 'csv', members: 3 });
    expect(meta['definitionHash']).toBe(res.headers.get('x-kohort-definition-hash'));
    const lines = (await res.text()).trim().split('\n');
    expect(lines[0]).toBe('user_id,views');
    expect(lines.slice(1).map((l) => l.split(',')[0]).sort()).toEqual([A, B, C].sort());
  });

  test('the delivery log of a notebook', async () => {
    const received: string[] = [];
    const hook = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received.push(String(req.headers['x-kohort-delivery']));
        res.writeHead(received.length === 1 ? 503 : 200).end();
      });
    });
    await new Promise<void>((done) => hook.listen(0, '127.0.0.1', done));
    try {
      const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/`;
      await deliverRunChanges(
        { workspace, lake, notebook: 'shop', destinations: [{ name: 'crm', spec: { kind: 'webhook', url, segments: ['buyers'], batch: 500, retries: 2 } }], retry: { baseDelayMs: 10 } },
        { id: runs[1]!.id, asOf: runs[1]!.asOf },
      );
    } finally {
      hook.closeAllConnections();
      await new Promise<void>((done) => hook.close(() => done()));
    }
    const { status, body } = await get('/api/deliveries?path=shop.kohort');
    expect(status).toBe(200);
    const deliveries = body['deliveries'] as { run: string; destination: string; status: string; batches: number; delivered: number; attempts: number; joined: number }[];
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ run: runs[1]!.id, destination: 'crm', status: 'delivered', batches: 1, delivered: 1, attempts: 2, joined: 1 });
  });
});
