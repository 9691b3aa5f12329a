import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WebHdfs } from '../connectors/hdfs/webhdfs.js';
import { ensureTopic, kafkaClient, keyPartitioner } from '../connectors/kafka/client.js';
import { liveEvents } from '../connectors/replay/live.js';
import { rowMessage } from '../connectors/replay/replay.js';
import type { Rees46Row } from '../connectors/rees46.js';
import { startServer, type RunningServer } from '../workbench/server/index.js';
import type { PipelineStatus, PipelinesReport } from '../workbench/server/pipelines-status.js';
import { uniqueTopic, waitFor } from './services/helpers.js';
import { noteSkip, useServices, type Services } from './services/services.js';

/**
 * `kohort serve` runs the workspace's pipeline cells against the real Kafka broker (and lands into
 * the real HDFS): the status API shows what landed per partition, the lag and the dead letters, a
 * query cell returns what was produced, edits restart only the pipelines they change, and a
 * broken cell or an unreachable broker say what is wrong.
 */
const services = await useServices();
const skip = noteSkip('tests/workbench-pipelines.test.ts', services);
const brokers = () => (services as Services).kafka;

const servers: RunningServer[] = [];
let root: string;

async function start(workspace: string, lake: string): Promise<RunningServer> {
  const server = await startServer({
    workspace,
    lake,
    port: 0,
    poolSize: 1,
    threads: 2,
    uiDir: join(root, 'no-ui'),
    log: () => undefined,
    // A restarted pipeline's group forgets its old member sooner.
    pipelines: { land: { sessionTimeoutMs: 6000 } },
  });
  servers.push(server);
  return server;
}

async function report(server: RunningServer): Promise<PipelinesReport> {
  const res = await fetch(`${server.url}/api/pipelines`);
  expect(res.status).toBe(200);
  return (await res.json()) as PipelinesReport;
}

async function pipeline(server: RunningServer, id: string): Promise<PipelineStatus | undefined> {
  return (await report(server)).pipelines.find((p) => p.id === id);
}

/** Waits until the pipeline's status passes `check`; the last status is in the timeout's message. */
async function until(server: RunningServer, id: string, what: string, check: (p: PipelineStatus) => boolean, timeoutMs = 90_000): Promise<PipelineStatus> {
  let last: PipelineStatus | undefined;
  try {
    return await waitFor(
      what,
      async () => {
        last = await pipeline(server, id);
        return last && check(last) ? last : undefined;
      },
      timeoutMs,
      250,
    );
  } catch (e) {
    throw new Error(`${(e as Error).message}\nlast status: ${JSON.stringify(last, null, 1)}`);
  }
}

/** Runs a cell through the API and returns its rows as objects (BIGINTs as bigint). */
async function run(server: RunningServer, path: string, text: string, cell: string): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${server.url}/api/run`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ path, text, cell }) });
  if (res.status !== 200) throw new Error(`run ${cell}: ${res.status} ${await res.text()}`);
  return tableFromIPC(new Uint8Array(await res.arrayBuffer())).toArray().map((r: { toJSON(): Record<string, unknown> }) => r.toJSON());
}

async function produce(topic: string, values: { key: string; value: string }[]): Promise<void> {
  const producer = kafkaClient({ brokers: brokers() }).producer({ createPartitioner: keyPartitioner });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: values });
  } finally {
    await producer.disconnect();
  }
}

async function createTopic(topic: string, partitions: number): Promise<void> {
  const admin = kafkaClient({ brokers: brokers() }).admin();
  await admin.connect();
  try {
    await ensureTopic(admin, topic, partitions);
  } finally {
    await admin.disconnect();
  }
}

function events(seed: number, count: number, start: string): Rees46Row[] {
  return [...liveEvents({ seed, count, start, stepMs: 1000, customers: 50 })];
}

/** Counts by event type, in JS from the produced rows (not by kohort). */
function countsByType(rows: readonly Rees46Row[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[r.event_type] = (out[r.event_type] ?? 0) + 1;
  return out;
}

function countsOf(table: Record<string, unknown>[]): Record<string, number> {
  return Object.fromEntries(table.map((r) => [String(r['event_type']), Number(r['n'])]));
}

const notebookText = (topic: string, flush = '300 ms') => `--- markdown
# Live events

