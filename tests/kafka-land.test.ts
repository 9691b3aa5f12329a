import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cacheHdfsDataset } from '../connectors/hdfs/lake-cache.js';
import { WebHdfs } from '../connectors/hdfs/webhdfs.js';
import { ensureTopic, kafkaClient, keyPartitioner } from '../connectors/kafka/client.js';
import { startLander, type Lander, type LandStatus } from '../connectors/land/lander.js';
import { replayCommand } from '../connectors/replay/command.js';
import { replay } from '../connectors/replay/replay.js';
import { csvExpectedSql, lakeSql, multisetDiff, openDuck, sql, uniqueTopic, waitFor } from './services/helpers.js';
import { noteSkip, useServices, type Services } from './services/services.js';

const services = await useServices();
const skip = noteSkip('tests/kafka-land.test.ts', services);
const sample = resolve(import.meta.dirname, 'fixtures', 'rees46-2019-oct-sample.csv');
const repoRoot = resolve(import.meta.dirname, '..');

describe.skipIf(skip)('landing Kafka topics in the lake (real broker, real HDFS)', () => {
  let root: string;
  const landers: Lander[] = [];
  const brokers = () => (services as Services).kafka;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'kohort-land-'));
  });
  afterAll(async () => {
    for (const l of landers) await l.stop().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  });

  async function land(topics: string[], lake: string, until: (s: LandStatus) => boolean, flush = { seconds: 0.5 }): Promise<LandStatus> {
    const lander = await startLander({ brokers: brokers(), topics, lake, flush });
    landers.push(lander);
    await waitFor('the lander', async () => (until(lander.status) ? true : undefined), 60_000);
    return lander.stop();
  }

  test('the real REES46 sample, as JSON and as CSV lines, lands field for field', async () => {
    const { c, close } = await openDuck();
    try {
      for (const format of ['json', 'csv'] as const) {
        const topic = uniqueTopic(`sample-${format}`);
        const sent = await replay({ brokers: brokers(), topic, from: sample, format, partitions: 3 });
        expect(sent).toMatchObject({ sent: 1000, skipped: 0 });
        const lake = join(root, `sample-${format}`);
        const status = await land([topic], lake, (s) => s.landed >= 1000);
        expect(status).toMatchObject({ landed: 1000, deadLetters: 0 });
        const diff = await multisetDiff(c, csvExpectedSql(sample), lakeSql(lake));
        expect(diff).toEqual({ missing: 0, extra: 0, total: 1000, sample: [] });
        // The schema is the import's: BIGINT ids, DOUBLE price, TIMESTAMP time, the date partition.
        const types = (await c.runAndReadAll(`DESCRIBE ${lakeSql(lake)}`)).getRowsJson().map((r) => `${r[0]} ${r[1]}`);
        expect(types).toEqual([
          'event_time TIMESTAMP', 'event_type VARCHAR', 'product_id BIGINT', 'category_id BIGINT', 'category_code VARCHAR',
          'brand VARCHAR', 'price DOUBLE', 'user_id BIGINT', 'user_session VARCHAR', 'date DATE',
        ]);
        const big = await c.runAndReadAll(`SELECT count(*)::INTEGER FROM (${lakeSql(lake)}) WHERE category_id = 2053013555631882655`);
        expect(Number(big.getRowsJson()[0]![0])).toBeGreaterThan(0);
      }
    } finally {
      close();
    }
  });

  test('the lake wins over the committed offset: files deleted after landing are landed again', async () => {
    const topic = uniqueTopic('again');
    await replay({ brokers: brokers(), topic, from: sample, format: 'json', partitions: 2 });
    const lake = join(root, 'again');
    expect(await land([topic], lake, (s) => s.landed >= 1000)).toMatchObject({ landed: 1000 });
    rmSync(join(lake, 'events'), { recursive: true });
    // Same lake, so same consumer group, whose committed offsets are at the end of the topic.
    expect(await land([topic], lake, (s) => s.landed >= 1000)).toMatchObject({ landed: 1000 });
    const { c, close } = await openDuck();
    try {
      expect(await multisetDiff(c, csvExpectedSql(sample), lakeSql(lake))).toEqual({ missing: 0, extra: 0, total: 1000, sample: [] });
    } finally {
      close();
    }
  });

  test('kohort replay: a CSV file at a steady rate, then a lake back into Kafka, both landing field for field', async () => {
    const bin = join(repoRoot, 'dist', 'connectors', 'replay', 'command.js');
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run build\` first (npm test does)`);
    const topic = uniqueTopic('rate');
    const t0 = performance.now();
    const out = await new Promise<string>((done, fail) =>
      execFile(process.execPath, [bin, sample, '--topic', topic, '--brokers', brokers(), '--rate', '2500', '--format', 'csv', '--quiet'], (e, _o, err) => (e ? fail(new Error(err)) : done(err))),
    );
    const seconds = (performance.now() - t0) / 1000;
    expect(out).toMatch(new RegExp(`^replay: sent 1,000 events to ${topic} in [\\d.]+ s \\([\\d,]+/s\\)\n$`));
    expect(seconds).toBeGreaterThan(0.35); // 1,000 events at 2,500/s take 0.4 s at least
    const first = join(root, 'rate');
    expect(await land([topic], first, (s) => s.landed >= 1000)).toMatchObject({ landed: 1000, deadLetters: 0 });
    // The landed lake, replayed into another topic and landed again: the same rows.
    const again = uniqueTopic('from-lake');
    expect(await replay({ brokers: brokers(), topic: again, from: first, partitions: 2 })).toMatchObject({ sent: 1000 });
    const second = join(root, 'from-lake');
    expect(await land([again], second, (s) => s.landed >= 1000)).toMatchObject({ landed: 1000 });
    const { c, close } = await openDuck();
    try {
      expect(await multisetDiff(c, csvExpectedSql(sample), lakeSql(first))).toEqual({ missing: 0, extra: 0, total: 1000, sample: [] });
      expect(await multisetDiff(c, csvExpectedSql(sample), lakeSql(second))).toEqual({ missing: 0, extra: 0, total: 1000, sample: [] });
      // Replayed in event-time order within each partition (files in offset order, rows in file
      // order), and keyed by user: each customer's events sit in one partition.
      const order = await c.runAndReadAll(`
        WITH r AS (
          SELECT event_time, user_id, file_row_number,
            CAST(regexp_extract(filename, '\\+(\\d+)\\+(\\d+)\\+\\d+\\.parquet$', 1) AS INTEGER) AS part,
            CAST(regexp_extract(filename, '\\+(\\d+)\\+(\\d+)\\+\\d+\\.parquet$', 2) AS BIGINT) AS first
          FROM read_parquet(${sql(`${first}/events/**/*.parquet`)}, filename = true, file_row_number = true))
        SELECT
          (SELECT count(*) FROM (SELECT event_time < lag(event_time) OVER (PARTITION BY part ORDER BY first, file_row_number) AS back FROM r) WHERE back)::INTEGER,
          (SELECT count(*) FROM (SELECT user_id FROM r GROUP BY user_id HAVING count(DISTINCT part) > 1))::INTEGER,
          (SELECT count(DISTINCT part) FROM r)::INTEGER`);
      expect(order.getRowsJson()[0]).toEqual([0, 0, 4]);
    } finally {
      close();
    }
  });

  test('kohort replay --live: synthetic traffic stamped with the current time', async () => {
    const topic = uniqueTopic('live');
    const lines: string[] = [];
    const started = Date.now();
    const code = await replayCommand(['--live', '--topic', topic, '--brokers', brokers(), '--rate', '1000', '--limit', '300', '--seed', '5', '--quiet'], { err: (s) => lines.push(s) });
    expect(code).toBe(0);
    expect(lines.join('')).toMatch(new RegExp(`^replay: sent 300 events to ${topic} in `));
    const lake = join(root, 'live');
    expect(await land([topic], lake, (s) => s.landed >= 300)).toMatchObject({ landed: 300, deadLetters: 0 });
    const { c, close } = await openDuck();
    try {
      const r = (await c.runAndReadAll(`SELECT count(*)::INTEGER, epoch_ms(min(event_time))::BIGINT, epoch_ms(max(event_time))::BIGINT FROM (${lakeSql(lake)})`)).getRows()[0]!;
      expect(Number(r[0])).toBe(300);
      expect(Number(r[1])).toBeGreaterThanOrEqual(Math.floor(started / 1000) * 1000);
      expect(Number(r[2])).toBeLessThanOrEqual(Date.now());
    } finally {
      close();
    }
  });

  test('bad messages go to the dead-letter set with payload, place and reason; the partition keeps flowing', async () => {
    const topic = uniqueTopic('dead');
    const kafka = kafkaClient({ brokers: brokers() });
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopic(admin, topic, 1);
    await admin.disconnect();
    const producer = kafka.producer({ createPartitioner: keyPartitioner });
    await producer.connect();
    const good = (i: number) =>
      JSON.stringify({
        event_time: '2019-10-02 10:00:00 UTC', event_type: 'purchase', product_id: String(1000 + i), category_id: 2053013555631882655n.toString(),
        category_code: null, brand: 'x', price: 10.5, user_id: '7', user_session: null,
      });
    const bad = [
      ['{not json', 'not-json'],
      [JSON.stringify({ event_time: '2019-10-02 10:00:00 UTC', event_type: 'view' }), 'missing-value'],
      [good(0).replace('10.5', '-3'), 'negative-price'],
      [good(0).replace('"purchase"', '"click"'), 'unknown-event-type'],
      [good(0).replace('"1000"', '"12x"'), 'bad-id'],
      ['2019-10-02 10:00:00 UTC,view,1,2', 'wrong-column-count'],
    ];
    const values = [good(1), ...bad.map((b) => b[0]!), good(2), '2019-10-02 10:00:01 UTC,view,5,2053013555631882655,,,1.00,7,', good(3).replace('"2053013555631882655"', '2053013555631882655')];
    await producer.send({ topic, messages: values.map((value) => ({ key: 'k', value })) });
    await producer.disconnect();
    const lake = join(root, 'dead');
    const status = await land([topic], lake, (s) => s.landed + s.deadLetters >= values.length);
    expect(status).toMatchObject({ landed: 4, deadLetters: 6 });
    expect(status.deadLetterCodes).toEqual(Object.fromEntries(bad.map((b) => [b[1], 1])));
    const { c, close } = await openDuck();
    try {
      const rows = (
        await c.runAndReadAll(
          `SELECT topic, "partition", "offset"::INTEGER, payload, split_part(reason, ':', 1) FROM read_parquet(${sql(`${lake}/_deadletter/events/**/*.parquet`)}) ORDER BY "offset"`,
        )
      ).getRowsJson();
      expect(rows).toEqual(bad.map((b, i) => [topic, 0, i + 1, b[0], b[1]]));
      const landed = (await c.runAndReadAll(`SELECT product_id::VARCHAR, category_id::VARCHAR FROM (${lakeSql(lake)}) ORDER BY product_id`)).getRowsJson();
      expect(landed).toEqual([['5', '2053013555631882655'], ['1001', '2053013555631882655'], ['1002', '2053013555631882655'], ['1003', '2053013555631882655']]);
    } finally {
      close();
    }
  });

  test('with the default flush settings an event is queryable within 5 s of being produced', async () => {
    const topic = uniqueTopic('fresh');
    const kafka = kafkaClient({ brokers: brokers() });
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopic(admin, topic, 2);
    await admin.disconnect();
    const lake = join(root, 'fresh');
    const lander = await startLander({ brokers: brokers(), topics: [topic], lake });
    landers.push(lander);
    const producer = kafka.producer({ createPartitioner: keyPartitioner });
    await producer.connect();
    // Warm up: the first fetch after joining the group.
    await producer.send({ topic, messages: [{ key: '1', value: '2019-10-03 00:00:00 UTC,view,1,1,,,1.0,1,' }] });
    await waitFor('the warm-up event', async () => (lander.status.landed >= 1 ? true : undefined), 30_000);
    const { c, close } = await openDuck();
    const latencies: number[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const user = 900000 + i;
        const t0 = performance.now();
        await producer.send({ topic, messages: [{ key: String(user), value: `2019-10-03 00:00:0${i} UTC,view,1,1,,,1.0,${user},` }] });
        await waitFor(
          'the event in a query',
          async () => {
            const r = await c.runAndReadAll(`SELECT count(*)::INTEGER FROM (${lakeSql(lake)}) WHERE user_id = ${user}`);
            return Number(r.getRowsJson()[0]![0]) === 1 ? true : undefined;
          },
          10_000,
          50,
        );
        latencies.push(performance.now() - t0);
      }
    } finally {
      close();
      await producer.disconnect();
      await lander.stop();
    }
    expect(Math.max(...latencies)).toBeLessThan(5000);
  });

  test('an HDFS lake through WebHDFS: landed files are read back through the mirror, field for field', async () => {
    const topic = uniqueTopic('hdfs');
    await replay({ brokers: brokers(), topic, from: sample, format: 'json', partitions: 2 });
    const remote = `/kohort-test/${topic}`;
    const url = new URL((services as Services).webhdfs);
    const status = await land([topic], `webhdfs://${url.host}${remote}`, (s) => s.landed >= 1000);
    expect(status).toMatchObject({ landed: 1000, deadLetters: 0 });
    // Queries read an HDFS lake through the local read-through cache of its immutable files.
    const lake = `webhdfs://${url.host}${remote}`;
    const cached = await cacheHdfsDataset(lake, 'events', { cacheDir: join(root, 'hdfs-cache') });
    expect(cached.report).toMatchObject({ files: status.files, downloaded: status.files });
    expect((await cacheHdfsDataset(lake, 'events', { cacheDir: join(root, 'hdfs-cache') })).report).toMatchObject({ downloaded: 0 });
    const { c, close } = await openDuck();
    try {
      expect(await multisetDiff(c, csvExpectedSql(sample), lakeSql(cached.root))).toEqual({ missing: 0, extra: 0, total: 1000, sample: [] });
    } finally {
      close();
    }
    const client = new WebHdfs({ url: (services as Services).webhdfs });
    await client.delete(remote, { recursive: true });
    client.close();
  });
});
