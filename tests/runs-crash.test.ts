import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { generateEvents } from '../connectors/index.js';
import { interruptedMessage, type RunRecord } from '../engine/runs/records.js';
import { waitFor } from './services/helpers.js';
import { heavyTestTurn, repo } from './services/services.js';
import { useScratch } from './support/scratch.js';

/**
 * kill -9 `kohort serve` in the middle of a run, while the run's history is being written; start
 * it again: the run is marked failed (interrupted), the lake shows no partial snapshot, and the
 * next run succeeds and publishes every snapshot whole.
 */
const scratch = useScratch('kohort-runs-crash');
const bin = join(repo, 'bin', 'kohort.js');
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

const notebook = `--- kohort
source events = lake "events" key user_id time event_time
metric views = count() where event_type = "view"
metric purchases = count() where event_type = "purchase"
metric revenue = sum(price) where event_type = "purchase"
metric sessions = count(distinct user_session)
metric brand = mode(brand)
metric category = mode(category_code)
profile customers = views, purchases, revenue, sessions, brand, category
segment buyers = purchases > 0
segment browsers = views >= 3 and purchases = 0
segment loyal = sessions >= 3
schedule nightly = every 1 day retries 0
`;
const historyCells = ['customers', 'buyers', 'browsers', 'loyal'];

/** `kohort serve` as its own process; resolves with its address once it listens. */
async function serve(workspace: string, lake: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [bin, 'serve', workspace, '--lake', lake, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, KOHORT_THREADS: '1' },
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((done, fail) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /kohort serve: (http:\/\/\S+?)\/?\s/.exec(out);
      if (m) done(m[1]!);
    });
    child.once('exit', (code) => fail(new Error(`kohort serve exited (${code}): ${err}`)));
  });
  return { child, url };
}

function records(folder: string): RunRecord[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((n) => n.endsWith('.json'))
    .map((n) => JSON.parse(readFileSync(join(folder, n), 'utf8')) as RunRecord);
}

/** The Parquet files readers see under the history's snapshots (staging is `_staging/`, outside it). */
function snapshotFiles(lake: string): string[] {
  const root = join(lake, '_kohort', 'snapshots');
  if (!existsSync(root)) return [];
  return (readdirSync(root, { recursive: true }) as string[]).filter((p) => p.endsWith('.parquet')).sort();
}

function stagedHistory(lake: string): string[] {
  const root = join(lake, '_staging');
  return existsSync(root) ? readdirSync(root).filter((n) => n.startsWith('history-')) : [];
}

describe('a server killed mid-run', () => {
  test('kill -9 while the history is written; restart: the run is failed, no partial snapshot, the next run succeeds', () =>
    heavyTestTurn(async () => {
      const workspace = join(scratch.root, 'workspace');
      const lake = join(scratch.root, 'lake');
      mkdirSync(workspace);
      await generateEvents({ events: 200_000, seed: 7, lake, days: 10, customers: 20_000 });
      writeFileSync(join(workspace, 'shop.kohort'), notebook);
      const runs = join(workspace, '.kohort', 'runs', 'shop');

      // Kill once the history has staged a file: the run is past its queries, writing snapshots.
      // Should the run finish before the kill lands, the scenario did not happen: try again.
      let cut: RunRecord | undefined;
      for (let attempt = 0; attempt < 3 && !cut; attempt++) {
        // Each try starts with no history (nothing runs now: the last server was killed).
        rmSync(join(lake, '_kohort'), { recursive: true, force: true });
        const server = await serve(workspace, lake);
        const queued = await fetch(`${server.url}/api/runs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ path: 'shop.kohort', schedule: 'nightly' }) });
        expect(queued.status).toBe(202);
        await waitFor(
          'a staged snapshot',
          async () => stagedHistory(lake).some((d) => (readdirSync(join(lake, '_staging', d), { recursive: true }) as string[]).some((f) => f.endsWith('.parquet'))) || undefined,
          120_000,
          5,
        );
        server.child.kill('SIGKILL');
        await new Promise((done) => server.child.once('exit', done));
        cut = records(runs).find((r) => r.status === 'running');
        if (cut) expect(cut.pid).toBe(server.child.pid);
      }
      expect(cut).toBeDefined();
      expect(cut!.cells.filter((c) => historyCells.includes(c.name)).map((c) => c.status)).toContain('running');
      // Nothing was published unless publishing had begun (it starts with a journal).
      const journal = stagedHistory(lake).some((d) => existsSync(join(lake, '_staging', d, 'journal.json')));
      if (!journal) expect(snapshotFiles(lake)).toEqual([]);

      const second = await serve(workspace, lake);
      const failed = await waitFor('the interrupted run marked failed', async () => records(runs).find((r) => r.id === cut!.id && r.status === 'failed'), 20_000);
      expect(failed).toMatchObject({ error: { message: interruptedMessage }, endedAt: expect.any(String) });
      // The staged leftovers are gone; any snapshot there is, is whole (a publish cut short is finished).
      expect(stagedHistory(lake)).toEqual([]);
      const after = snapshotFiles(lake);
      expect(after.length === 0 || after.length === historyCells.length).toBe(true);

      await fetch(`${second.url}/api/runs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ path: 'shop.kohort', schedule: 'nightly' }) });
      const next = await waitFor('the next run', async () => records(runs).find((r) => r.id > cut!.id && r.status !== 'running'), 180_000);
      expect(next.status).toBe('succeeded');
      expect(next.cells.map((c) => [c.name, c.status])).toEqual(historyCells.map((name) => [name, 'succeeded']));
      // Every snapshot is there, whole: as many rows as the run counted.
      for (const cell of next.cells) {
        const [row] = await scratch.rows(`SELECT count(*)::INTEGER AS n FROM read_parquet('${cell.path!.replaceAll("'", "''")}')`);
        expect(row!['n']).toBe(cell.rows);
      }
      second.child.kill('SIGTERM');
      await new Promise((done) => second.child.once('exit', done));
    }), 400_000);
});
