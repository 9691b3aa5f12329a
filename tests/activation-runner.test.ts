import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { main } from '../cli/main.js';
import type { Io } from '../cli/io.js';
import { deliverPublishedRuns, verifySignature, type DeliveryBody } from '../engine/activation/index.js';
import { NotebookRunner } from '../engine/runs/runner.js';
import { A, C } from './support/hand-events.js';
import { writeHandEvents } from './support/hand-lake.js';
import { useScratch } from './support/scratch.js';

const scratch = useScratch('kohort-activation-runner');
const secret = 'runner-test-secret';
let lake: string;
let file: string;
let hook: Server;
const received: { raw: Buffer; signature: string | undefined; body: DeliveryBody }[] = [];

beforeAll(async () => {
  lake = join(scratch.root, 'lake');
  const workspace = join(scratch.root, 'workspace');
  mkdirSync(lake);
  mkdirSync(workspace);
  await writeHandEvents(scratch.db, join(lake, 'events'));
  hook = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      received.push({ raw, signature: req.headers['x-kohort-signature'] as string | undefined, body: JSON.parse(raw.toString('utf8')) as DeliveryBody });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((done) => hook.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
  file = join(workspace, 'daily.kohort');
  writeFileSync(
    file,
    `--- kohort
source events = lake "events" key user_id time event_time
metric bought_today = count() where event_type = "purchase" during last 1 days
segment buyers_today = bought_today > 0
schedule daily = every 1 day refresh buyers_today
destination crm = webhook "${url}" segments buyers_today secret env "KOHORT_TEST_CRM_SECRET" batch 1 retries 2
`,
  );
  process.env['KOHORT_TEST_CRM_SECRET'] = secret;
});

afterAll(async () => {
  delete process.env['KOHORT_TEST_CRM_SECRET'];
  hook?.closeAllConnections();
  await new Promise<void>((done) => (hook ? hook.close(() => done()) : done()));
});

describe('destinations of a scheduled run', () => {
  test('a run of the real runner sends who joined, signed, one batch per member', async () => {
    const runner = new NotebookRunner({ lake, threads: 1 });
    const logged: string[] = [];
    deliverPublishedRuns(runner, { lake, log: (l) => logged.push(l), waitForSends: true });
    const record = await runner.run({ file, schedule: 'daily', trigger: 'manual' });
    expect(record.status).toBe('succeeded');
    // By hand: the last day up to the latest event (Oct 3 12:30) holds A's and C's purchases.
    expect(received.map((r) => r.body.members[0]).sort()).toEqual([A, C].sort());
    expect(received.every((r) => r.body.run === record.id && r.body.change === 'joined' && r.body.destination === 'crm')).toBe(true);
    expect(received.every((r) => verifySignature(r.raw, r.signature, secret))).toBe(true);
    expect(logged).toEqual([]);
  });

  test('`kohort run --schedule` delivers before it exits', async () => {
    const before = received.length;
    let stderr = '';
    const io: Io = { stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) }, env: { ...process.env, KOHORT_THREADS: '1' } };
    expect(await main(['run', file, '--schedule', 'daily', '--lake', lake], io)).toBe(0);
    expect(stderr).toBe('');
    // The same as-of again replaces the last run: its members joined in this run.
    const mine = received.slice(before);
    expect(mine.map((r) => r.body.members[0]).sort()).toEqual([A, C].sort());
    expect(new Set(mine.map((r) => r.body.run)).size).toBe(1);
  });
});
