import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hasErrors } from '../dsl/index.js';
import { openDuckDB } from '../engine/duckdb.js';
import { queryTable } from '../engine/query.js';
import { NotebookSession } from '../engine/session.js';
import { UserError } from '../engine/user-error.js';
import type { CellValue } from '../engine/values.js';
import { A, B, C, events } from './support/hand-events.js';


const notebook = `--- markdown
# Test notebook

--- kohort
source events = lake "events" key user_id time event_time

metric views = count() where event_type = "view"
metric purchases = count() where event_type = "purchase"
metric revenue = sum(price) where event_type = "purchase"
metric last_seen = max(event_time)

profile customers = views, purchases, revenue, last_seen
segment buyers = purchases > 0
segment big = revenue >= 100
query by_type = from events group by event_type select n = count() order by event_type
query sizes = from customers select everyone = count(), big = count() where big

--- sql top
select user_id, revenue from customers order by revenue desc limit 2
`;

let root: string;
let lake: string;
let file: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kohort-session-'));
  lake = join(root, 'lake');
  mkdirSync(join(root, 'notebooks'));
  mkdirSync(lake);
  file = join(root, 'notebooks', 'test.kohort');
  writeFileSync(file, notebook);
  // The fixture is written by a DuckDB of its own, partitioned by day like a real lake.
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  const values = events
    .map(([id, t, type, brand, price]) => `('${id}'::BIGINT, TIMESTAMP '${t}', '${type}', ${brand === null ? 'NULL' : `'${brand}'`}, ${price}::DOUBLE)`)
    .join(',\n');
  await c.run(
    `COPY (SELECT *, CAST(event_time AS DATE) AS date FROM (VALUES ${values}) t(user_id, event_time, event_type, brand, price))
     TO '${join(lake, 'events')}' (FORMAT parquet, PARTITION_BY (date))`,
  );
  c.closeSync();
  instance.closeSync();
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

async function open(text = notebook, asOf?: string): Promise<NotebookSession> {
  writeFileSync(file, text);
  return NotebookSession.open({ file, lake, threads: 1, ...(asOf ? { asOf } : {}) });
}

const byFirst = (rows: CellValue[][]) => [...rows].sort((a, b) => String(a[0]).localeCompare(String(b[0])));

describe('a notebook over a hand-made lake', () => {
  test('introspects the lake and compiles without errors', async () => {
    const s = await open();
    try {
      expect(hasErrors(s.diagnostics)).toBe(false);
      expect(s.schemas['events']!.columns.map((c) => `${c.name}:${c.sqlType}`)).toEqual([
        'user_id:BIGINT',
        'event_time:TIMESTAMP',
        'event_type:VARCHAR',
        'brand:VARCHAR',
        'price:DOUBLE',
        'date:DATE',
      ]);
      expect(await s.asOf()).toBe('2019-10-03T12:30:00');
    } finally {
      s.close();
    }
  });

  test('the profile matches the hand-computed values, ids exact', async () => {
    const s = await open();
    try {
      const r = await s.run('customers');
      expect(r.table.columns.map((c) => c.name)).toEqual(['user_id', 'views', 'purchases', 'revenue', 'last_seen']);
      expect(byFirst(r.table.rows)).toEqual(
        byFirst([
          [BigInt(A), 2n, 2n, 120.5, '2019-10-03T09:00:00'],
          [BigInt(B), 1n, 0n, 0, '2019-10-01T09:05:00'],
          [BigInt(C), 1n, 1n, 1.25, '2019-10-03T12:30:00'],
        ]),
      );
    } finally {
      s.close();
    }
  });

  test('the profile matches a hand-written single-pass query', async () => {
    const s = await open();
    const db = await openDuckDB({ workspace: root, lake, threads: 1 });
    try {
      const compiled = await s.run('customers');
      const hand = await queryTable(
        db.connection,
        `SELECT user_id,
                count(*) FILTER (WHERE event_type = 'view') AS views,
                count(*) FILTER (WHERE event_type = 'purchase') AS purchases,
                coalesce(sum(price) FILTER (WHERE event_type = 'purchase'), 0) AS revenue,
                max(event_time) AS last_seen
         FROM read_parquet('${lake}/events/**/*.parquet', hive_partitioning = true)
         GROUP BY user_id`,
      );
      expect(byFirst(compiled.table.rows)).toEqual(byFirst(hand.rows));
    } finally {
      db.close();
      s.close();
    }
  });

  test('segments, queries and a sql cell give the hand-computed answers', async () => {
    const s = await open();
    try {
      expect(byFirst((await s.run('buyers')).table.rows).map((r) => r[0])).toEqual(byFirst([[BigInt(A)], [BigInt(C)]]).map((r) => r[0]));
      expect((await s.run('big')).table.rows.map((r) => r[0])).toEqual([BigInt(A)]);
      expect((await s.run('by_type')).table.rows).toEqual([
        ['cart', 1n],
        ['purchase', 3n],
        ['view', 4n],
      ]);
      expect((await s.run('sizes')).table.rows).toEqual([[3n, 1n]]);
      expect((await s.run('top')).table.rows).toEqual([
        [BigInt(A), 120.5],
        [BigInt(C), 1.25],
      ]);
    } finally {
      s.close();
    }
  });

  test('running cells together materialises shared relations and gives the same results as inline CTEs', async () => {
    const s = await open();
    try {
      const names = s.resultCells().map((c) => c.name);
      expect(names).toEqual(['customers', 'buyers', 'big', 'by_type', 'sizes', 'top']);
      const inline = [];
      for (const n of names) inline.push(await s.run(n));
      const together = await s.runMany(names);
      for (let i = 0; i < names.length; i++) {
        expect(together[i]!.table.columns).toEqual(inline[i]!.table.columns);
        expect(byFirst(together[i]!.table.rows)).toEqual(byFirst(inline[i]!.table.rows));
      }
      // The per-customer metrics scan is shared by every cell here, so it is a table now.
      const tables = await queryTable(s.connection, `SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'main' AND table_catalog = 'temp' ORDER BY 1`);
      const kinds = Object.fromEntries(tables.rows.map(([n, t]) => [n, t]));
      expect(kinds['events__metrics']).toBe('LOCAL TEMPORARY');
      expect(kinds['events']).toBe('VIEW');
    } finally {
      s.close();
    }
  });

  test('--as-of moves the notebook back in time', async () => {
    const s = await open(notebook, '2019-10-01');
    try {
      expect(await s.asOf()).toBe('2019-10-01T23:59:59.999999');
      const r = await s.run('customers');
      expect(byFirst(r.table.rows)).toEqual(
        byFirst([
          [BigInt(A), 1n, 0n, 0, '2019-10-01T10:00:00'],
          [BigInt(B), 1n, 0n, 0, '2019-10-01T09:05:00'],
        ]),
      );
    } finally {
      s.close();
    }
  });

  test('an unknown cell suggests the closest name', async () => {
    const s = await open();
    try {
      await expect(s.run('customer')).rejects.toThrow(/no cell `customer` in .*test\.kohort — did you mean `customers`\?/);
    } finally {
      s.close();
    }
  });
});

