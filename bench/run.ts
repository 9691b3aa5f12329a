import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benchCompile } from './compile.js';
import { benchGenerate } from './generate.js';
import { benchHistory } from './history.js';
import { benchLand } from './land.js';
import { benchMembership } from './membership.js';
import { benchProfile } from './profile.js';
import { benchSchedules } from './schedules.js';
import { benchSequence } from './sequence.js';
import type { BenchResult } from './result.js';
import { benchServer } from './workbench-server.js';
import { benchWorkbenchUi } from './workbench-ui.js';

/**
 * `npm run bench`: every figure the issues name, printed as a table (and saved as JSON).
 *   --events N   size of the generated month (default 42.4M, the REES46 October scale)
 *   --only A,B   run some groups: compile, generate, profile, history, sequence, land, server, ui, membership, schedules
 *   --keep       keep the generated lake (in .kohort/bench/lake) for the next run
 */
const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '42400000' },
    only: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});

const events = Number(values.events);
const only = values.only ? new Set(values.only.split(',')) : undefined;
const wants = (group: string) => !only || only.has(group);
const root = resolve('.kohort', 'bench');
const lake = join(root, 'lake');
const ready = join(lake, `.generated-${events}`);

const groups: [string, () => Promise<BenchResult[]> | BenchResult[]][] = [
  ['compile', () => benchCompile()],
  [
    'generate',
    async () => {
      rmSync(lake, { recursive: true, force: true });
      mkdirSync(lake, { recursive: true });
      const results = await benchGenerate({ events, lake });
      writeFileSync(ready, '');
      return results;
    },
  ],
  [
    'profile',
    async () => {
      await ensureMonth();
      return benchProfile({ lake });
    },
  ],
  [
    'history',
    async () => {
      await ensureMonth();
      return benchHistory({ lake, root: join(root, 'history') });
    },
  ],
  [
    'sequence',
    async () => {
      await ensureMonth();
      return benchSequence({ lake });
    },
  ],
  ['land', () => benchLand()],
  ['server', () => benchServer()],
  ['ui', () => benchWorkbenchUi()],
  ['membership', () => benchMembership()],
  ['schedules', () => benchSchedules({ root: join(root, 'schedules') })],
];

/** The generated month the profile and history groups read; made here when the generate group did not run. */
async function ensureMonth(): Promise<void> {
  if (existsSync(ready)) return;
  rmSync(lake, { recursive: true, force: true });
  mkdirSync(lake, { recursive: true });
  await benchGenerate({ events, lake });
  writeFileSync(ready, '');
}

const all: (BenchResult & { group: string })[] = [];
for (const [group, run] of groups) {
  if (!wants(group)) continue;
  process.stderr.write(`bench: ${group}…\n`);
  try {
    for (const r of await run()) {
      all.push({ group, ...r });
      print({ group, ...r });
    }
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    all.push({ group, name: `${group} failed`, value: Number.NaN, unit: '', note: message });
    process.stdout.write(`${group.padEnd(9)} FAILED: ${message}\n`);
  }
}
if (!values.keep) rmSync(lake, { recursive: true, force: true });
mkdirSync(root, { recursive: true });
writeFileSync(join(root, 'results.json'), JSON.stringify(all, null, 2));
const missed = all.filter((r) => r.ok === false || Number.isNaN(r.value));
process.stdout.write(`\n${all.length} figures; ${missed.length} missed a target or failed. Saved to .kohort/bench/results.json\n`);

function print(r: BenchResult & { group: string }): void {
  const value = Number.isInteger(r.value) ? r.value.toLocaleString('en') : r.value.toFixed(r.value < 10 ? 3 : 1);
  const target = r.target ? `  target ${r.target} ${r.ok === undefined ? '' : r.ok ? '✓' : '✗'}` : '';
  const note = r.note ? `  (${r.note})` : '';
  process.stdout.write(`${r.group.padEnd(9)} ${r.name.padEnd(58)} ${`${value} ${r.unit}`.padStart(16)}${target}${note}\n`);
}
