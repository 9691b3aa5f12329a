import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromIPC } from 'apache-arrow';
import { startServer } from '../workbench/server/index.js';
import type { BenchResult } from './result.js';

const customers = 1_000_000;

/** A notebook with one profile of every customer, and `extra` more cells (segments and queries). */
function benchNotebook(extra: number): string {
  const parts = [
    '--- markdown\n# Bench\n',
    '--- kohort\nsource events = lake "events" key user_id time event_time\n',
    '--- kohort\nmetric views = count() where event_type = "view"\nmetric purchases = count() where event_type = "purchase"\n' +
      'metric revenue = sum(price) where event_type = "purchase"\nmetric last_seen = max(event_time)\nmetric brand = mode(brand)\n',
    '--- kohort\nprofile everyone = views, purchases, revenue, last_seen, brand\n',
    // The same table in another column order: other SQL (not cached), same metrics scan (reused).
    '--- kohort\nprofile everyone_again = brand, last_seen, revenue, purchases, views\n',
  ];
  for (let i = 0; i < extra; i++) {
    parts.push(
      i % 3 === 0
        ? `--- markdown\n## Part ${i}\nSome prose about segment ${i}.\n`
        : i % 3 === 1
          ? `--- kohort\nsegment s${i} = revenue >= ${i} and views > ${i % 7}\n`
          : `--- kohort\nquery q${i} = from events where event_type = "purchase" group by day = date(event_time) select orders = count(), revenue = sum(price) order by day\n`,
    );
  }
  return parts.join('\n');
}

/**
 * The workbench server's figures: a 1M-row result as Arrow IPC over HTTP (server time, bytes,
 * decode time in the client, and the cached repeat), and the API part of opening a 50-cell
 * notebook (file + compile with schemas introspected from the lake).
 */
export async function benchServer(): Promise<BenchResult[]> {
  const root = mkdtempSync(join(tmpdir(), 'kohort-bench-serve-'));
  const workspace = join(root, 'workspace');
  const lake = join(root, 'lake');
  mkdirSync(workspace);
  mkdirSync(lake);
  const server = { close: async () => {} };
  try {
    const instance = await DuckDBInstance.create(':memory:');
    const c = await instance.connect();
    // 1.2M events over 30 days: every customer once, a fifth of them twice.
    await c.run(`COPY (
        SELECT (i % ${customers})::BIGINT + 1000000000000000000 AS user_id,
               TIMESTAMP '2019-10-01' + to_seconds((i * 7919) % 2592000) AS event_time,
               CASE i % 10 WHEN 0 THEN 'purchase' WHEN 1 THEN 'cart' ELSE 'view' END AS event_type,
               'brand' || (i % 50) AS brand,
               ((i % 1000) * 1.5)::DOUBLE AS price,
               CAST(TIMESTAMP '2019-10-01' + to_seconds((i * 7919) % 2592000) AS DATE) AS date
        FROM range(${customers * 1.2}) t(i))
      TO '${join(lake, 'events')}' (FORMAT parquet, PARTITION_BY (date))`);
    c.closeSync();
    instance.closeSync();

    const text = benchNotebook(45);
    writeFileSync(join(workspace, 'bench.kohort'), text);
    const running = await startServer({ workspace, lake, port: 0, log: () => {} });
    server.close = running.close;
    const post = (path: string, body: unknown) =>
      fetch(running.url + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

    // Opening a notebook: what the page asks for before it can paint the cells.
    const t0 = performance.now();
    const file = (await (await fetch(`${running.url}/api/notebooks/file?path=bench.kohort`)).json()) as { text: string };
    const compiled = (await (await post('/api/compile', { path: 'bench.kohort', text: file.text })).json()) as { cells: unknown[]; diagnostics: { severity: string; message: string }[] };
    const open = performance.now() - t0;
    const errors = compiled.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) throw new Error(`bench notebook has errors: ${errors[0]!.message}`);

    const fetchRun = async (cell: string) => {
      const start = performance.now();
      const res = await post('/api/run', { path: 'bench.kohort', text, cell });
      if (res.status !== 200) throw new Error(`run failed: ${JSON.stringify(await res.json())}`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      const received = performance.now() - start;
      const table = tableFromIPC(bytes);
      const decoded = performance.now() - start;
      if (table.numRows !== customers) throw new Error(`expected ${customers} rows, got ${table.numRows}`);
      return { server: Number(res.headers.get('x-kohort-millis')), received, decoded: decoded - received, bytes: bytes.byteLength, cached: res.headers.get('x-kohort-cached') === 'true' };
    };
    const cold = await fetchRun('everyone');
    const warm = await fetchRun('everyone');
    if (!warm.cached) throw new Error('the repeated run was not cached');
    const again = await fetchRun('everyone_again');
    if (again.cached) throw new Error('another column order was answered from the cache');

    return [
      { name: 'serve: open 50-cell notebook (file + compile with schemas)', value: open, unit: 'ms', target: '< 1000 ms (first paint budget)', ok: open < 1000 },
      { name: 'serve: 1M-row profile, server time (metrics scan + Arrow IPC)', value: cold.server, unit: 'ms', note: `${(cold.bytes / 2 ** 20).toFixed(1)} MB Arrow IPC, 5 metrics + id` },
      { name: 'serve: 1M-row result, request to last byte (cold)', value: cold.received, unit: 'ms' },
      { name: 'serve: 1M-row result, server time with the metrics scan reused (Arrow IPC only)', value: again.server, unit: 'ms' },
      { name: 'serve: 1M-row result, request to last byte (scan reused)', value: again.received, unit: 'ms' },
      { name: 'serve: 1M-row result, Arrow decode in the client', value: cold.decoded, unit: 'ms' },
      { name: 'serve: 1M-row result, request to last byte (cached)', value: warm.received, unit: 'ms' },
      { name: 'serve: 1M-row result size', value: cold.bytes / 2 ** 20, unit: 'MB' },
    ];
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
}

// `node dist/bench/workbench-server.js` prints the figures by itself.
if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await benchServer()) console.log(`${r.name}: ${r.value.toFixed(1)} ${r.unit}${r.target ? ` (target ${r.target}: ${r.ok ? 'ok' : 'MISSED'})` : ''}${r.note ? ` — ${r.note}` : ''}`);
}
