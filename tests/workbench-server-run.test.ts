import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromIPC, type Table } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, type RunningServer } from '../workbench/server/index.js';
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
profile days per day = views, purchases, revenue
segment buyers = purchases > 0
segment big = revenue >= 100
query by_type = from events group by event_type select n = count() order by event_type

--- sql top
select user_id, revenue from customers order by revenue desc limit 2

--- sql forever
select sum(i) as s from range(100000000000000) t(i)

--- sql sneaky
select * from read_text('/etc/passwd')

--- sql writer
drop table customers
`;

let root: string;
let workspace: string;
let lake: string;
let server: RunningServer;

async function writeEvents(rows: readonly (readonly [string, string, string, string | null, number])[], dir: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  const values = rows
    .map(([id, t, type, brand, price]) => `('${id}'::BIGINT, TIMESTAMP '${t}', '${type}', ${brand === null ? 'NULL' : `'${brand}'`}, ${price}::DOUBLE)`)
    .join(',\n');
  await c.run(
    `COPY (SELECT *, CAST(event_time AS DATE) AS date FROM (VALUES ${values}) t(user_id, event_time, event_type, brand, price))
     TO '${dir}' (FORMAT parquet, PARTITION_BY (date), FILENAME_PATTERN 'part-{uuid}', APPEND)`,
  );
  c.closeSync();
  instance.closeSync();
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kohort-serve-run-'));
  workspace = join(root, 'workspace');
  lake = join(root, 'lake');
  mkdirSync(workspace);
  mkdirSync(lake);
  writeFileSync(join(workspace, 'test.kohort'), notebook);
  await writeEvents(events, join(lake, 'events'));
  // One DuckDB: a run that was not interrupted would keep every later request waiting.
  server = await startServer({ workspace, lake, port: 0, poolSize: 1, threads: 2, uiDir: join(root, 'no-ui'), log: () => {} });
});

afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

function post(path: string, body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(server.url + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), ...init });
}

async function run(cell: string, extra: Record<string, unknown> = {}, text = notebook) {
  const res = await post('/api/run', { path: 'test.kohort', text, cell, ...extra });
  if (res.status !== 200) return { status: res.status, error: (await res.json()) as any, headers: res.headers };
  expect(res.headers.get('content-type')).toBe('application/vnd.apache.arrow.stream');
  const table = tableFromIPC(new Uint8Array(await res.arrayBuffer()));
  return { status: 200, table, headers: res.headers };
}

/** Rows with ids as text, so they compare without a JS number in between. */
function rows(table: Table): Record<string, unknown>[] {
  return table.toArray().map((r) => {
    const o = r.toJSON() as Record<string, unknown>;
    for (const k of Object.keys(o)) if (typeof o[k] === 'bigint') o[k] = (o[k] as bigint).toString();
    return o;
  });
}

describe('run', () => {
  test('a profile comes back as Arrow IPC, BIGINT ids exact, with the row count', async () => {
    const r = await run('customers');
    expect(r.status).toBe(200);
    const table = r.table!;
    expect(table.schema.fields.map((f) => [f.name, String(f.type), f.metadata.get('kohort.sqlType')])).toEqual([
      ['user_id', 'Int64', 'BIGINT'],
      ['views', 'Int64', 'BIGINT'],
      ['purchases', 'Int64', 'BIGINT'],
      ['revenue', 'Float64', 'DOUBLE'],
      ['last_seen', 'Timestamp<MICROSECOND>', 'TIMESTAMP'],
    ]);
    const byId = Object.fromEntries(rows(table).map((row) => [row['user_id'], row]));
    expect(Object.keys(byId).sort()).toEqual([A, B, C].sort());
    expect(byId[A]).toEqual({ user_id: A, views: '2', purchases: '2', revenue: 120.5, last_seen: Date.UTC(2019, 9, 3, 9) });
    expect(byId[B]).toEqual({ user_id: B, views: '1', purchases: '0', revenue: 0, last_seen: Date.UTC(2019, 9, 1, 9, 5) });
    expect(byId[C]).toEqual({ user_id: C, views: '1', purchases: '1', revenue: 1.25, last_seen: Date.UTC(2019, 9, 3, 12, 30) });
    // The exact id, as a bigint, straight from the Arrow column.
    expect(table.getChild('user_id')!.toArray()).toContain(BigInt(A));
    expect(r.headers.get('x-kohort-rows')).toBe('3');
    expect(r.headers.get('x-kohort-truncated')).toBe('false');
    expect(Number(r.headers.get('x-kohort-millis'))).toBeGreaterThanOrEqual(0);
  });

  test('queries, daily profiles and sql cells that read other cells', async () => {
    expect(rows((await run('by_type')).table!)).toEqual([
      { event_type: 'cart', n: '1' },
      { event_type: 'purchase', n: '3' },
      { event_type: 'view', n: '4' },
    ]);
    const days = rows((await run('days')).table!)
      .filter((d) => d['user_id'] === A)
      .sort((x, y) => (x['day'] as number) - (y['day'] as number));
    expect(days.map((d) => [d['day'], d['views'], d['purchases'], d['revenue']])).toEqual([
      [Date.UTC(2019, 9, 1), '1', '0', 0],
      [Date.UTC(2019, 9, 2), '1', '1', 100.5],
      [Date.UTC(2019, 9, 3), '0', '1', 20],
    ]);
    expect(rows((await run('top')).table!)).toEqual([
      { user_id: A, revenue: 120.5 },
      { user_id: C, revenue: 1.25 },
    ]);
  });

  test('a limit sends the first rows and counts the rest', async () => {
    const r = await run('customers', { limit: 1 });
    expect(r.table!.numRows).toBe(1);
    expect(r.headers.get('x-kohort-rows')).toBe('3');
    expect(r.headers.get('x-kohort-truncated')).toBe('true');
    // A raw sql cell is counted by reading on; a DSL cell by DuckDB: the same answer either way.
    const sql = await run('top', { limit: 1 });
    expect([sql.table!.numRows, sql.headers.get('x-kohort-rows'), sql.headers.get('x-kohort-truncated')]).toEqual([1, '2', 'true']);
    const none = await run('customers', { limit: 0 });
    expect(none.table!.numRows).toBe(0);
    expect(none.headers.get('x-kohort-rows')).toBe('3');
    expect(none.table!.schema.fields.map((f) => f.name)).toEqual(['user_id', 'views', 'purchases', 'revenue', 'last_seen']);
  });

  test('a repeated run is cached; a changed definition or new data recomputes', async () => {
    const first = await run('big');
    const second = await run('big');
    expect(second.headers.get('x-kohort-cached')).toBe('true');
    expect(second.headers.get('x-kohort-key')).toBe(first.headers.get('x-kohort-key'));
    expect(rows(second.table!)).toEqual(rows(first.table!));
    expect(rows(first.table!)).toEqual([{ user_id: A, revenue: 120.5 }]);

    // Changing an unrelated cell changes nothing for `big`.
    const unrelated = notebook.replace('segment buyers = purchases > 0', 'segment buyers = purchases > 1');
    expect((await run('big', {}, unrelated)).headers.get('x-kohort-cached')).toBe('true');

    // A changed definition: recomputed, different answer.
    const changed = notebook.replace('segment big = revenue >= 100', 'segment big = revenue >= 1');
    const recomputed = await run('big', {}, changed);
    expect(recomputed.headers.get('x-kohort-cached')).toBe('false');
    expect(rows(recomputed.table!).map((r) => r['user_id']).sort()).toEqual([A, C].sort());

    // New data: a new customer appears in the lake.
    await writeEvents([['42', '2019-10-02 10:00:00', 'purchase', 'lg', 500]], join(lake, 'events'));
    const fresh = await run('big');
    expect(fresh.headers.get('x-kohort-cached')).toBe('false');
    expect(fresh.headers.get('x-kohort-key')).not.toBe(first.headers.get('x-kohort-key'));
    expect(rows(fresh.table!).map((r) => r['user_id']).sort()).toEqual([A, '42'].sort());
    expect((await run('big')).headers.get('x-kohort-cached')).toBe('true');
  });

  test('the compile gives each cell the result key its run will have', async () => {
    const res = await post('/api/compile', { path: 'test.kohort', text: notebook });
    const compiled = (await res.json()) as any;
    const r = await run('customers');
    expect(compiled.resultKeys.customers).toBe(r.headers.get('x-kohort-key'));
  });

  test('cancelling a run (aborting the request) interrupts DuckDB', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = post('/api/run', { path: 'test.kohort', text: notebook, cell: 'forever' }, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 700));
    controller.abort();
    await expect(pending).rejects.toThrow();
    // With one DuckDB in the pool, this waits for `forever` unless it was interrupted.
    const next = await run('by_type', { asOf: '2019-10-02' });
    expect(next.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(15_000);
    // The cancelled run cached nothing: running it again starts it again (and we cancel again).
    const again = new AbortController();
    const second = post('/api/run', { path: 'test.kohort', text: notebook, cell: 'forever' }, { signal: again.signal });
    await new Promise((r) => setTimeout(r, 300));
    again.abort();
    await expect(second).rejects.toThrow();
    expect((await run('customers')).status).toBe(200);
  });

  test('a cell with errors is a 422 naming the cell and file:line:col', async () => {
    const broken = notebook.replace('segment big = revenue >= 100', 'segment big = revnue >= 100');
    const r = await run('big', {}, broken);
    expect(r.status).toBe(422);
    expect(r.error).toEqual({ error: expect.stringMatching(/cell `big`.*revnue/), place: expect.stringMatching(/^test\.kohort:\d+:\d+$/) });
    const line = broken.split('\n').findIndex((l) => l.includes('revnue')) + 1;
    expect(r.error.place).toBe(`test.kohort:${line}:15`);
    const unknown = await run('nope');
    expect(unknown.status).toBe(422);
    expect(unknown.error.error).toMatch(/no cell `nope`/);
  });

  test('DuckDB refusals are 422s: files outside, statements that write', async () => {
    const sneaky = await run('sneaky');
    expect(sneaky.status).toBe(422);
    expect(sneaky.error.error).toMatch(/cannot access \/etc\/passwd: kohort reads only/);
    expect(sneaky.error.place).toMatch(/^test\.kohort:\d+:\d+$/);
    const writer = await run('writer');
    expect(writer.status).toBe(422);
    expect(writer.error.error).toMatch(/may only read/);
    // Nothing was dropped.
    expect((await run('customers')).status).toBe(200);
  });

  test('sources without data: a hint on the compile, a 422 on the run', async () => {
    const text = 'source clicks = lake "clicks" key user_id time event_time\nprofile p = n\nmetric n = count()\n';
    const compiled = (await (await post('/api/compile', { path: 'test.kohort', text })).json()) as any;
    const warning = compiled.diagnostics.find((d: { code: string }) => d.code === 'missing-schema');
    expect(warning.hints.join(' ')).toMatch(/no Parquet files under .*clicks/);
    const r = await run('p', {}, text);
    expect(r.status).toBe(422);
    expect(r.error).toEqual({ error: expect.stringMatching(/no Parquet files/), place: 'test.kohort:1:1' });
  });

  test('sources outside the workspace and the lake are refused, not read', async () => {
    const text = 'source secrets = csv "/etc/passwd" key a time b\nsource everything = parquet "/**/*.parquet" key a time b\n';
    const compiled = (await (await post('/api/compile', { path: 'test.kohort', text })).json()) as any;
    const hints = compiled.diagnostics.filter((d: { code: string }) => d.code === 'missing-schema').map((d: { hints: string[] }) => d.hints.join(' '));
    expect(hints).toEqual([expect.stringMatching(/cannot access \/etc\/passwd: kohort reads only/), expect.stringMatching(/kohort reads only/)]);
  });
});

describe('compile and schemas', () => {
  test('schemas come from the lake', async () => {
    const res = await fetch(`${server.url}/api/schemas?path=test.kohort`);
    expect(res.status).toBe(200);
    const catalog = (await res.json()) as any;
    expect(catalog.events.columns.map((c: { name: string; type: string; sqlType: string }) => [c.name, c.type, c.sqlType])).toEqual([
      ['user_id', 'number', 'BIGINT'],
      ['event_time', 'timestamp', 'TIMESTAMP'],
      ['event_type', 'string', 'VARCHAR'],
      ['brand', 'string', 'VARCHAR'],
      ['price', 'number', 'DOUBLE'],
      ['date', 'date', 'DATE'],
    ]);
  });

  test('the compile checks columns against them, and never fails for the notebook\'s mistakes', async () => {
    const text = notebook.replace('metric revenue = sum(price)', 'metric revenue = sum(prize)');
    const res = await post('/api/compile', { path: 'test.kohort', text });
    expect(res.status).toBe(200);
    const compiled = (await res.json()) as any;
    expect(compiled.diagnostics).toEqual([expect.objectContaining({ code: 'unknown-column', severity: 'error', message: expect.stringMatching(/prize/) })]);
    expect(compiled.cells.find((c: { name: string }) => c.name === 'big').sql).toBeUndefined();
    expect(compiled.cells.find((c: { name: string }) => c.name === 'buyers').sql).toMatch(/SELECT/);
  });
});

describe('segments and customers', () => {
  test('a segment summary: size, share of all customers, first members', async () => {
    const res = await post('/api/segment-summary', { path: 'test.kohort', text: notebook, cell: 'buyers', asOf: '2019-10-03 23:59:59' });
    expect(res.status).toBe(200);
    const summary = (await res.json()) as any;
    // Customer 42 (added by the cache test) bought on Oct 2: four customers, three buyers.
    expect(summary).toMatchObject({ segment: 'buyers', source: 'events', keyColumn: 'user_id', size: 3, total: 4, share: 0.75 });
    // Exact JSON: ids past 2^53 as strings of digits, small integers as numbers.
    expect(summary.preview).toEqual([
      { user_id: 42, purchases: 1 },
      { user_id: C, purchases: 1 },
      { user_id: A, purchases: 2 },
    ]);
    expect(summary.previewColumns).toEqual([
      { name: 'user_id', sqlType: 'BIGINT', kind: 'integer' },
      { name: 'purchases', sqlType: 'BIGINT', kind: 'integer' },
    ]);
    const notSegment = await post('/api/segment-summary', { path: 'test.kohort', text: notebook, cell: 'customers' });
    expect(notSegment.status).toBe(400);
  });

  test('a customer: metrics, days and latest events, by exact id', async () => {
    const res = await post('/api/customer', { path: 'test.kohort', text: notebook, key: A });
    expect(res.status).toBe(200);
    const view = (await res.json()) as any;
    expect(view).toMatchObject({ key: A, source: 'events', keyColumn: 'user_id', profileName: 'customers', dailyProfileName: 'days' });
    expect(view.profile).toEqual({ views: 2, purchases: 2, revenue: 120.5, last_seen: '2019-10-03T09:00:00' });
    expect(view.days).toEqual([
      { day: '2019-10-01', views: 1, purchases: 0, revenue: 0 },
      { day: '2019-10-02', views: 1, purchases: 1, revenue: 100.5 },
      { day: '2019-10-03', views: 0, purchases: 1, revenue: 20 },
    ]);
    expect(view.events.map((e: Record<string, unknown>) => [e['user_id'], e['event_time'], e['event_type']])).toEqual([
      [A, '2019-10-03T09:00:00', 'purchase'],
      [A, '2019-10-02T11:00:00', 'purchase'],
      [A, '2019-10-02T08:00:00', 'view'],
      [A, '2019-10-01T10:00:00', 'view'],
    ]);
    expect(view.columns.profile.map((c: { name: string }) => c.name)).toEqual(['views', 'purchases', 'revenue', 'last_seen']);
  });

  test('ids one apart past 2^53 stay apart', async () => {
    const neighbour = (BigInt(C) - 1n).toString(); // 9007199254740992: the same JS number as C
    const view = (await (await post('/api/customer', { path: 'test.kohort', text: notebook, key: neighbour })).json()) as any;
    expect(view.profile).toBeNull();
    expect(view.events).toEqual([]);
    const c = (await (await post('/api/customer', { path: 'test.kohort', text: notebook, key: C })).json()) as any;
    expect(c.profile).toMatchObject({ purchases: 1, revenue: 1.25 });
  });

  test('the as-of time applies; keys that cannot be ids are refused', async () => {
    const early = (await (await post('/api/customer', { path: 'test.kohort', text: notebook, key: A, asOf: '2019-10-01' })).json()) as any;
    expect(early.profile).toMatchObject({ views: 1, purchases: 0 });
    expect(early.events).toHaveLength(1);
    const bad = await post('/api/customer', { path: 'test.kohort', text: notebook, key: "1 OR 1=1" });
    expect(bad.status).toBe(400);
    const named = await post('/api/customer', { path: 'test.kohort', text: notebook, key: A, profile: 'days' });
    expect(named.status).toBe(400);
  });
});
