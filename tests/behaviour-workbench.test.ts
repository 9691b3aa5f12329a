import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startServer, type RunningServer } from '../workbench/server/index.js';
import { A, B, C } from './support/hand-events.js';
import { writeHandEvents } from './support/hand-lake.js';

/**
 * The workbench runs behavioural segments: a sequence segment and a profile showing it (the
 * sequence is kept for both cells, like the scans), ids exact. Expected members read off the
 * hand-made events: A and C viewed, then bought; B viewed, then only carted.
 */
const notebook = `--- kohort
source events = lake "events" key user_id time event_time
metric purchases = count() where event_type = "purchase"
segment viewed_then_bought = did "view" then "purchase"
segment lapsed = stopped "purchase" for 3 hours
profile p = purchases, viewed_then_bought, lapsed
`;

let root: string;
let server: RunningServer;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kohort-behaviour-serve-'));
  const workspace = join(root, 'workspace');
  const lake = join(root, 'lake');
  mkdirSync(workspace);
  mkdirSync(lake);
  writeFileSync(join(workspace, 'b.kohort'), notebook);
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await writeHandEvents(connection, join(lake, 'events'));
  connection.closeSync();
  instance.closeSync();
  server = await startServer({ workspace, lake, port: 0, poolSize: 1, threads: 2, uiDir: join(root, 'no-ui'), log: () => {} });
});

afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

async function run(cell: string): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${server.url}/api/run`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: 'b.kohort', text: notebook, cell }) });
  expect(res.status).toBe(200);
  return tableFromIPC(new Uint8Array(await res.arrayBuffer())).toArray().map((r) => {
    const o = r.toJSON() as Record<string, unknown>;
    for (const k of Object.keys(o)) if (typeof o[k] === 'bigint') o[k] = (o[k] as bigint).toString();
    return o;
  });
}

test('a sequence segment and a profile showing it', async () => {
  expect((await run('viewed_then_bought')).map((r) => r.user_id).sort()).toEqual([A, C].sort());
  const profile = await run('p');
  const byUser = Object.fromEntries(profile.map((r) => [r.user_id, r]));
  // As of the latest event (C's purchase, 2019-10-03 12:30): A last bought at 09:00, 3.5 hours before.
  expect(byUser[A]).toMatchObject({ purchases: '2', viewed_then_bought: true, lapsed: true });
  expect(byUser[B]).toMatchObject({ purchases: '0', viewed_then_bought: false, lapsed: false });
  expect(byUser[C]).toMatchObject({ purchases: '1', viewed_then_bought: true, lapsed: false });
});
