import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { generateEvents } from '../../connectors/generate/generate.js';
import { membershipFile } from '../../dsl/index.js';
import { NotebookSession } from '../session.js';
import { UserError } from '../user-error.js';
import { useScratch } from '../../tests/support/scratch.js';
import { discardUnpublished, writeRunHistory } from './index.js';
import { snapshotFile } from './layout.js';

/** Nothing of a run's history is visible until all of it is written: not after a failure, not after kill -9. */

const scratch = useScratch('kohort-history-atomic');
const repo = resolve(import.meta.dirname, '../..');
const notebook = `--- kohort
source events = lake "events" key user_id time event_time
metric views = count() where event_type = "view"
metric purchases = count() where event_type = "purchase"
metric revenue = sum(price) where event_type = "purchase"
metric sessions = count(distinct user_session)
metric brand = mode(brand)
profile customers = views, purchases, revenue, sessions, brand
segment buyers = purchases > 0
segment browsers = views >= 5 and purchases = 0
segment regulars = sessions >= 3
`;

/** Every file under the lake's history and staging folders, relative to the lake. */
function historyFiles(lake: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    if (!existsSync(dir)) return;
    let entries: import('node:fs').Dirent[] = [];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // removed while we looked (a run cleaning up)
    }
    for (const e of entries) {
      if (e.isDirectory()) walk(join(dir, e.name), `${rel}${e.name}/`);
      else out.push(`${rel}${e.name}`);
    }
  };
  walk(join(lake, '_kohort'), '_kohort/');
  walk(join(lake, '_staging'), '_staging/');
  return out.sort();
}

/** A pid that no process has any more. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid!;
}

describe('run history is published whole or not at all', () => {
  let lake: string;
  let file: string;
  beforeAll(async () => {
    lake = scratch.freshLake();
    await generateEvents({ events: 400_000, seed: 3, lake, days: 5, customers: 30_000 });
    file = join(scratch.root, 'shop.kohort');
    writeFileSync(file, notebook);
  });

  test('a cell failing after others were written leaves no history and no staging', async () => {
    const other = join(scratch.root, 'other.parquet');
    await scratch.db.run(`COPY (SELECT 1::BIGINT AS id, TIMESTAMP '2019-10-01' AS t) TO '${other}' (FORMAT parquet)`);
    // A second source: every metric says which source it reads.
    const text = `${notebook.replace(/^(metric \w+ = \w+\([^)]*\))/gm, '$1 from events')}source others = parquet "${other}" key id time t\nmetric seen = count() from others\nsegment known = seen > 0\n`;
    const session = await NotebookSession.open({ file, text, lake, workspace: scratch.root, threads: 2, asOf: '2019-10-05' });
    try {
      truncateSync(other, 10); // the last cell's data breaks after the run started
      const run = writeRunHistory(session, ['customers', 'buyers', 'browsers', 'known'], { notebook: 'shop', runId: 'r1', asOf: '2019-10-05' });
      await expect(run).rejects.toThrow(UserError);
      await expect(run).rejects.toThrow(/cell `known`/);
    } finally {
      session.close();
    }
    expect(historyFiles(lake)).toEqual([]);
  });

  test('kill -9 while the run is writing: nothing visible; the leftovers are discarded; the next run succeeds', async () => {
    const script = join(scratch.root, 'child.mjs');
    writeFileSync(
      script,
      `import { NotebookSession } from ${JSON.stringify(join(repo, 'dist/engine/session.js'))};
import { writeRunHistory } from ${JSON.stringify(join(repo, 'dist/engine/history/index.js'))};
const session = await NotebookSession.open({ file: ${JSON.stringify(file)}, lake: ${JSON.stringify(lake)}, threads: 1 });
await writeRunHistory(session, ['customers', 'buyers', 'browsers', 'regulars'], { notebook: 'shop', runId: 'killed', asOf: '2019-10-05' });
process.stdout.write('published\\n');
`,
    );
    if (!existsSync(join(repo, 'dist/engine/history/index.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    // Kill as soon as the first snapshot is being staged: the other cells are still to be written.
    const staged = () => historyFiles(lake).some((f) => /^_staging\/history-\d+-[0-9a-f]+\/snapshots\/customers\.parquet$/.test(f));
    const deadline = Date.now() + 60_000;
    while (!staged() && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    await exited;
    expect(output).not.toContain('published');
    expect(staged()).toBe(true);
    expect(historyFiles(lake).filter((f) => f.startsWith('_kohort/'))).toEqual([]);

    await discardUnpublished(lake);
    expect(historyFiles(lake)).toEqual([]);

    const session = await NotebookSession.open({ file, lake, threads: 2 });
    try {
      const report = await writeRunHistory(session, ['customers', 'buyers', 'browsers', 'regulars'], { notebook: 'shop', runId: 'next', asOf: '2019-10-05' });
      expect(report.cells.map((c) => c.name)).toEqual(['customers', 'buyers', 'browsers', 'regulars']);
    } finally {
      session.close();
    }
    expect(historyFiles(lake).filter((f) => f.startsWith('_staging/'))).toEqual([]);
    for (const cell of ['customers', 'buyers', 'browsers', 'regulars']) expect(existsSync(snapshotFile(lake, 'shop', cell, '2019-10-05'))).toBe(true);
    for (const segment of ['buyers', 'browsers', 'regulars']) expect(existsSync(membershipFile(lake, 'shop', segment))).toBe(true);
  });

  test('a run that died while publishing is completed from its journal; a live run’s staging is left alone', async () => {
    const lake2 = scratch.freshLake();
    const dead = join(lake2, '_staging', `history-${deadPid()}-0badc0de`);
    const live = join(lake2, '_staging', `history-${process.ppid}-0000beef`);
    mkdirSync(dead, { recursive: true });
    mkdirSync(live, { recursive: true });
    writeFileSync(join(dead, 'a.parquet'), 'staged a');
    const published = join(lake2, '_kohort', 'snapshots', 'nb', 'a', 'as_of=2019-10-01', 'part-0.parquet');
    const gone = join(lake2, '_kohort', 'daily', 'nb', 'd', 'date=2019-10-02', 'part-0.parquet');
    mkdirSync(join(gone, '..'), { recursive: true });
    writeFileSync(gone, 'old day');
    // The first step was done before the crash (its staged file is gone), the others not.
    writeFileSync(
      join(dead, 'journal.json'),
      JSON.stringify([{ move: join(dead, 'done-before-crash.parquet'), to: join(lake2, 'x.parquet') }, { move: join(dead, 'a.parquet'), to: published }, { remove: gone }]),
    );
    await discardUnpublished(lake2);
    expect(existsSync(published)).toBe(true);
    expect(existsSync(gone)).toBe(false);
    expect(existsSync(join(gone, '..'))).toBe(false);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });
});
