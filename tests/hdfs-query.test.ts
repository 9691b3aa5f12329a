import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WebHdfs } from '../connectors/hdfs/webhdfs.js';
import { uniqueTopic } from './services/helpers.js';
import { noteSkip, useServices, type Services } from './services/services.js';

/**
 * `kohort run NOTEBOOK --lake hdfs://…` against the real HDFS: Parquet files put in HDFS through
 * WebHDFS are fetched into the read-through cache under the notebook folder's `.kohort/hdfs/`
 * and queried there; a second run fetches nothing; a new file is fetched alone; HDFS down is one
 * clear line naming the address.
 */
const services = await useServices();
const skip = noteSkip('tests/hdfs-query.test.ts', services);
const repo = resolve(import.meta.dirname, '..');
const bin = join(repo, 'bin', 'kohort.js');

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function kohort(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [bin, ...args],
      {
        cwd: root,
        env: { PATH: process.env['PATH'] ?? '', KOHORT_THREADS: '1', WEBHDFS_URL: (services as Services).webhdfs, ...env },
        maxBuffer: 16 << 20,
      },
      (error, stdout, stderr) => done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const notebook = `--- kohort
source events = lake "events" key user_id time event_time
metric purchases = count() where event_type = "purchase"
metric revenue = sum(price) where event_type = "purchase"
profile customers = purchases, revenue
query by_type = from events group by event_type select n = count() order by event_type
`;

/** Hand-made events: the answers below are counted by hand, not by kohort. A user id beyond 2^53. */
const big = '9007199254740993';
const firstBatch = [
  [big, '2019-10-01 10:00:00', 'view', 0],
  [big, '2019-10-01 10:05:00', 'purchase', 100.5],
  ['7', '2019-10-01 11:00:00', 'view', 0],
  ['7', '2019-10-02 09:00:00', 'cart', 0],
  ['7', '2019-10-02 09:10:00', 'purchase', 20],
  ['8', '2019-10-02 12:00:00', 'view', 0],
] as const;
const secondBatch = [['8', '2019-10-03 08:00:00', 'purchase', 5]] as const;

let root: string;
let local: string;
let client: WebHdfs;
const remoteRoot = `/kohort-test/${uniqueTopic('query')}`;
let lake: string;

/** Writes rows as day-partitioned Parquet under `dir` with DuckDB, as the lander's files are shaped. */
async function writeParquet(rows: readonly (readonly [string, string, string, number])[], dir: string, name: string): Promise<string[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  const values = rows.map(([u, t, type, price]) => `(CAST('${u}' AS BIGINT), TIMESTAMP '${t}', '${type}', ${price}::DOUBLE)`).join(',');
  await c.run(
    `COPY (SELECT *, CAST(event_time AS DATE) AS date FROM (VALUES ${values}) t(user_id, event_time, event_type, price))
     TO '${dir}' (FORMAT parquet, PARTITION_BY (date), FILENAME_PATTERN '${name}-{i}', OVERWRITE_OR_IGNORE)`,
  );
  c.closeSync();
  instance.closeSync();
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) (e.isDirectory() ? walk(join(d, e.name)) : files.push(join(d, e.name)));
  };
  walk(dir);
  return files.filter((f) => f.includes(name));
}

async function upload(rows: readonly (readonly [string, string, string, number])[], name: string): Promise<void> {
  const dir = join(local, 'events');
  for (const file of await writeParquet(rows, dir, name)) {
    await client.create(`${remoteRoot}/events/${relative(dir, file).split(sep).join('/')}`, { file });
  }
}

