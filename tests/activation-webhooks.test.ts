import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { membershipFile } from '../dsl/history-paths.js';
import {
  deliverRunChanges,
  deliveryId,
  readDeliveryEvents,
  resumeDeliveries,
  summarizeDeliveries,
  verifySignature,
  type DeliveryBody,
  type DeliveryContext,
} from '../engine/activation/index.js';
import { writeRunHistory } from '../engine/history/index.js';
import { NotebookSession } from '../engine/session.js';
import { A, B, C } from './support/hand-events.js';
import { writeHandEvents } from './support/hand-lake.js';
import { useScratch } from './support/scratch.js';

const scratch = useScratch('kohort-webhooks');
const secret = 'test-secret-for-hmac';
const D = '9223372036854775807';
const base = 4611686018427387904n; // 2^62: far past 2^53, clear of the hand ids
const run1 = { id: '2026-11-20T03-00-00-000Z-aaaaaa', asOf: '2019-10-01T00:00:00.000Z' };
const run2 = { id: '2026-11-21T03-00-00-000Z-bbbbbb', asOf: '2019-10-02T00:00:00.000Z' };
let lake: string;

/** Who is in `vip` after each run, computed here from the same rules as the stays below. */
const ids = (from: bigint, n: number) => Array.from({ length: n }, (_, i) => String(from + BigInt(i)));
const members1 = [A, B, C, ...ids(base, 1200)];
const leavers2 = [A, ...ids(base, 300)];
const joiners2 = [D, ...ids(base + 2000n, 250)];
const byKey = (a: string, b: string) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0);

beforeAll(async () => {
  lake = join(scratch.root, 'lake');
  const file = membershipFile(lake, 'shop', 'vip');
  mkdirSync(join(file, '..'), { recursive: true });
  const list = (xs: string[]) => xs.map((x) => `(${x}::BIGINT)`).join(', ');
  // The stays of two runs in the layout of dsl/history-paths.ts: everyone joined in run 1;
  // in run 2 the leavers left and the joiners joined.
  await scratch.db.run(`COPY (
    WITH s1 AS (SELECT * FROM (VALUES ${list(members1.slice(0, 3))}) t(user_id) UNION ALL SELECT ${base} + i FROM range(1200) r(i)),
         gone AS (SELECT * FROM (VALUES (${A}::BIGINT)) t(user_id) UNION ALL SELECT ${base} + i FROM range(300) r(i))
    SELECT user_id, TIMESTAMP '2019-10-01' AS entered_at,
           CASE WHEN user_id IN (SELECT user_id FROM gone) THEN TIMESTAMP '2019-10-02' END AS left_at,
           '${run1.id}' AS entered_run,
           CASE WHEN user_id IN (SELECT user_id FROM gone) THEN '${run2.id}' END AS left_run
    FROM s1
    UNION ALL
    SELECT user_id, TIMESTAMP '2019-10-02', NULL, '${run2.id}', NULL
    FROM (SELECT * FROM (VALUES (${D}::BIGINT)) t(user_id) UNION ALL SELECT ${base + 2000n} + i FROM range(250) r(i))
    ORDER BY 1) TO '${file}' (FORMAT parquet)`);
});

interface Received {
  id: string;
  raw: Buffer;
  signature: string | undefined;
  body: DeliveryBody;
}

/** A real HTTP receiver that keeps what it took (by delivery id, once) and what it saw. */
class Receiver {
  readonly seen: Received[] = [];
  readonly taken = new Map<string, Received>();
  private server: Server | undefined;
  port = 0;
  constructor(private readonly behave: (n: number, req: IncomingMessage, res: ServerResponse) => 'take' | 'handled' = () => 'take') {}

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const r: Received = {
          id: String(req.headers['x-kohort-delivery']),
          raw,
          signature: req.headers['x-kohort-signature'] as string | undefined,
          body: JSON.parse(raw.toString('utf8')) as DeliveryBody,
        };
        this.seen.push(r);
        if (this.behave(this.seen.length, req, res) === 'handled') return;
        // Idempotent: a delivery id already taken is answered 200 and not applied again.
        if (!this.taken.has(r.id)) this.taken.set(r.id, r);
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((done) => this.server!.listen(port, '127.0.0.1', done));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((done) => this.server!.close(() => done()));
    this.server = undefined;
  }

  members(run: string, change: 'joined' | 'left'): string[] {
    return [...this.taken.values()].filter((r) => r.body.run === run && r.body.change === change).flatMap((r) => r.body.members);
  }
}

const receivers: Receiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.stop();
});

async function receiver(behave?: ConstructorParameters<typeof Receiver>[0], port?: number): Promise<Receiver> {
  const r = await new Receiver(behave).start(port);
  receivers.push(r);
  return r;
}

