import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { sqlString } from '../engine/duckdb.js';
import { useScratch } from '../tests/support/scratch.js';
import { datasetGlob, listPartitions } from '../engine/lake.js';
import { UserError } from '../engine/user-error.js';
import { importCsv, type ImportProgress } from './csv-import.js';
import { rees46CsvHeader } from './rees46.js';

const sample = join(import.meta.dirname, '..', 'tests', 'fixtures', 'rees46-2019-oct-sample.csv');

const scratch = useScratch('kohort-import');
const { freshLake, rows } = scratch;
const q = sqlString;

function scan(lake: string, source = 'events'): string {
  return `read_parquet(${q(datasetGlob(lake, source))}, hive_partitioning = true)`;
}

/** The rejects file as rows (DuckDB reads it, so quoting is checked too). */
async function rejects(file: string): Promise<{ file: string; line: number; reason: string; raw: string }[]> {
  const out = await rows(`SELECT * FROM read_csv(${q(file)}, header = true, all_varchar = true) ORDER BY CAST(line AS BIGINT)`);
  return out.map((r) => ({ file: String(r['file']), line: Number(r['line']), reason: String(r['reason']), raw: String(r['raw']) }));
}

describe('the real REES46 sample', () => {
  test('1,000 rows land with exact ids, NULL for empty texts, partitioned by day', async () => {
    const lake = freshLake();
    const progress: ImportProgress[] = [];
    const report = await importCsv({ files: [sample], lake, onProgress: (p) => progress.push(p) });
    expect(report).toMatchObject({ source: 'events', rows: 1000, rejected: 0, partitions: ['date=2019-10-01'] });
    expect(report.rejectsFile).toBeUndefined();
    expect(report.files).toHaveLength(1);
    expect(report.files[0]).toMatch(/\/events\/date=2019-10-01\/csv-rees46-2019-oct-sample-[0-9a-f]{16}-0\.parquet$/);
    expect(progress.at(-1)).toEqual({ file: sample, rows: 1000, fraction: 1 });

    // Independent reference: the CSV's own text, field by field.
    const lines = (await readFile(sample, 'utf8')).trimEnd().split('\n').slice(1);
    const expected = lines
      .map((l) => {
        const f = l.split(',');
        return [f[0]!.replace(' UTC', ''), f[1], f[2], f[3], f[4] || null, f[5] || null, Number(f[6]), f[7], f[8] || null].join('|');
      })
      .sort();
    const got = await rows(
      `SELECT CAST(event_time AS VARCHAR) AS t, event_type, CAST(product_id AS VARCHAR) AS p, CAST(category_id AS VARCHAR) AS c,
              category_code, brand, price, CAST(user_id AS VARCHAR) AS u, user_session, CAST(date AS VARCHAR) AS d FROM ${scan(lake)}`,
    );
    expect(got.map((r) => [r['t'], r['event_type'], r['p'], r['c'], r['category_code'], r['brand'], r['price'], r['u'], r['user_session']].join('|')).sort()).toEqual(expected);
    expect(new Set(got.map((r) => r['d']))).toEqual(new Set(['2019-10-01']));
    // Ids beyond 2^53 survive: e.g. 2053013555631882655 is not a double.
    expect(got.some((r) => r['c'] === '2053013555631882655')).toBe(true);
    const types = await rows(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${scan(lake)})`);
    expect(types.map((r) => `${r['column_name']} ${r['column_type']}`)).toEqual([
      'event_time TIMESTAMP',
      'event_type VARCHAR',
      'product_id BIGINT',
      'category_id BIGINT',
      'category_code VARCHAR',
      'brand VARCHAR',
      'price DOUBLE',
      'user_id BIGINT',
      'user_session VARCHAR',
      'date DATE',
    ]);
    const nulls = await rows(`SELECT count(*) FILTER (WHERE brand IS NULL) AS b, count(*) FILTER (WHERE category_code IS NULL) AS c FROM ${scan(lake)}`);
    expect(nulls).toEqual([{ b: 143n, c: 366n }]);
  });

  test('importing the same content again replaces its files instead of doubling the data', async () => {
    const lake = freshLake();
    const first = await importCsv({ files: [sample], lake });
    const copy = join(scratch.root, 'renamed.csv');
    await writeFile(copy, await readFile(sample));
    const again = await importCsv({ files: [sample], lake });
    const renamed = await importCsv({ files: [copy], lake });
    expect(again.files).toEqual(first.files);
    expect(renamed.files).toHaveLength(1);
    const all = (await listPartitions(lake, 'events')).flatMap((p) => p.files);
    expect(all).toEqual(renamed.files);
    expect(await rows(`SELECT count(*) AS n FROM ${scan(lake)}`)).toEqual([{ n: 1000n }]);
    // The same content twice in one call is imported once.
    const both = await importCsv({ files: [sample, copy], lake });
    expect(both).toMatchObject({ rows: 1000, files: first.files });
    expect((await listPartitions(lake, 'events')).flatMap((p) => p.files)).toEqual(first.files);
    expect(await rows(`SELECT count(*) AS n FROM ${scan(lake)}`)).toEqual([{ n: 1000n }]);
    // Nothing of kohort's own is left behind but the datasets.
    expect(await readdir(lake)).toEqual(['events']);
  });
});

describe('bad rows', () => {
  const good = '2019-10-02 10:00:00 UTC,view,1003461,2053013555631882655,electronics.smartphone,xiaomi,489.07,520088904,4d3b30da-a5e4-49df-b1a8-ba5943f1dd33';
  const lines = [
    rees46CsvHeader, //                                                                   1
    good, //                                                                              2
    '2019-10-02 10:00:01 UTC,click,1003461,2053013555631882655,,,489.07,520088904,s', //  3 unknown type
    '', //                                                                                4 empty: skipped
    '2019-10-02 10:00:02 UTC,view,1003461,2053013555631882655,,,489.07,520088904', //     5 8 fields
    '2019-10-02 10:00:03 UTC,view,1003461,2053013555631882655,,,489.07,520088904,s,x', // 6 10 fields
    '2019-10-32 10:00:04 UTC,view,1003461,2053013555631882655,,,489.07,520088904,s', //  7 bad day
    '2019-10-02 10:00:05 UTC,view,1003461,2053013555631882655,,,-3.50,520088904,s', //   8 negative
    '2019-10-02 10:00:06 UTC,view,1003461,2053013555631882655,,,abc,520088904,s', //     9 not a number
    '2019-10-02 10:00:07 UTC,view,10034.61,2053013555631882655,,,1,520088904,s', //      10 not an integer
    '2019-10-02 10:00:08 UTC,view,1003461,2053013555631882655,,"a, b",1,520088904,s', // 11 quoted comma: good
    '2019-10-02T10:00:09Z,cart,1003461,2053013555631882655,,,1,520088904,', //           12 ISO time: good
    '2019-10-02 10:00:10 UTC,view,1003461,2053013555631882655,,"a"b,1,520088904,s', //   13 stray quote
    '2019-10-03 00:00:00 UTC,purchase,1003461,2053013555631882655,,,0,520088904,s', //   14 good, next day
    ',view,1,2,,,1,5,s', //                                                               15 missing time
  ];

  test('each rejected line is listed with its number and reason, and the good rows still land', async () => {
    const lake = freshLake();
    const file = join(scratch.root, 'dirty.csv');
    await writeFile(file, `${lines.join('\n')}\n`);
    const report = await importCsv({ files: [file], lake, source: 'clicks' });
    expect(report).toMatchObject({ source: 'clicks', rows: 4, rejected: 9, partitions: ['date=2019-10-02', 'date=2019-10-03'] });
    expect(report.rejectsFile).toMatch(/\/_rejects\/clicks\/dirty-[0-9a-f]{8}\.csv$/);
    const listed = await rejects(report.rejectsFile!);
    expect(listed.map((r) => [r.line, r.reason.split(':')[0]])).toEqual([
      [3, 'unknown-event-type'],
      [5, 'wrong-column-count'],
      [6, 'wrong-column-count'],
      [7, 'bad-event-time'],
      [8, 'negative-price'],
      [9, 'bad-price'],
      [10, 'bad-id'],
      [13, 'bad-quoting'],
      [15, 'missing-value'],
    ]);
    expect(listed.every((r) => r.file === file)).toBe(true);
    expect(listed.map((r) => r.raw)).toEqual([3, 5, 6, 7, 8, 9, 10, 13, 15].map((l) => lines[l - 1]));
    expect(listed[1]!.reason).toBe('wrong-column-count: expected 9 comma-separated fields, found 8');
    expect(listed[4]!.reason).toBe('negative-price: price is negative');

    const landed = await rows(`SELECT CAST(event_time AS VARCHAR) AS t, event_type, brand, user_session FROM ${scan(lake, 'clicks')} ORDER BY t`);
    expect(landed).toEqual([
      { t: '2019-10-02 10:00:00', event_type: 'view', brand: 'xiaomi', user_session: '4d3b30da-a5e4-49df-b1a8-ba5943f1dd33' },
      { t: '2019-10-02 10:00:08', event_type: 'view', brand: 'a, b', user_session: 's' },
      { t: '2019-10-02 10:00:09', event_type: 'cart', brand: null, user_session: null },
      { t: '2019-10-03 00:00:00', event_type: 'purchase', brand: null, user_session: 's' },
    ]);

    // Fixed and imported again: the stale rejects list goes, the fixed file's rows replace nothing else.
    await writeFile(file, `${[rees46CsvHeader, good].join('\n')}\n`);
    const fixed = await importCsv({ files: [file], lake, source: 'clicks' });
    expect(fixed).toMatchObject({ rows: 1, rejected: 0 });
    expect(await readdir(join(lake, '_rejects', 'clicks'))).toEqual([basename(report.rejectsFile!)]);
  });

  test('several files: rejects list each file and line; the same content twice is listed once', async () => {
    const lake = freshLake();
    const a = join(scratch.root, 'a.csv');
    const b = join(scratch.root, 'b.csv');
    const b2 = join(scratch.root, 'b-again.csv');
    await writeFile(a, `${[rees46CsvHeader, lines[2], lines[1]].join('\n')}\n`);
    await writeFile(b, `${[rees46CsvHeader, lines[1], lines[1], lines[7]].join('\n')}\n`);
    await writeFile(b2, await readFile(b));
    const report = await importCsv({ files: [a, b, b2], lake });
    expect(report).toMatchObject({ rows: 3, rejected: 2 });
    expect(report.rejectsFile).toMatch(/\/_rejects\/events\/a-and-2-more-[0-9a-f]{8}\.csv$/);
    expect((await rejects(report.rejectsFile!)).map((r) => [r.file, r.line])).toEqual([
      [a, 2],
      [b, 4],
    ]);
  });

  test('line numbers stay exact in a file DuckDB reads in parallel chunks', async () => {
    const lake = freshLake();
    const file = join(scratch.root, 'big.csv');
    const total = 400_000; // ~55 MB: several of DuckDB's CSV buffers, read by both threads
    const badLines = [2, 3, 77_777, 123_457, 250_001, 399_999, total + 1];
    await scratch.db.run(`COPY (
        SELECT CASE WHEN i + 2 IN (${badLines.join(', ')})
          THEN '2019-10-05 12:00:00 UTC,view,' || (i + 2) || ',2053013555631882655,,,-1,1,s'
          ELSE strftime(TIMESTAMP '2019-10-01' + to_seconds(i * 6), '%Y-%m-%d %H:%M:%S') || ' UTC,view,' || (i + 2) ||
               ',2053013555631882655,electronics.smartphone,samsung,' || (i % 1000) || '.99,' || (500000000 + i % 7777) ||
               ',c5b7f6c2-3f3e-4a7d-9c3e-2a3a0e5f' || lpad(CAST(i % 10000 AS VARCHAR), 4, '0')
        END AS line
        FROM range(${total}) t(i)
      ) TO ${q(file)} (FORMAT csv, HEADER false, QUOTE '')`);
    const text = await readFile(file, 'utf8');
    await writeFile(file, `${rees46CsvHeader}\n${text}`);
    const report = await importCsv({ files: [file], lake });
    expect(report.rows + report.rejected).toBe(total);
    expect(report.rejected).toBe(badLines.length);
    const listed = await rejects(report.rejectsFile!);
    // Each bad line carries its own line number as product_id: the reported number must match it.
    expect(listed.map((r) => r.line)).toEqual(badLines);
    expect(listed.map((r) => Number(r.raw.split(',')[2]))).toEqual(badLines);
    expect(await rows(`SELECT count(*) AS n, count(DISTINCT product_id) AS p FROM ${scan(lake)}`)).toEqual([{ n: BigInt(report.rows), p: BigInt(report.rows) }]);
  });
});

describe('files that cannot be imported', () => {
  async function refusal(files: string[]): Promise<UserError> {
    try {
      await importCsv({ files, lake: freshLake() });
    } catch (e) {
      if (e instanceof UserError) return e;
      throw e;
    }
    throw new Error('expected a UserError');
  }

  test('a missing file, a folder, an empty file and a wrong header name the path', async () => {
    const missing = join(scratch.root, 'nope.csv');
    expect((await refusal([sample, missing])).message).toBe(`${missing}: no such file`);
    expect((await refusal([scratch.root])).message).toBe(`${scratch.root}: is a folder, not a CSV file`);
    const empty = join(scratch.root, 'empty.csv');
    await writeFile(empty, '');
    expect((await refusal([empty])).message).toMatch(new RegExp(`^${empty}: empty file`));
    const other = join(scratch.root, 'other.csv');
    await writeFile(other, 'user_id,amount\n1,2\n');
    expect((await refusal([other])).message).toBe(
      `${other}: not a REES46 CSV file: the header is \`user_id,amount\`, expected \`${rees46CsvHeader}\``,
    );
    await expect(importCsv({ files: [], lake: freshLake() })).rejects.toThrow(UserError);
    await expect(importCsv({ files: [sample], lake: freshLake(), source: '_rejects' })).rejects.toThrow(UserError);
  });

  test('a stray carriage return or invalid UTF-8 names the line; nothing is published', async () => {
    const good = '2019-10-02 10:00:00 UTC,view,1,2,,,1,5,s';
    const cr = join(scratch.root, 'cr.csv');
    await writeFile(cr, `${rees46CsvHeader}\n${good}\n${good}\r\n${good}\n`);
    const lakeCr = freshLake();
    await expect(importCsv({ files: [cr], lake: lakeCr })).rejects.toThrow(`${cr}:3: a carriage return`);
    const latin1 = join(scratch.root, 'latin1.csv');
    await writeFile(latin1, Buffer.concat([Buffer.from(`${rees46CsvHeader}\n${good}\n`), Buffer.from('2019-10-02 10:00:00 UTC,view,1,2,,caf\xe9,1,5,s\n', 'latin1')]));
    const lakeLatin = freshLake();
    const e = await importCsv({ files: [latin1], lake: lakeLatin }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).message).toMatch(new RegExp(`^${latin1}:3: .*unicode`, 'i'));
    // A bad file among good ones: nothing of the call is published.
    const lakeMixed = freshLake();
    await expect(importCsv({ files: [sample, latin1], lake: lakeMixed })).rejects.toThrow(UserError);
    for (const lake of [lakeCr, lakeLatin, lakeMixed]) {
      expect(await listPartitions(lake, 'events')).toEqual([]);
      await mkdir(lake, { recursive: true });
      expect(await readdir(lake)).not.toContain('events');
    }
  });
});
