import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HdfsMirror } from '../connectors/hdfs/cache.js';
import { WebHdfs, WebHdfsError, type WebHdfsRetry } from '../connectors/hdfs/webhdfs.js';
import { openDuck, sql, uniqueTopic } from './services/helpers.js';
import { noteSkip, useServices, type Services } from './services/services.js';

const services = await useServices();
const skip = noteSkip('tests/hdfs-webhdfs.test.ts', services);

describe.skipIf(skip)('WebHDFS against a real HDFS', () => {
  let client: WebHdfs;
  let root: string;
  let local: string;

  beforeAll(() => {
    client = new WebHdfs({ url: (services as Services).webhdfs, retries: 3 });
    root = `/kohort-test/${uniqueTopic('webhdfs')}`;
    local = mkdtempSync(join(tmpdir(), 'kohort-webhdfs-'));
  });
  afterAll(async () => {
    await client?.delete(root, { recursive: true }).catch(() => undefined);
    client?.close();
    rmSync(local, { recursive: true, force: true });
  });

  test('MKDIRS, two-step CREATE, GETFILESTATUS, LISTSTATUS, OPEN, RENAME, DELETE', async () => {
    expect(await client.mkdirs(`${root}/a`)).toBe(true);
    const body = Buffer.from('kohort ✓ '.repeat(100_000)); // ~1 MB, past one packet
    await client.create(`${root}/a/.f.tmp`, body);
    expect(await client.getFileStatus(`${root}/a/.f.tmp`)).toMatchObject({ type: 'FILE', length: body.length });
    expect(await client.rename(`${root}/a/.f.tmp`, `${root}/a/f.bin`)).toBe(true);
    expect((await client.listStatus(`${root}/a`))!.map((s) => s.pathSuffix)).toEqual(['f.bin']);
    expect((await client.open(`${root}/a/f.bin`))!.equals(body)).toBe(true);
    const file = join(local, 'f.bin');
    expect(await client.download(`${root}/a/f.bin`, file)).toBe(true);
    expect(readFileSync(file).equals(body)).toBe(true);
    // A file from disk, streamed.
    writeFileSync(join(local, 'g.bin'), 'from disk');
    await client.create(`${root}/a/g.bin`, { file: join(local, 'g.bin') });
    expect((await client.open(`${root}/a/g.bin`))!.toString()).toBe('from disk');
    // RENAME onto an existing file is refused (false), not a replacement.
    expect(await client.rename(`${root}/a/g.bin`, `${root}/a/f.bin`)).toBe(false);
    expect(await client.delete(`${root}/a/g.bin`)).toBe(true);
    expect(await client.delete(`${root}/a/g.bin`)).toBe(false);
  });

  test('missing paths are answers, refusals are errors naming the path', async () => {
    expect(await client.getFileStatus(`${root}/nope`)).toBeNull();
    expect(await client.listStatus(`${root}/nope`)).toBeNull();
    expect(await client.open(`${root}/nope`)).toBeNull();
    await client.create(`${root}/once`, 'x');
    const e = await client.create(`${root}/once`, 'y', { overwrite: false }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WebHdfsError);
    expect((e as WebHdfsError).message).toContain(`${root}/once`);
    expect((e as WebHdfsError).exception).toBe('FileAlreadyExistsException');
  });

  test('an unreachable NameNode is retried with backoff, then named in the error', async () => {
    const retries: WebHdfsRetry[] = [];
    const dead = new WebHdfs({ url: 'http://127.0.0.1:1', retries: 2, backoffMs: 10, onRetry: (r) => retries.push(r) });
    const e = await dead.listStatus('/lake/events').catch((x: unknown) => x);
    expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
    expect(retries[0]!.reason).toBe('NameNode 127.0.0.1:1: connection refused');
    expect((e as Error).message).toBe('hdfs:/lake/events: WebHDFS LISTSTATUS /lake/events failed after 3 attempts: NameNode 127.0.0.1:1: connection refused');
    dead.close();
  });

  test('the read-through mirror fetches new files once, drops deleted ones, and DuckDB reads it', async () => {
    const { c, close } = await openDuck();
    try {
      const parquet = join(local, 'p.parquet');
      await c.run(`COPY (SELECT range AS id, 2053013555631882655 + range AS big FROM range(1000)) TO ${sql(parquet)} (FORMAT parquet)`);
      await client.create(`${root}/ds/date=2019-10-01/x.parquet`, { file: parquet });
      await client.create(`${root}/ds/date=2019-10-02/y.parquet`, { file: parquet });
      await client.create(`${root}/ds/date=2019-10-02/.hidden.tmp`, 'not data');
      const mirror = new HdfsMirror({ client, remote: `${root}/ds`, local: join(local, 'mirror') });
      expect(await mirror.sync()).toMatchObject({ files: 2, downloaded: 2, removed: 0, exists: true });
      expect(await mirror.sync()).toMatchObject({ files: 2, downloaded: 0, removed: 0 });
      const read = await c.runAndReadAll(
        `SELECT count(*)::INTEGER, max(big)::VARCHAR, count(DISTINCT date)::INTEGER FROM read_parquet(${sql(`${mirror.local}/**/*.parquet`)}, hive_partitioning = true)`,
      );
      expect(read.getRowsJson()[0]).toEqual([2000, '2053013555631883654', 2]);
      await client.delete(`${root}/ds/date=2019-10-01/x.parquet`);
      expect(await mirror.sync()).toMatchObject({ files: 1, downloaded: 0, removed: 1 });
      expect(await new HdfsMirror({ client, remote: `${root}/none`, local: join(local, 'none') }).sync()).toMatchObject({ exists: false, files: 0 });
    } finally {
      close();
    }
  });
});