let workspaces = 0;
function context(url: string, overrides: Partial<DeliveryContext> & { retries?: number } = {}): DeliveryContext {
  const workspace = join(scratch.root, `workspace-${workspaces++}`);
  mkdirSync(workspace, { recursive: true });
  return {
    workspace,
    lake,
    notebook: 'shop',
    destinations: [{ name: 'crm', spec: { kind: 'webhook', url, segments: ['vip'], secretEnv: 'KOHORT_TEST_SECRET', batch: 500, retries: overrides.retries ?? 3 } }],
    retry: { baseDelayMs: 20, timeoutMs: 5000 },
    env: { KOHORT_TEST_SECRET: secret },
    ...overrides,
  };
}

describe('webhook deliveries of segment changes', () => {
  test('joined and left, in signed batches with stable delivery ids', async () => {
    const hook = await receiver();
    const ctx = context(hook.url);
    expect(await deliverRunChanges(ctx, run1)).toEqual({ planned: 3, delivered: 3, pending: 0 });
    expect(await deliverRunChanges(ctx, run2)).toEqual({ planned: 2, delivered: 2, pending: 0 });

    expect(hook.seen).toHaveLength(5);
    for (const r of hook.seen) {
      expect(verifySignature(r.raw, r.signature, secret)).toBe(true);
      expect(verifySignature(r.raw, r.signature, 'another secret')).toBe(false);
      expect(r.body.deliveryId).toBe(r.id);
      const { notebook, destination, run, segment, change, batch } = r.body;
      expect(r.id).toBe(deliveryId({ notebook, destination, run, segment, change, index: batch.index }));
      expect(r.body.members.length).toBeLessThanOrEqual(500);
      expect(r.body.keyColumn).toBe('user_id');
    }
    expect(new Set(hook.seen.map((r) => r.id)).size).toBe(5);
    expect(hook.members(run1.id, 'joined')).toEqual([...members1].sort(byKey));
    expect(hook.members(run1.id, 'left')).toEqual([]);
    expect(hook.members(run2.id, 'joined')).toEqual([...joiners2].sort(byKey));
    expect(hook.members(run2.id, 'left')).toEqual([...leavers2].sort(byKey));
    expect(hook.seen.map((r) => `${r.body.run === run1.id ? 1 : 2} ${r.body.change} ${r.body.batch.index}/${r.body.batch.count}`)).toEqual([
      '1 joined 0/3',
      '1 joined 1/3',
      '1 joined 2/3',
      '2 joined 0/1',
      '2 left 0/1',
    ]);

    // The same run again: planned once, nothing sent twice.
    expect(await deliverRunChanges(ctx, run2)).toEqual({ planned: 0, delivered: 0, pending: 0 });
    expect(hook.seen).toHaveLength(5);
    const summary = summarizeDeliveries(await readDeliveryEvents(ctx.workspace, 'shop'));
    expect(summary.map((s) => [s.run, s.status, s.batches, s.delivered, s.joined, s.left, s.attempts])).toEqual([
      [run2.id, 'delivered', 2, 2, 251, 301, 2],
      [run1.id, 'delivered', 3, 3, 1203, 0, 3],
    ]);
  });

  test('500s and a 429 with Retry-After are retried with backoff until the receiver recovers', async () => {
    const hook = await receiver((n, _req, res) => {
      if (n <= 2) {
        res.writeHead(500).end('database is down');
        return 'handled';
      }
      if (n === 3) {
        res.writeHead(429, { 'Retry-After': '1' }).end();
        return 'handled';
      }
      return 'take';
    });
    const ctx = context(hook.url, { retries: 5 });
    const start = performance.now();
    expect(await deliverRunChanges(ctx, run1)).toEqual({ planned: 3, delivered: 3, pending: 0 });
    // Retry-After: 1 was waited for.
    expect(performance.now() - start).toBeGreaterThanOrEqual(950);
    expect(hook.taken.size).toBe(3);
    expect(hook.members(run1.id, 'joined')).toEqual([...members1].sort(byKey));
    // The first batch was sent four times, always with the same id and bytes.
    const first = hook.seen.filter((r) => r.id === hook.seen[0]!.id);
    expect(first).toHaveLength(4);
    expect(new Set(first.map((r) => r.raw.toString('base64'))).size).toBe(1);
    const [summary] = summarizeDeliveries(await readDeliveryEvents(ctx.workspace, 'shop'));
    expect(summary).toMatchObject({ status: 'delivered', batches: 3, delivered: 3, attempts: 6 });
    expect(summary!.items[0]).toMatchObject({ attempts: 4, status: 'delivered', lastStatus: 200 });
  });

  test('a receiver that is down keeps the batches; they go out, in order and once, when it is back', async () => {
    const probe = await receiver();
    const port = probe.port;
    await probe.stop(); // nothing listens there now: connection refused
    const ctx = context(`http://127.0.0.1:${port}/hook`, { retries: 2 });
    expect(await deliverRunChanges(ctx, run1)).toEqual({ planned: 3, delivered: 0, pending: 3 });
    expect(await deliverRunChanges(ctx, run2)).toEqual({ planned: 2, delivered: 0, pending: 5 });
    const down = summarizeDeliveries(await readDeliveryEvents(ctx.workspace, 'shop'));
    expect(down.find((s) => s.run === run1.id)).toMatchObject({ status: 'failing', delivered: 0, attempts: 6 });
    expect(down.find((s) => s.run === run1.id)!.lastError).toContain('ECONNREFUSED');
    // Run 2 waits behind run 1: never tried, so a late "left" cannot overtake an earlier "joined".
    expect(down.find((s) => s.run === run2.id)).toMatchObject({ status: 'pending', attempts: 0 });

    const hook = await receiver(undefined, port);
    expect(await resumeDeliveries(ctx)).toEqual({ delivered: 5, pending: 0 });
    expect(hook.seen.map((r) => r.body.run)).toEqual([run1.id, run1.id, run1.id, run2.id, run2.id]);
    expect(hook.seen.length).toBe(hook.taken.size);
    expect(hook.members(run1.id, 'joined')).toEqual([...members1].sort(byKey));
    expect(hook.members(run2.id, 'left')).toEqual([...leavers2].sort(byKey));
    expect(await resumeDeliveries(ctx)).toEqual({ delivered: 0, pending: 0 });
    const up = summarizeDeliveries(await readDeliveryEvents(ctx.workspace, 'shop'));
    expect(up.map((s) => s.status)).toEqual(['delivered', 'delivered']);
  });

  test('an answer lost on the way back is sent again with the same id, and taken once', async () => {
    const hook = await receiver((n, _req, res) => {
      if (n === 1) {
        res.socket?.destroy(); // the receiver got it, the sender never hears back
        return 'handled';
      }
      return 'take';
    });
    const ctx = context(hook.url);
    expect(await deliverRunChanges(ctx, run1)).toEqual({ planned: 3, delivered: 3, pending: 0 });
    expect(hook.seen).toHaveLength(4);
    expect(hook.seen[0]!.id).toBe(hook.seen[1]!.id);
    expect(hook.seen[0]!.signature).toBe(hook.seen[1]!.signature);
    expect(hook.taken.size).toBe(3);
    expect(hook.members(run1.id, 'joined')).toHaveLength(members1.length);
  });

  test('a missing secret is reported and nothing is sent unsigned', async () => {
    const hook = await receiver();
    const ctx = context(hook.url, { env: {} });
    expect(await deliverRunChanges(ctx, run1)).toEqual({ planned: 3, delivered: 0, pending: 3 });
    expect(hook.seen).toHaveLength(0);
    const [summary] = summarizeDeliveries(await readDeliveryEvents(ctx.workspace, 'shop'));
    expect(summary!.lastError).toBe('destination `crm`: the signing secret\'s environment variable $KOHORT_TEST_SECRET is not set');
    expect(await resumeDeliveries({ ...ctx, env: { KOHORT_TEST_SECRET: secret } })).toEqual({ delivered: 3, pending: 0 });
    expect(hook.seen.every((r) => verifySignature(r.raw, r.signature, secret))).toBe(true);
  });

  test('a real run history: who joined and left between runs of a notebook', async () => {
    const workspace = join(scratch.root, 'history-workspace');
    const historyLake = join(scratch.root, 'history-lake');
    mkdirSync(workspace, { recursive: true });
    mkdirSync(historyLake, { recursive: true });
    await writeHandEvents(scratch.db, join(historyLake, 'events'));
    const file = join(workspace, 'daily.kohort');
    writeFileSync(
      file,
      `--- kohort\nsource events = lake "events" key user_id time event_time\nmetric bought_today = count() where event_type = "purchase" during last 1 days\nsegment buyers_today = bought_today > 0\n`,
    );
    const hook = await receiver();
    const ctx: DeliveryContext = {
      workspace,
      lake: historyLake,
      notebook: 'daily',
      destinations: [{ name: 'crm', spec: { kind: 'webhook', url: hook.url, segments: ['buyers_today'], batch: 1, retries: 1 } }],
      retry: { baseDelayMs: 20 },
    };
    // By hand from the events: A bought on Oct 2; A and C on Oct 3; nobody on Oct 4.
    const expected = [
      ['2019-10-02', [A], []],
      ['2019-10-03', [C], []],
      ['2019-10-04', [], [C, A]],
    ] as const;
    for (const [i, [day, joined, left]] of expected.entries()) {
      const session = await NotebookSession.open({ file, lake: historyLake, asOf: day, threads: 1 });
      const run = { id: `2026-11-2${i}T03-00-00-000Z-00000${i}`, asOf: day };
      try {
        await writeRunHistory(session, ['buyers_today'], { notebook: 'daily', runId: run.id, asOf: day });
      } finally {
        session.close();
      }
      const report = await deliverRunChanges(ctx, run);
      expect(report).toEqual({ planned: joined.length + left.length, delivered: joined.length + left.length, pending: 0 });
      expect(hook.members(run.id, 'joined')).toEqual([...joined].sort(byKey));
      expect(hook.members(run.id, 'left')).toEqual([...left].sort(byKey));
    }
    // Unsigned (no secret named): no signature header at all.
    expect(hook.seen.every((r) => r.signature === undefined)).toBe(true);
  });
});
