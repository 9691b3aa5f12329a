import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { RunRecord } from '../engine/runs/run-record.js';
import { writeHandEvents } from './support/hand-events.js';
import { handNotebook } from './support/hand-notebook.js';
import { useScratch } from './support/scratch.js';
import { repo } from './services/services.js';

/**
 * `kohort run FILE --schedule NAME`, `--rerun RUN_ID` and `kohort runs FILE` as a user (cron,
 * Airflow) calls them: the real binary, its output and its exit codes.
 */
const scratch = useScratch('kohort-runs-cli');
let file: string;
let lake: string;

const notebook = `${handNotebook}schedule nightly = cron "0 3 * * *" timezone "Europe/Berlin" refresh buyers, by_type retries 0
schedule broken = every 1 day refresh oops retries 0

--- sql oops
select nothing_here from buyers
`;

function kohort(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) =>
    execFile(process.execPath, [join(repo, 'bin', 'kohort.js'), ...args], { env: { PATH: process.env['PATH'] ?? '', KOHORT_THREADS: '1' } }, (e, stdout, stderr) =>
      done({ code: e ? Number(e.code) : 0, stdout, stderr }),
    ),
  );
}

function noStackTrace(text: string): void {
  expect(text).not.toMatch(/^\s+at /m);
}

beforeAll(async () => {
  lake = join(scratch.root, 'lake');
  mkdirSync(lake);
  await writeHandEvents(scratch.db, lake);
  file = join(scratch.root, 'shop.kohort');
  writeFileSync(file, notebook);
});

describe('kohort run --schedule, --rerun and kohort runs', () => {
  test('help lists them', async () => {
    expect((await kohort(['--help'])).stdout).toMatch(/\n {2}runs FILE +list a notebook’s recorded runs/);
    const run = await kohort(['help', 'run']);
    expect(run.stdout).toContain('--schedule NAME');
    expect(run.stdout).toContain('--rerun RUN_ID');
  });

  test('a schedule runs now: a per-cell log, exit 0', async () => {
    const r = await kohort(['run', file, '--schedule', 'nightly', '--lake', lake]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^run \\S+ of ${file.replaceAll('.', '\\.')} \\(schedule nightly\\): succeeded in \\d+\\.\\d\\d s$`));
    expect(lines[1]).toMatch(/^as of 2019-10-03T12:30:00; read events: 3 partitions, 3 files, [\d.]+ kB$/);
    expect(r.stdout).toMatch(/\nbuyers +segment +succeeded +2 +[\d.]+ +2 members, \+2 joined, -0 left\n/);
    expect(r.stdout).toMatch(/\nby_type +query +succeeded +3 +[\d.]+\n/);
  });

  test('a failing run: exit 1 with the cell and its place on stderr, the log on stdout', async () => {
    const r = await kohort(['run', file, '--schedule', 'broken', '--lake', lake]);
    expect(r.code).toBe(1);
    // Line 10 is the select; DuckDB points at `nothing_here`, column 8.
    expect(r.stderr).toMatch(new RegExp(`^${file.replaceAll('.', '\\.')}:10:8: cell \`oops\`: Binder Error: Referenced column "nothing_here" not found`));
    noStackTrace(r.stderr);
    expect(r.stdout).toMatch(/\): failed in /);
    expect(r.stdout).toMatch(/\noops +sql +failed +error at .*:10:8\n/);
  });

  test('runs lists them newest first; json gives the records; a rerun repeats one', async () => {
    const table = await kohort(['runs', file]);
    expect(table.code).toBe(0);
    const rows = table.stdout.split('\n').slice(2).filter(Boolean);
    expect(rows.map((l) => l.split(/ {2,}/).slice(1, 4))).toEqual([
      ['broken', 'manual', 'failed'],
      ['nightly', 'manual', 'succeeded'],
    ]);
    const json = await kohort(['runs', file, '--format', 'json', '--limit', '1']);
    const [latest] = JSON.parse(json.stdout) as RunRecord[];
    expect(latest).toMatchObject({ schedule: 'broken', status: 'failed', error: { cell: 'oops', line: 10, column: 8 } });

    const nightly = (JSON.parse((await kohort(['runs', file, '--format', 'json'])).stdout) as RunRecord[]).find((r) => r.schedule === 'nightly')!;
    const again = await kohort(['run', file, '--rerun', nightly.id, '--lake', lake, '--format', 'json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ trigger: 'rerun', rerunOf: nightly.id, asOf: nightly.asOf, status: 'succeeded' });
  });

  test('mistakes are named, without a stack trace', async () => {
    const unknown = await kohort(['run', file, '--schedule', 'nighly', '--lake', lake]);
    expect(unknown).toMatchObject({ code: 1, stderr: `${file}: no schedule \`nighly\` in this notebook — did you mean \`nightly\`?\n` });
    const rerun = await kohort(['run', file, '--rerun', 'nope', '--lake', lake]);
    expect(rerun.code).toBe(1);
    expect(rerun.stderr).toMatch(/no run `nope` of this notebook \(the latest: /);
    const both = await kohort(['run', file, '--schedule', 'nightly', '--cell', 'buyers']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--cell does not go with --schedule/);
    const csv = await kohort(['runs', file, '--format', 'csv']);
    expect(csv).toMatchObject({ code: 2, stderr: expect.stringMatching(/--format must be table or json/) });
    for (const r of [unknown, rerun, both, csv]) noStackTrace(r.stderr);
  });
});
