import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HdfsMirror } from '../connectors/hdfs/cache.js';
import { WebHdfs } from '../connectors/hdfs/webhdfs.js';
import { startLander, type Lander, type LandStatus } from '../connectors/land/lander.js';
import { liveEvents } from '../connectors/replay/live.js';
import { rowMessage, sendAll, type ReplayMessage } from '../connectors/replay/replay.js';
import { createEventsTable, lakeSql, multisetDiff, openDuck, uniqueTopic, waitFor } from './services/helpers.js';
import { heavyTestTurn, noteSkip, repo, runServicesScript, useServices } from './services/services.js';

// The shared services keep serving the other test files: this one restarts its own pair.
const services = await useServices();
const skip = noteSkip('tests/land-restart.test.ts', services);
const privateEnv = {
  KOHORT_SERVICES_HOME: join(repo, '.cache', 'services', 'restart-test'),
  KOHORT_KAFKA_PORT: '19092',
  KOHORT_KAFKA_CONTROLLER_PORT: '19093',
  KOHORT_HDFS_HTTP_PORT: '19870',
  KOHORT_HDFS_RPC_PORT: '18020',
};
const brokers = '127.0.0.1:19092';
const webhdfs = 'http://127.0.0.1:19870';
const generated = { seed: 7, count: 120_000, start: '2019-10-05T00:00:00Z', stepMs: 500, customers: 5000 };

describe.skipIf(skip)('landing through a broker restart and an HDFS outage', () => {
  let root: string;
  let lander: Lander | undefined;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'kohort-restart-'));
  });
  afterAll(async () => {
    // A failed run may leave the lander waiting for HDFS: give it a moment, no more.
    await Promise.race([lander?.stop().catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
    await runServicesScript(['reset'], privateEnv).catch(() => undefined);
    rmSync(privateEnv.KOHORT_SERVICES_HOME, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  }, 60_000);

  test('restart Kafka, then stop HDFS and start it again, while landing: every event once', () => heavyTestTurn(async () => {
    await runServicesScript(['reset'], privateEnv); // a run killed midway may have left them
    await runServicesScript(['up'], privateEnv);
    const t0 = performance.now();
    const log = (what: string) => process.stderr.write(`land-restart: ${what} at ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    const topic = uniqueTopic('restart');
    async function* messages(): AsyncGenerator<ReplayMessage> {
      for (const row of liveEvents(generated)) yield rowMessage(row, 'json');
    }
    expect((await sendAll({ brokers, topic, partitions: 2, messages: messages() })).sent).toBe(generated.count);
    log('produced');

    const statuses: LandStatus[] = [];
    // Slow on purpose (small, frequent flushes), so the outages happen mid-landing.
    lander = await startLander({
      brokers,
      topics: [topic],
      lake: `webhdfs://127.0.0.1:19870/lake`,
      flush: { rows: 2000, seconds: 1 },
      sessionTimeoutMs: 6000,
      webhdfs: { maxBackoffMs: 2000 },
      onStatus: (s) => statuses.push(s),
    });
    let failure: unknown;
    lander.finished.catch((e: unknown) => (failure = e));
    const landed = () => {
      if (failure !== undefined) throw new Error(`the lander failed: ${String(failure)}`);
      return lander!.status.landed;
    };
    await waitFor('landing to start', async () => (landed() > 10_000 ? true : undefined), 60_000);
    await runServicesScript(['restart', 'kafka'], privateEnv);
    log(`Kafka restarted (landed ${landed()})`);
    const afterKafka = landed();
    await waitFor('landing to go on after the broker restart', async () => (landed() > afterKafka + 10_000 ? true : undefined), 90_000);
    expect(landed()).toBeLessThan(generated.count); // still landing: the outage comes mid-stream

    await runServicesScript(['down', 'hdfs'], privateEnv);
    log(`HDFS stopped (landed ${landed()})`);
    const stalled = await waitFor('a status saying HDFS is away', async () => statuses.find((s) => s.waiting.startsWith('HDFS')), 30_000);
    // The NameNode refusing connections, or the DataNode cut off mid-upload: both name the path and the next retry.
    expect(stalled.waiting).toMatch(/^HDFS: (NameNode 127\.0\.0\.1:19870|DataNode 127\.0\.0\.1:\d+): connection (refused|reset) — [A-Z]+ \/lake\/.+, retry \d+ in [\d.]+ s$/);
    await runServicesScript(['up', 'hdfs'], privateEnv);
    log(`HDFS started (landed ${landed()})`);
    await waitFor('every event to land', async () => (landed() >= generated.count ? true : undefined), 120_000).catch((e: Error) => {
      throw new Error(`${e.message}; last status: ${JSON.stringify(statuses.at(-1))}`);
    });
    await new Promise((r) => setTimeout(r, 2000));
    const final = await lander.stop();
    lander = undefined;
    log(`all landed (${final.files} files)`);
    expect(final.waiting).toBe('');

    const client = new WebHdfs({ url: webhdfs });
    const local = join(root, 'mirror');
    const { c, close } = await openDuck();
    try {
      await new HdfsMirror({ client, remote: '/lake/events', local: join(local, 'events') }).sync();
      await createEventsTable(c, 'expected', liveEvents(generated));
      expect(await multisetDiff(c, 'SELECT * FROM expected', lakeSql(local))).toEqual({ missing: 0, extra: 0, total: generated.count, sample: [] });
    } finally {
      close();
      client.close();
    }
  }), 500_000);
});
