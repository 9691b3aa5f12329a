import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  checkSourceName,
  datasetGlob,
  datasetPath,
  datePartition,
  isReservedName,
  kohortFolder,
  listDatasets,
  listPartitions,
  makeStagingFolder,
  partitionPath,
  publishFile,
  removeStagingFolder,
  tempPathFor,
  writeAtomically,
} from './lake.js';
import { UserError } from './user-error.js';

let root: string;
let lake: string;
let instance: DuckDBInstance;
let db: DuckDBConnection;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kohort-lake-'));
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
});

afterAll(async () => {
  db.closeSync();
  instance.closeSync();
  await rm(root, { recursive: true, force: true });
});

let n = 0;
beforeEach(async () => {
  lake = join(root, `lake-${n++}`);
  await mkdir(lake);
});

const q = (s: string) => `'${s.replaceAll("'", "''")}'`;

async function writeParquet(path: string, value: number): Promise<void> {
  await db.run(`COPY (SELECT ${value} AS v) TO ${q(path)} (FORMAT parquet)`);
}

/** What the DSL's `lake "events"` reads: the values of every file its glob matches. */
async function readDataset(source: string): Promise<number[]> {
  const reader = await db.runAndReadAll(`SELECT v FROM read_parquet(${q(datasetGlob(lake, source))}, hive_partitioning = true) ORDER BY v`);
  return reader.getRowsJS().map((r) => Number(r[0]));
}

describe('paths', () => {
  test('a dataset is a folder under the lake, read with a recursive parquet glob', () => {
    expect(datasetPath('/data/lake', 'events')).toBe('/data/lake/events');
    expect(datasetGlob('/data/lake', 'events')).toBe('/data/lake/events/**/*.parquet');
    expect(partitionPath('/data/lake', 'events', datePartition('2019-10-01'))).toBe('/data/lake/events/date=2019-10-01');
    expect(kohortFolder('/data/lake', 'rejects')).toBe('/data/lake/_rejects');
  });

  test('source names are plain folder names, never reserved or escaping the lake', () => {
    for (const ok of ['events', 'events_2019', 'web-events', '2019']) expect(() => checkSourceName(ok)).not.toThrow();
    for (const bad of ['', '_rejects', '.hidden', '../events', 'a/b', 'a b', 'é']) {
      expect(() => checkSourceName(bad)).toThrow(UserError);
    }
    expect(() => datasetPath('/lake', '../etc')).toThrow(UserError);
  });

  test('reserved names start with _ or .', () => {
    expect(isReservedName('_rejects')).toBe(true);
    expect(isReservedName('.x.parquet.tmp')).toBe(true);
    expect(isReservedName('events')).toBe(false);
  });

  test('a temp path sits beside the final one, hidden and not ending in .parquet', () => {
    const temp = tempPathFor('/lake/events/date=2019-10-01/a.parquet');
    expect(temp.startsWith('/lake/events/date=2019-10-01/.a.parquet.')).toBe(true);
    expect(temp.endsWith('.parquet')).toBe(false);
    expect(tempPathFor('/x/a.parquet')).not.toBe(tempPathFor('/x/a.parquet'));
  });
});

describe('listing', () => {
  test('datasets are the folders not reserved by kohort; a missing lake has none', async () => {
    await mkdir(join(lake, 'events'));
    await mkdir(join(lake, 'orders'));
    await mkdir(join(lake, '_rejects'));
    await mkdir(join(lake, '.cache'));
    await writeFile(join(lake, 'README'), 'not a dataset');
    expect(await listDatasets(lake)).toEqual(['events', 'orders']);
    expect(await listDatasets(join(lake, 'nope'))).toEqual([]);
    await expect(listDatasets(join(lake, 'README'))).rejects.toThrow(UserError);
  });

  test('partitions list published parquet files only', async () => {
    const day1 = partitionPath(lake, 'events', 'date=2019-10-01');
    const day2 = partitionPath(lake, 'events', 'date=2019-10-02');
    await mkdir(day1, { recursive: true });
    await mkdir(day2, { recursive: true });
    await mkdir(join(lake, 'events', '_staging'));
    await mkdir(join(lake, 'events', 'not-a-partition'));
    await writeParquet(join(day1, 'b.parquet'), 1);
    await writeParquet(join(day1, 'a.parquet'), 2);
    await writeParquet(join(day1, '.a.parquet.123-ab.tmp'), 3);
    await writeFile(join(day2, 'notes.txt'), '');
    const parts = await listPartitions(lake, 'events');
    expect(parts.map((p) => [p.name, p.key, p.value, p.files.map((f) => f.slice(p.path.length + 1))])).toEqual([
      ['date=2019-10-01', 'date', '2019-10-01', ['a.parquet', 'b.parquet']],
      ['date=2019-10-02', 'date', '2019-10-02', []],
    ]);
    expect(await listPartitions(lake, 'missing')).toEqual([]);
  });
});

