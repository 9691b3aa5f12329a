import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { connect, createServer, type Socket } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { membershipFile } from '../dsl/history-paths.js';
import { exportSegment } from '../engine/activation/index.js';
import { NotebookSession } from '../engine/session.js';
import type { BenchResult } from './result.js';

const repo = resolve(import.meta.dirname, '..', '..');
const customers = 3_000_000;
/** Segments of the bench notebook and the share of customers in each now. */
const segments: [string, number][] = [
  ['active', 50],
  ['browsers', 30],
  ['buyers', 20],
  ['loyal', 10],
  ['vip', 5],
  ['at_risk', 1],
];
const concurrency = 200;
const requests = 40_000;
const firstKey = 1_000_000_000_000_000_000n; // past 2^53, as REES46-style ids can be

/**
 * Membership lookup under load: a notebook whose run history holds ~3M customers in six
 * segments (each with closed stays too), served by `kohort serve` in its own process, asked
 * "which segments is customer K in" by 200 concurrent clients. Target: p99 under 20 ms. Then an
 * export of a 3M-member segment.
 */
export async function benchMembership(): Promise<BenchResult[]> {
  const root = mkdtempSync(join(tmpdir(), 'kohort-bench-membership-'));
  const workspace = join(root, 'workspace');
  const lake = join(root, 'lake');
  mkdirSync(workspace);
  let child: ChildProcess | undefined;
  try {
    writeFileSync(join(workspace, 'bench.kohort'), `--- kohort\nsource events = lake "events" key user_id time event_time\n`);
    const instance = await DuckDBInstance.create(':memory:');
    const c = await instance.connect();
    for (const [i, [segment, percent]] of segments.entries()) {
      const file = membershipFile(lake, 'bench', segment);
      mkdirSync(dirname(file), { recursive: true });
      // Members now (open stays), plus as many customers again who were members once and left.
      await c.run(`COPY (
          SELECT (${firstKey} + n * 13)::BIGINT AS user_id,
                 TIMESTAMP '2019-10-01' + INTERVAL (hash(n, ${i}) % 30) DAY AS entered_at,
                 CASE WHEN hash(n, ${i}) % 100 >= ${percent} THEN TIMESTAMP '2019-11-01' END AS left_at,
                 'run-' || (hash(n, ${i}) % 30) AS entered_run,
                 CASE WHEN hash(n, ${i}) % 100 >= ${percent} THEN 'run-31' END AS left_run
          FROM range(${customers}) t(n)
          WHERE hash(n, ${i}) % 100 < ${Math.min(100, percent * 2)}
          ORDER BY 1)
        TO '${file}' (FORMAT parquet)`);
    }
    c.closeSync();
    instance.closeSync();

    const port = await freePort();
    child = spawn(process.execPath, [join(repo, 'bin', 'kohort.js'), 'serve', workspace, '--lake', lake, '--port', String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, KOHORT_THREADS: '2' },
    });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await request(`${base}/api/health`, new Agent())).status === 200, 30_000, () => output);

    const agent = new Agent({ keepAlive: true });
    const path = (key: bigint) => `/api/segments/of-customer?path=bench.kohort&key=${key}`;
    const t0 = performance.now();
    const first = await request(`${base}${path(firstKey)}`, agent);
    const load = performance.now() - t0;
    if (first.status !== 200) throw new Error(`lookup failed: ${first.body}`);

    // 200 keep-alive connections of a lean client (a socket each, no HTTP library), so the
    // load generator takes as little of the two cores as it can; first a warm-up.
    const clients = await Promise.all(Array.from({ length: concurrency }, () => RawClient.connect(port)));
    await closedLoop(clients, path, 4_000);
    const { latencies, seconds, found } = await closedLoop(clients, path, requests);
    for (const client of clients) client.close();
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
    const p99 = pct(99);

    const pageStart = performance.now();
    const page = await request(`${base}/api/segments/members?path=bench.kohort&segment=active&limit=1000&after=${firstKey + 13n * 1_500_000n}`, agent);
    const pageMillis = performance.now() - pageStart;
    if (page.status !== 200) throw new Error(`members page failed: ${page.body}`);
    agent.destroy();
    const busy = `load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`;
    const exported = await benchExport(root);
    return [
      { name: 'membership: load 6 segments of ~3M customers into memory (first lookup)', value: load, unit: 'ms' },
      { name: `membership: one customer's segments, ${concurrency} concurrent clients, p50`, value: pct(50), unit: 'ms', note: `${requests.toLocaleString('en')} lookups` },
      { name: `membership: one customer's segments, ${concurrency} concurrent clients, p99`, value: p99, unit: 'ms', target: '< 20 ms', ok: p99 < 20, note: busy },
      { name: 'membership: lookups per second (server in its own process)', value: Math.round(requests / seconds), unit: 'req/s', note: `${Math.round((found / requests) * 100)}% of the keys are members of something` },
      { name: 'membership: a page of 1,000 members (keyset)', value: pageMillis, unit: 'ms' },
      ...exported,
    ];
  } finally {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((done) => child!.once('exit', done));
    }
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * `kohort export` of a segment of 3M members (one event each) to Parquet and CSV, in this process:
 * the time, and how much the JavaScript heap grew at its peak — DuckDB writes the rows, so the
 * heap must not grow with them.
 */