describe('sql cells', () => {
  // The place is the cell's header, or the spot in its SQL when DuckDB points at one.
  const refused: [string, string, RegExp, 'header' | 'sql'][] = [
    ['drop', 'drop view customers', /sql cell `drop` is a DROP statement; a sql cell may only read/, 'header'],
    ['two', 'select 1; select 2', /sql cell `two` holds 2 statements/, 'header'],
    ['setting', 'SET enable_external_access = true', /sql cell `setting` is a SET statement/, 'header'],
    ['attach', "ATTACH ':memory:' AS other", /sql cell `attach` is a ATTACH statement/, 'header'],
    ['create', 'create table t as select 1 as x', /sql cell `create` is a CREATE statement/, 'header'],
    ['passwd', "select * from read_csv('/etc/passwd')", /cell `passwd`: cannot access \/etc\/passwd: kohort reads only files under/, 'sql'],
    ['text', "select * from read_text('/etc/passwd')", /cell `text`: cannot access \/etc\/passwd/, 'sql'],
    ['copy', "COPY (select 1) TO '/tmp/kohort-escape.csv'", /cell `copy`: cannot access \/tmp\/kohort-escape\.csv/, 'header'],
    ['load', 'LOAD httpfs', /sql cell `load` is a LOAD statement/, 'header'],
  ];

  test.each(refused)('refuses %s', async (name, sql, message, where) => {
    const s = await open(`${notebook}\n--- sql ${name}\n${sql}\n`);
    try {
      const error = await s.run(name).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(UserError);
      expect((error as Error).message).toMatch(message);
      // …and names the cell's place in the notebook.
      const header = `${notebook}\n`.split('\n').length;
      const line = where === 'header' ? header : header + 1;
      expect((error as Error).message.startsWith(`${file}:${line}:`)).toBe(true);
    } finally {
      s.close();
    }
  });

  test('a DuckDB error names the cell and the spot in the notebook', async () => {
    const lines = `${notebook}\n--- sql oops\n\nselect user_id,\n  no_such_column\nfrom customers\n--- sql wrapped\nwith x as (select 1 as a)\nselect b from x\n`;
    const line = (text: string) => lines.split('\n').indexOf(text) + 1;
    const s = await open(lines);
    try {
      await expect(s.run('oops')).rejects.toThrow(
        new RegExp(`^${file}:${line('  no_such_column')}:3: cell \`oops\`: Binder Error: Referenced column "no_such_column" not found`),
      );
      // A cell with its own WITH is wrapped (and indented) by the compiler; the place still holds.
      await expect(s.run('wrapped')).rejects.toThrow(new RegExp(`^${file}:${line('select b from x')}:8: cell \`wrapped\`: Binder Error`));
    } finally {
      s.close();
    }
  });
});

test('a source without data says how to get some', async () => {
  const empty = join(root, 'empty-lake');
  mkdirSync(empty, { recursive: true });
  writeFileSync(file, notebook);
  await expect(NotebookSession.open({ file, lake: empty, threads: 1 })).rejects.toThrow(
    new RegExp(`test\\.kohort:5:1: source \`events\`: no Parquet files under ${empty}/events — import or generate data first: kohort import FILE.csv --lake ${empty} --source events`),
  );
});

test('a missing notebook is a UserError naming the path', async () => {
  await expect(NotebookSession.open({ file: join(root, 'nope.kohort'), lake })).rejects.toThrow(`${join(root, 'nope.kohort')}: no such file`);
});

test('a lake URL is read through WebHDFS, never as a local path: one that does not answer is named; other schemes are refused', async () => {
  writeFileSync(file, notebook);
  await expect(NotebookSession.open({ file, lake: 'webhdfs://namenode.invalid:9870/lake' })).rejects.toThrow(
    /source `events`: cannot read webhdfs:\/\/namenode\.invalid:9870\/lake\/events through WebHDFS http:\/\/namenode\.invalid:9870: .*(host not found|host lookup failed)$/,
  );
  await expect(NotebookSession.open({ file, lake: 's3://bucket/lake' })).rejects.toThrow('a lake is a folder, hdfs://…, webhdfs://… or swebhdfs://…, not `s3://`');
});