--- kohort
source events = lake "events" key user_id time event_time
pipeline live = kafka "${topic}" brokers "${brokers()}" format json into events flush ${flush}
query by_type = from events group by event_type select n = count() order by event_type
`;

async function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });
}

describe.skipIf(skip)('pipelines in kohort serve (real Kafka, real HDFS)', () => {
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'kohort-serve-pipelines-'));
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('produced events land: rows, lag 0 and dead letters per partition, and a query cell returns them', async () => {
    const workspace = join(root, 'local');
    const lake = join(root, 'local-lake');
    mkdirSync(workspace);
    const topic = uniqueTopic('serve');
    await createTopic(topic, 2);
    writeFileSync(join(workspace, 'live.kohort'), notebookText(topic));
    const server = await start(workspace, lake);
    const id = 'live.kohort#live';
    const first = await until(server, id, 'the pipeline to run', (p) => p.state === 'running' && p.partitions.length === 2);
    expect(first).toMatchObject({ notebook: 'live.kohort', name: 'live', place: 'live.kohort:6:1', topics: [topic], dataset: 'events', format: 'json', reason: '' });

    const rows = events(11, 400, '2019-10-05T00:00:00Z');
    const bad = [
      { key: 'x', value: '{not json' },
      { key: 'x', value: JSON.stringify({ ...JSON.parse(rowMessage(rows[0]!, 'json').value), price: -1 }) },
      { key: 'y', value: JSON.stringify({ ...JSON.parse(rowMessage(rows[1]!, 'json').value), event_type: 'click' }) },
    ];
    await produce(topic, [...rows.map((r) => rowMessage(r, 'json')), ...bad]);

    const landed = await until(server, id, '400 rows and 3 dead letters, lag 0', (p) => p.totals.rows === 400 && p.totals.deadLetters === 3 && p.totals.lag === 0);
    expect(landed.state).toBe('running');
    expect(landed.totals.deadLetterCodes).toEqual({ 'not-json': 1, 'negative-price': 1, 'unknown-event-type': 1 });
    expect(landed.partitions.map((p) => p.partition)).toEqual([0, 1]);
    for (const p of landed.partitions) {
      expect(p.lag).toBe(0);
      expect(p.landedUpTo).toBe(p.highWatermark);
      expect(p.files).toBeGreaterThan(0);
      expect(p.lastFileAt).not.toBeNull();
    }
    expect(landed.partitions.reduce((n, p) => n + p.rows, 0)).toBe(400);
    expect(landed.partitions.reduce((n, p) => n + p.deadLetters, 0)).toBe(3);
    expect(BigInt(landed.partitions[0]!.highWatermark!) + BigInt(landed.partitions[1]!.highWatermark!)).toBe(403n);
    // Commits follow landing (within a tick or two).
    await until(server, id, 'commits at the high watermark', (p) => p.partitions.every((q) => q.committed === q.highWatermark));

    const text = notebookText(topic);
    expect(countsOf(await run(server, 'live.kohort', text, 'by_type'))).toEqual(countsByType(rows));

    // Closing the server stops the pipeline cleanly: the group's committed offsets are where the lake is.
    await server.close();
    const admin = kafkaClient({ brokers: brokers() }).admin();
    await admin.connect();
    try {
      const [offsets] = await admin.fetchOffsets({ groupId: landed.group!, topics: [topic] });
      expect(offsets!.partitions.map((p) => p.offset).sort()).toEqual(landed.partitions.map((p) => p.highWatermark).sort());
    } finally {
      await admin.disconnect();
    }
  });

  test('an edited pipeline restarts (others do not); a broken cell fails with its place; an unreachable broker is retried with the reason', async () => {
    const workspace = join(root, 'edits');
    const lake = join(root, 'edits-lake');
    mkdirSync(workspace);
    const [a, b] = [uniqueTopic('edit-a'), uniqueTopic('edit-b')];
    await createTopic(a, 1);
    await createTopic(b, 1);
    writeFileSync(join(workspace, 'a.kohort'), notebookText(a));
    writeFileSync(join(workspace, 'b.kohort'), notebookText(b).replace('into events', 'into events group "b-group"').replace('lake "events"', 'lake "events_b"'));
    const server = await start(workspace, lake);
    const rowsA = events(21, 50, '2019-10-06T00:00:00Z');
    const rowsB = events(22, 30, '2019-10-06T00:00:00Z');
    await produce(a, rowsA.map((r) => rowMessage(r, 'json')));
    await produce(b, rowsB.map((r) => rowMessage(r, 'json')));
    await until(server, 'a.kohort#live', 'a: 50 rows', (p) => p.totals.rows === 50 && p.totals.lag === 0);
    const bBefore = await until(server, 'b.kohort#live', 'b: 30 rows', (p) => p.totals.rows === 30 && p.totals.lag === 0);

    // Saving a changed flush rule through the API restarts a's pipeline: its counts start again,
    // and it resumes from the lake, landing only what is new.
    const file = (await (await fetch(`${server.url}/api/notebooks/file?path=a.kohort`)).json()) as { text: string; version: string };
    const saved = await fetch(`${server.url}/api/notebooks/file?path=a.kohort`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: file.text.replace('flush 300 ms', 'flush 200 ms'), baseVersion: file.version }),
    });
    expect(saved.status).toBe(200);
    await until(server, 'a.kohort#live', 'a restarted', (p) => p.totals.rows === 0 && p.state === 'running');
    const more = events(23, 20, '2019-10-07T00:00:00Z');
    await produce(a, more.map((r) => rowMessage(r, 'json')));
    await until(server, 'a.kohort#live', 'a: 20 new rows', (p) => p.totals.rows === 20 && p.totals.lag === 0);
    const textA = notebookText(a, '200 ms');
    expect(countsOf(await run(server, 'a.kohort', textA, 'by_type'))).toEqual(countsByType([...rowsA, ...more]));
    // b's pipeline was not touched: same counts, never restarted.
    expect(await pipeline(server, 'b.kohort#live')).toMatchObject({ totals: { rows: 30 }, restarts: 0, since: bBefore.since, group: 'b-group' });

    // A notebook edited on disk, not through the server, with a mistake in its pipeline cell.
    writeFileSync(join(workspace, 'broken.kohort'), `source events = lake "events" key user_id time event_time\npipeline oops = kafka "t" brokers "${brokers()}" into evnts\n`);
    const broken = await until(server, 'broken.kohort#oops', 'the broken pipeline', (p) => p.state === 'failed', 20_000);
    expect(broken.reason).toMatch(/^broken\.kohort:2:1: error invalid-pipeline: unknown source `evnts`.*did you mean `events`/);
    expect(broken.place).toBe('broken.kohort:2:1');

    // A broker nobody listens at: retrying, saying why.
    const port = await freePort();
    writeFileSync(join(workspace, 'away.kohort'), `source events = lake "events" key user_id time event_time\npipeline away = kafka "t" brokers "127.0.0.1:${port}" into events\n`);
    const away = await until(server, 'away.kohort#away', 'the unreachable broker', (p) => p.state === 'retrying', 30_000);
    expect(away.reason).toMatch(new RegExp(`127\\.0\\.0\\.1:${port}.*(ECONNREFUSED|Connection error)`));

    // An HDFS nobody answers at: the pipeline waits, saying so (and the server still stops promptly).
    writeFileSync(join(workspace, 'nohdfs.kohort'), notebookText(b).replace('into events', `into events lake "webhdfs://127.0.0.1:${port}/lake" group "nohdfs"`));
    const noHdfs = await until(server, 'nohdfs.kohort#live', 'waiting for HDFS', (p) => p.state === 'retrying', 60_000);
    expect(noHdfs.reason).toMatch(new RegExp(`^HDFS: NameNode 127\\.0\\.0\\.1:${port}: connection refused — LISTSTATUS /lake/`));

    // Deleting a notebook stops its pipeline.
    const del = await fetch(`${server.url}/api/notebooks/file?path=away.kohort`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    await waitFor('away to be gone', async () => ((await pipeline(server, 'away.kohort#away')) ? undefined : true), 20_000);

    // Closing does not hang on the pipeline that waits for HDFS: it gives up on it after a few seconds.
    const t0 = performance.now();
    await server.close();
    expect(performance.now() - t0).toBeLessThan(20_000);
  });

  test('serve --lake hdfs://…: a pipeline lands into the real HDFS, and a query cell reads it through the cache', async () => {
    const workspace = join(root, 'hdfs');
    mkdirSync(workspace);
    const topic = uniqueTopic('serve-hdfs');
    await createTopic(topic, 2);
    const remote = `/kohort-test/${topic}`;
    const webhdfs = new URL((services as Services).webhdfs);
    const lake = `hdfs://${webhdfs.hostname}:9870${remote}`;
    writeFileSync(join(workspace, 'live.kohort'), notebookText(topic));
    const server = await start(workspace, lake);
    const client = new WebHdfs({ url: webhdfs.origin });
    try {
      const rows = events(31, 300, '2019-10-08T00:00:00Z');
      await produce(topic, rows.map((r) => rowMessage(r, 'json')));
      const landed = await until(server, 'live.kohort#live', '300 rows in HDFS', (p) => p.totals.rows === 300 && p.totals.lag === 0);
      expect(landed.lake).toContain(`${remote} (WebHDFS`);
      // The files are in HDFS…
      const days = (await client.listStatus(`${remote}/events`))!.map((e) => e.pathSuffix);
      expect(days.length).toBeGreaterThan(0);
      // …and a query cell reads them through the cache under the workspace's .kohort/hdfs.
      expect(countsOf(await run(server, 'live.kohort', notebookText(topic), 'by_type'))).toEqual(countsByType(rows));
      expect(readdirSync(join(workspace, '.kohort', 'hdfs'))).toHaveLength(1);
      const lakeStatus = (await report(server)).lake;
      expect(lakeStatus).toMatchObject({ address: lake, error: null });
      expect(lakeStatus.remote).toContain(remote);
      expect(lakeStatus.lastSyncAt).not.toBeNull();
    } finally {
      await client.delete(remote, { recursive: true }).catch(() => undefined);
      client.close();
    }
  });

  test('serve over an HDFS that is down: a run says which address it cannot read; the lake status too', async () => {
    const workspace = join(root, 'down');
    mkdirSync(workspace);
    const text = `source events = lake "events" key user_id time event_time\nquery n = from events select n = count()\n`;
    writeFileSync(join(workspace, 'q.kohort'), text);
    const port = await freePort();
    const server = await start(workspace, `webhdfs://127.0.0.1:${port}/lake`);
    const res = await fetch(`${server.url}/api/run`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ path: 'q.kohort', text, cell: 'n' }) });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: string; place: string };
    expect(body.place).toBe('q.kohort:1:1');
    expect(body.error).toContain(`source \`events\`: cannot read webhdfs://127.0.0.1:${port}/lake/events through WebHDFS http://127.0.0.1:${port}: `);
    expect(body.error).toContain('connection refused');
    expect((await report(server)).lake.error).toContain(`webhdfs://127.0.0.1:${port}/lake/events`);
  });
});
