import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { WebHdfs } from '../connectors/hdfs/webhdfs.js';
import { ensureTopic, kafkaClient, keyPartitioner } from '../connectors/kafka/client.js';
import { startLander } from '../connectors/land/lander.js';
import { liveEvents } from '../connectors/replay/live.js';
import { rowMessage, sendAll, type ReplayMessage } from '../connectors/replay/replay.js';
import { benchHdfsQuery } from './hdfs-query.js';
import type { BenchResult } from './result.js';

const repo = resolve(import.meta.dirname, '..', '..');
const events = Number(process.env['KOHORT_BENCH_LAND_EVENTS'] ?? 1_000_000);

function services(args: string[]): Promise<string> {
  return new Promise((done, fail) =>
    execFile('bash', [join(repo, 'scripts', 'services.sh'), ...args], { maxBuffer: 16 << 20 }, (e, out, err) => (e ? fail(new Error(`${err}${out}`)) : done(`${out}${err}`))),
  );
}

/**
 * Landing throughput (Kafka → Parquet, events/s, into a local lake and into HDFS through WebHDFS)
 * and end-to-end freshness (produce → visible to a DuckDB query over the lake, p50 and p95, default
 * flush settings). Uses the real services of `scripts/services.sh` (started if needed); without
 * Java and Maven it reports why it measured nothing.
 */
export async function benchLand(): Promise<BenchResult[]> {
  const kafka = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092';
  const webhdfs = process.env['WEBHDFS_URL'] ?? 'http://127.0.0.1:9870';
  if (!process.env['KAFKA_BROKERS']) {
    try {
      await services(['up']);
    } catch (e) {
      const why = (e as Error).message.trim().split('\n').pop();
      return [{ name: 'landing throughput', value: 0, unit: 'events/s', target: '≥ 100,000', ok: false, note: `not measured: ${why}` }];
    }
  }
  const results: BenchResult[] = [];
  const root = mkdtempSync(join(tmpdir(), 'kohort-bench-land-'));
  try {
    // Produce once (not timed as landing): generated REES46 events, JSON, keyed by user, 4 partitions.
    const topic = `bench-land-${Date.now().toString(36)}`;
    async function* messages(): AsyncGenerator<ReplayMessage> {
      for (const row of liveEvents({ seed: 3, count: events, start: '2019-10-01T00:00:00Z', stepMs: 250, customers: 50_000 })) yield rowMessage(row, 'json');
    }
    const produced = await sendAll({ brokers: kafka, topic, partitions: 4, messages: messages() });
    results.push({ name: 'replay into Kafka (kafkajs, idempotent producer)', value: Math.round(produced.perSecond), unit: 'events/s', note: `${events.toLocaleString('en-US')} JSON events, 4 partitions` });

    const hdfsRoot = `/kohort-bench/${topic}`;
    for (const [where, lake] of [
      ['local lake', join(root, 'lake')],
      ['HDFS lake (WebHDFS)', `webhdfs://${new URL(webhdfs).host}${hdfsRoot}`],
    ] as const) {
      const cpu0 = process.cpuUsage();
      const lander = await startLander({ brokers: kafka, topics: [topic], lake, sessionTimeoutMs: 6000 });
      let first = 0;
      const t0 = performance.now();
      await new Promise<void>((done, fail) => {
        const timer = setInterval(() => {
          if (!first && lander.status.consumed > 0) first = performance.now();
          if (lander.status.landed >= events) {
            clearInterval(timer);
            done();
          } else if (performance.now() - t0 > 600_000) {
            clearInterval(timer);
            fail(new Error(`landing ${events} events into the ${where} took over 10 minutes`));
          }
        }, 10);
      });
      const seconds = (performance.now() - first) / 1000;
      const status = await lander.stop();
      const cpu = process.cpuUsage(cpu0);
      const rate = Math.round(events / seconds);
      results.push({
        name: `landing throughput, ${where}`,
        value: rate,
        unit: 'events/s',
        target: '≥ 100,000 (2 cores)',
        ok: rate >= 100_000,
        note: `${events.toLocaleString('en-US')} events in ${seconds.toFixed(1)} s, ${status.files} files; ${((cpu.user + cpu.system) / 1e6).toFixed(1)} CPU-s in this process (workers included)`,
      });
    }
    // Queries read what landed in HDFS through the local cache: first run vs cached re-run.
    results.push(...(await benchHdfsQuery(`webhdfs://${new URL(webhdfs).host}${hdfsRoot}`, events)));
    const client = new WebHdfs({ url: webhdfs });
    await client.delete(hdfsRoot, { recursive: true }).catch(() => undefined);
    client.close();

    const fresh = await freshness(kafka, join(root, 'fresh'));
    const p = (q: number) => fresh[Math.min(fresh.length - 1, Math.floor(q * fresh.length))]!;
    results.push({ name: 'freshness p50 (produce → visible to a query, default flush)', value: Math.round(p(0.5)), unit: 'ms', target: '≤ 5,000', ok: p(0.5) <= 5000 });
    results.push({ name: 'freshness p95', value: Math.round(p(0.95)), unit: 'ms', target: '≤ 5,000', ok: p(0.95) <= 5000, note: `${fresh.length} events, one every 250 ms` });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return results;
}

/** Latencies (ms, sorted) from producing one event to seeing it in a DuckDB query over the lake. */
async function freshness(brokers: string, lake: string): Promise<number[]> {
  const topic = `bench-fresh-${Date.now().toString(36)}`;
  const client = kafkaClient({ brokers });
  const admin = client.admin();
  await admin.connect();
  await ensureTopic(admin, topic, 4);
  await admin.disconnect();
  const lander = await startLander({ brokers, topics: [topic], lake });
  const producer = client.producer({ createPartitioner: keyPartitioner });
  await producer.connect();
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  const pending = new Map<number, number>();
  const latencies: number[] = [];
  try {
    // Warm up until the group has joined and a first file is visible.
    await producer.send({ topic, messages: [{ key: '0', value: '2019-10-01 00:00:00 UTC,view,1,1,,,1.00,1,' }] });
    while (lander.status.landed < 1) await new Promise((r) => setTimeout(r, 50));
    const total = 40;
    let sent = 0;
    let lastSent = 0;
    const glob = `${lake}/events/**/*.parquet`;
    while (latencies.length < total) {
      if (sent < total && performance.now() - lastSent >= 250) {
        const user = 700_000_000 + sent;
        lastSent = performance.now();
        pending.set(user, lastSent);
        sent++;
        await producer.send({ topic, messages: [{ key: String(user), value: `2019-10-01 00:00:01 UTC,view,1,1,,,1.00,${user},` }] });
      }
      if (pending.size > 0 && existsSync(join(lake, 'events'))) {
        const seen = (await c.runAndReadAll(`SELECT DISTINCT user_id::VARCHAR FROM read_parquet('${glob}') WHERE user_id >= 700000000`)).getRows();
        const now = performance.now();
        for (const [u] of seen) {
          const at = pending.get(Number(u));
          if (at !== undefined) {
            latencies.push(now - at);
            pending.delete(Number(u));
          }
        }
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    await producer.disconnect();
    await lander.stop();
    c.closeSync();
    instance.closeSync();
  }
  return latencies.sort((a, b) => a - b);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  for (const r of await benchLand()) {
    process.stdout.write(`${r.name}: ${r.value.toLocaleString('en-US')} ${r.unit}${r.target ? ` (target ${r.target}: ${r.ok ? 'met' : 'NOT met'})` : ''}${r.note ? ` — ${r.note}` : ''}\n`);
  }
}