describe.skipIf(skip)('queries over an hdfs:// lake (real HDFS)', () => {
  beforeAll(async () => {
    if (!existsSync(bin)) throw new Error(`${bin} needs a build: run \`npm run build\` first (npm test does)`);
    root = mkdtempSync(join(tmpdir(), 'kohort-hdfs-query-'));
    local = join(root, 'staging');
    mkdirSync(local);
    writeFileSync(join(root, 'shop.kohort'), notebook);
    client = new WebHdfs({ url: (services as Services).webhdfs });
    lake = `hdfs://${new URL((services as Services).webhdfs).hostname}:9870${remoteRoot}`;
    await upload(firstBatch, 'first');
  });
  afterAll(async () => {
    await client?.delete(remoteRoot, { recursive: true }).catch(() => undefined);
    client?.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('kohort run --lake hdfs://… returns exactly the rows; a re-run fetches nothing; a new file is fetched alone', async () => {
    const t0 = performance.now();
    const first = await kohort(['run', 'shop.kohort', '--lake', lake, '--cell', 'by_type', '--format', 'json']);
    const firstMs = performance.now() - t0;
    expect(first.stderr).toMatch(new RegExp(`^lake hdfs://[^ ]+${remoteRoot}: events 2 files \\(2 fetched, \\d+ kB\\) in [\\d.]+ s\\n$`));
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual([
      { event_type: 'cart', n: 1 },
      { event_type: 'purchase', n: 2 },
      { event_type: 'view', n: 3 },
    ]);
    // The cache sits under the notebook folder's .kohort/, where DuckDB's confinement allows reading.
    const cached = join(root, '.kohort', 'hdfs');
    expect(readdirSync(cached)).toHaveLength(1);

    const t1 = performance.now();
    const again = await kohort(['run', 'shop.kohort', '--lake', lake, '--cell', 'customers', '--format', 'csv']);
    const againMs = performance.now() - t1;
    expect(again.stderr).toMatch(/: events 2 files \(none fetched\) in /);
    expect(again.code).toBe(0);
    // The id beyond 2^53 keeps every digit.
    expect(again.stdout.split('\n').filter(Boolean).sort()).toEqual(['7,1,20', '8,0,0', `${big},1,100.5`, 'user_id,purchases,revenue'].sort());
    process.stderr.write(`hdfs-query: first run ${firstMs.toFixed(0)} ms (${first.stderr.trim()}); re-run ${againMs.toFixed(0)} ms (${again.stderr.trim()})\n`);

    await upload(secondBatch, 'second');
    // $KOHORT_LAKE names the lake as well as --lake does.
    const third = await kohort(['run', 'shop.kohort', '--cell', 'by_type', '--format', 'csv'], { KOHORT_LAKE: lake });
    expect(third.stderr).toMatch(/: events 3 files \(1 fetched, \d+ kB\) in /);
    expect(third.stdout).toBe('event_type,n\ncart,1\npurchase,3\nview,3\n');
  });

  test('kohort check --lake hdfs://… checks columns against the cached data', async () => {
    writeFileSync(join(root, 'typo.kohort'), `source events = lake "events" key user_id time event_time\nmetric spend = sum(prce)\n`);
    const r = await kohort(['check', 'typo.kohort', '--lake', lake]);
    expect(r.code).toBe(1);
    expect(`${r.stdout}${r.stderr}`).toMatch(/typo\.kohort:2:\d+: error [a-z-]+: .*`prce`/);
  });

  test('HDFS down: one line naming the address, no stack trace', async () => {
    const down = 'webhdfs://127.0.0.1:9/lake';
    const r = await kohort(['run', 'shop.kohort', '--lake', down]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^shop\.kohort:2:1: source `events`: cannot read webhdfs:\/\/127\.0\.0\.1:9\/lake\/events through WebHDFS http:\/\/127\.0\.0\.1:9: WebHDFS LISTSTATUS \/lake\/events failed after 4 attempts: NameNode 127\.0\.0\.1:9: connection refused$/,
    );
  });

  test('an HDFS lake with nothing landed yet says so', async () => {
    const r = await kohort(['run', 'shop.kohort', '--lake', `${lake}-empty`]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^shop\.kohort:2:1: source `events`: no dataset hdfs:\/\/.*-empty\/events yet — land events there first/);
  });
});