async function benchExport(root: string): Promise<BenchResult[]> {
  const folder = join(root, 'export');
  const lake = join(folder, 'lake');
  mkdirSync(join(lake, 'events'), { recursive: true });
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  await c.run(`COPY (SELECT (${firstKey} + n)::BIGINT AS user_id, TIMESTAMP '2019-10-01' + INTERVAL (n % 86400) SECOND AS event_time,
      CASE WHEN n % 7 = 0 THEN 'purchase' ELSE 'view' END AS event_type, (n % 100)::DOUBLE AS price
    FROM range(${customers}) t(n)) TO '${join(lake, 'events', 'part-0.parquet')}' (FORMAT parquet)`);
  c.closeSync();
  instance.closeSync();
  const file = join(folder, 'shop.kohort');
  writeFileSync(file, `--- kohort\nsource events = lake "events" key user_id time event_time\nmetric events_seen = count()\nsegment everyone = events_seen > 0\n`);
  const out: BenchResult[] = [];
  for (const format of ['parquet', 'csv'] as const) {
    const session = await NotebookSession.open({ file, lake });
    try {
      global.gc?.();
      const base = process.memoryUsage().heapUsed;
      let peak = base;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 10);
      const start = performance.now();
      const meta = await exportSegment(session, { segment: 'everyone', format, out: join(folder, `everyone.${format}`) });
      const millis = performance.now() - start;
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().heapUsed);
      out.push({ name: `export: a ${(meta.members / 1e6).toFixed(1)}M-member segment to ${format}`, value: millis, unit: 'ms', note: `JS heap grew ${((peak - base) / 2 ** 20).toFixed(1)} MB at most` });
    } finally {
      session.close();
    }
  }
  return out;
}

/**
 * `total` lookups of random customers, each client sending its next as soon as it has its answer:
 * 200 requests in flight all the time.
 */
async function closedLoop(clients: RawClient[], path: (key: bigint) => string, total: number): Promise<{ latencies: number[]; seconds: number; found: number }> {
  const latencies: number[] = [];
  let sent = 0;
  let found = 0;
  const start = performance.now();
  await Promise.all(
    clients.map(async (client) => {
      while (sent < total) {
        sent++;
        // Most keys are customers; some are not (past the last one).
        const n = BigInt(Math.floor(Math.random() * customers * 1.1));
        const t = performance.now();
        const r = await client.get(path(firstKey + n * 13n));
        latencies.push(performance.now() - t);
        if (r.status !== 200) throw new Error(`lookup failed: ${r.status} ${r.body}`);
        if (r.body.includes('"segment"')) found++;
      }
    }),
  );
  return { latencies, seconds: (performance.now() - start) / 1000, found };
}

/** One keep-alive HTTP/1.1 connection, one request at a time, reading `Content-Length` bodies. */
class RawClient {
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: ((r: { status: number; body: string }) => void) | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly host: string,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => {
      this.buffer = this.buffer.length === 0 ? d : Buffer.concat([this.buffer, d]);
      this.tryRead();
    });
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((done, fail) => {
      const socket = connect(port, '127.0.0.1', () => done(new RawClient(socket, `127.0.0.1:${port}`)));
      socket.once('error', fail);
    });
  }

  get(path: string): Promise<{ status: number; body: string }> {
    return new Promise((done) => {
      this.waiting = done;
      this.socket.write(`GET ${path} HTTP/1.1\r\nHost: ${this.host}\r\n\r\n`);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private tryRead(): void {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = this.buffer.subarray(0, end).toString('latin1');
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    if (this.buffer.length < end + 4 + length) return;
    const body = this.buffer.subarray(end + 4, end + 4 + length).toString('utf8');
    this.buffer = this.buffer.subarray(end + 4 + length);
    const done = this.waiting;
    this.waiting = undefined;
    done?.({ status: Number(head.slice(9, 12)), body });
  }
}

function request(url: string, agent: Agent): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    get(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    }).on('error', fail);
  });
}

async function waitFor(check: () => Promise<boolean>, millis: number, output: () => string): Promise<void> {
  const until = Date.now() + millis;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`kohort serve did not start: ${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });
}

// `node dist/bench/membership.js` prints the figures by itself.
if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await benchMembership()) console.log(`${r.name}: ${r.value.toFixed(1)} ${r.unit}${r.target ? ` (target ${r.target}: ${r.ok ? 'ok' : 'MISSED'})` : ''}${r.note ? ` — ${r.note}` : ''}`);
}