describe('atomic publish', () => {
  test("DuckDB's glob reads _ and . files too, so temp files must not end in .parquet", async () => {
    // The reason for tempPathFor's shape: a leading _ or . alone hides a file from Spark and Hive, not from DuckDB.
    const day = partitionPath(lake, 'events', 'date=2019-10-01');
    await mkdir(day, { recursive: true });
    await writeParquet(join(day, 'good.parquet'), 1);
    await writeParquet(join(day, '_underscore.parquet'), 2);
    await writeParquet(join(day, '.dot.parquet'), 3);
    await writeParquet(tempPathFor(join(day, 'next.parquet')), 4);
    expect(await readDataset('events')).toEqual([1, 2, 3]);
  });

  test('a file being written is invisible to readers until it is published complete', async () => {
    const final = join(partitionPath(lake, 'events', 'date=2019-10-01'), 'part.parquet');
    let seenDuringWrite: number[] | undefined;
    let temp = '';
    await writeAtomically(final, async (t) => {
      temp = t;
      await writeParquet(t, 7);
      seenDuringWrite = await readDataset('events').catch(() => []);
    });
    expect(seenDuringWrite).toEqual([]);
    expect(await readDataset('events')).toEqual([7]);
    expect(await readdir(partitionPath(lake, 'events', 'date=2019-10-01'))).toEqual(['part.parquet']);
    expect(temp.startsWith(partitionPath(lake, 'events', 'date=2019-10-01'))).toBe(true);
  });

  test('publishing replaces a file in one step', async () => {
    const final = join(partitionPath(lake, 'events', 'date=2019-10-01'), 'part.parquet');
    await writeAtomically(final, (t) => writeParquet(t, 1));
    let during: number[] = [];
    await writeAtomically(final, async (t) => {
      await writeParquet(t, 2);
      during = await readDataset('events');
    });
    expect(during).toEqual([1]);
    expect(await readDataset('events')).toEqual([2]);
  });

  test('a failed write leaves no temp file and the old file intact', async () => {
    const dir = partitionPath(lake, 'events', 'date=2019-10-01');
    const final = join(dir, 'part.parquet');
    await writeAtomically(final, (t) => writeParquet(t, 1));
    await expect(
      writeAtomically(final, async (t) => {
        await writeFile(t, 'half a file');
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(await readdir(dir)).toEqual(['part.parquet']);
    expect(await readDataset('events')).toEqual([1]);
  });

  test('staged files move into a dataset from the lake-level staging folder', async () => {
    const staging = await makeStagingFolder(lake, 'import');
    expect(staging.startsWith(join(lake, '_staging'))).toBe(true);
    const staged = join(staging, 'x.parquet');
    await writeParquet(staged, 5);
    // Staging outside the dataset: the dataset's glob never sees it.
    expect(await readDataset('events').catch(() => [])).toEqual([]);
    await publishFile(staged, join(partitionPath(lake, 'events', 'date=2019-10-02'), 'x.parquet'));
    expect(await readDataset('events')).toEqual([5]);
    expect(await listDatasets(lake)).toEqual(['events']);
    expect(await readFile(join(partitionPath(lake, 'events', 'date=2019-10-02'), 'x.parquet')).then((b) => b.length)).toBeGreaterThan(0);
  });

  test('staging folders are removed, and _staging with the last of them; an unwritable lake is a UserError', async () => {
    const a = await makeStagingFolder(lake, 'a');
    const b = await makeStagingFolder(lake, 'b');
    await writeFile(join(a, 'x'), '');
    await removeStagingFolder(a);
    expect(await readdir(join(lake, '_staging'))).toEqual([basename(b)]);
    await removeStagingFolder(b);
    expect(await readdir(lake)).toEqual([]);
    const file = join(lake, 'not-a-folder');
    await writeFile(file, '');
    await expect(makeStagingFolder(file, 'c')).rejects.toThrow(UserError);
  });
});
