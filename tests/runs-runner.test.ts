import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { describe, expect, test } from 'vitest';
import { ManualClock } from './support/manual-clock.js';
import { A, C, writeHandEvents } from './support/hand-events.js';
import { useScratch } from './support/scratch.js';
import { interruptedMessage, newRunId, RunStore, type RunRecord } from '../engine/runs/records.js';
import { NotebookRunner } from '../engine/runs/runner.js';
import { isUserError } from '../engine/user-error.js';

/**
 * The runner against real DuckDB, real files and the lake's real history writer: what a record
 * holds, failures with their place, retries with backoff (on an injected clock), reruns at the
 * recorded as-of time, one run at a time, the lock a second process respects, and runs a dead
 * process left behind. Expected numbers come from the hand-made events (tests/support/hand-events.ts).
 */
const scratch = useScratch('kohort-runs');
const repo = resolve(import.meta.dirname, '..');

const notebookText = `--- kohort
source events = lake "events" key user_id time event_time
metric views = count() where event_type = "view"
metric purchases = count() where event_type = "purchase"
metric revenue = sum(price) where event_type = "purchase"
profile customers = views, purchases, revenue
segment buyers = purchases > 0
query by_type = from events group by event_type select n = count() order by event_type
schedule nightly = cron "0 3 * * *" timezone "Europe/Berlin" refresh buyers, by_type retries 0
schedule tops = every 1 hour refresh top retries 0

--- sql top
select user_id, revenue from customers order by revenue desc limit 2
`;

/** A workspace with the notebook (plus `extra` cells) over a lake of the hand-made events. */
async function workspace(name: string, extra = '', base = notebookText): Promise<{ dir: string; file: string; lake: string }> {
  const dir = join(scratch.root, name);
  mkdirSync(dir, { recursive: true });
  const lake = join(dir, 'lake');
  mkdirSync(lake);
  await writeHandEvents(scratch.db, lake);
  const file = join(dir, 'nb.kohort');
  writeFileSync(file, base + extra);
  return { dir, file, lake };
}

/** Adds events of one more day, in a file of its own. */
async function appendDay(db: DuckDBConnection, lake: string, dataset = 'events'): Promise<void> {
  await db.run(
    `COPY (SELECT *, CAST(event_time AS DATE) AS date FROM (VALUES ('${A}'::BIGINT, TIMESTAMP '2019-10-04 10:00:00', 'remove_from_cart', 'apple', 3.0::DOUBLE)) t(user_id, event_time, event_type, brand, price))
     TO '${join(lake, dataset)}' (FORMAT parquet, PARTITION_BY (date), FILENAME_PATTERN 'extra-{uuid}', APPEND)`,
  );
}

/** Waits until the runner sleeps `millis` before a retry; fails at once if the run ended instead. */
async function retryWait(clock: ManualClock, millis: number, run: Promise<RunRecord>): Promise<void> {
  const ended = run.then((r) => {
    throw new Error(`the run ended instead of waiting ${millis} ms: ${JSON.stringify(r.error)}`);
  });
  await Promise.race([clock.waitForTimer(millis), ended]);
}

const cellLog = (r: RunRecord) => r.cells.map((c) => [c.name, c.kind, c.status, c.rows]);

describe('a recorded run', () => {
  test('records cells in dependency order with rows and timings, the as-of time, the files read, and the segment changes', async () => {
    const { file, lake } = await workspace('recorded');
    const runner = new NotebookRunner({ lake });
    const record = await runner.run({ file, schedule: 'tops', trigger: 'manual' });
    expect(record).toMatchObject({ status: 'succeeded', schedule: 'tops', trigger: 'manual', notebook: 'nb', refresh: ['top'], pid: process.pid, host: hostname() });
    // `top` reads the profile, so the profile runs (and is kept in the history) first.
    expect(cellLog(record)).toEqual([
      ['customers', 'profile', 'succeeded', 3],
      ['top', 'sql', 'succeeded', 2],
    ]);
    for (const c of record.cells) expect(c.seconds).toBeGreaterThanOrEqual(0);
    expect(record.asOf).toBe('2019-10-03T12:30:00');
    expect(record.attempts).toEqual([{ startedAt: expect.any(String), endedAt: expect.any(String), status: 'succeeded' }]);
    expect(record.seconds).toBeGreaterThan(0);
    const events = record.dataVersion!.sources.find((s) => s.source === 'events')!;
    expect(events.kind).toBe('lake');
    expect(events.partitions.map((p) => p.name)).toEqual(['date=2019-10-01', 'date=2019-10-02', 'date=2019-10-03']);
    for (const p of events.partitions) {
      expect(p.files).toHaveLength(1);
      expect(p.files[0]!.path).toMatch(new RegExp(`^events/${p.name}/.+\\.parquet$`));
      expect(p.files[0]!.bytes).toBeGreaterThan(0);
      expect(Date.parse(p.files[0]!.modified)).not.toBeNaN();
    }
    // The record on disk is the one returned; the profile's snapshot is in the lake.
    const stored = JSON.parse(readFileSync(join(resolve(file, '..'), '.kohort', 'runs', 'nb', `${record.id}.json`), 'utf8')) as RunRecord;
    expect(stored).toEqual(record);
    expect(record.cells[0]!.path).toContain(join(lake, '_kohort', 'snapshots', 'nb', 'customers', 'as_of=2019-10-03'));
    expect(existsSync(record.cells[0]!.path!)).toBe(true);

    const nightly = await runner.run({ file, schedule: 'nightly', trigger: 'schedule', scheduledFor: new Date('2026-01-01T02:00:00Z') });
    expect(cellLog(nightly)).toEqual([
      ['buyers', 'segment', 'succeeded', 2],
      ['by_type', 'query', 'succeeded', 3],
    ]);
    // A and C bought; both joined in this first run of the segment.
    expect(nightly.segments).toEqual([{ name: 'buyers', members: 2, joined: 2, left: 0, effect: 'advanced' }]);
    expect(nightly.scheduledFor).toBe('2026-01-01T02:00:00.000Z');
    expect((await new RunStore(file).list()).map((r) => r.id)).toEqual([nightly.id, record.id]);
  });

  test('a failing cell fails the run with its cell and line:col; the cells before it are logged, the history is not written', async () => {
    const { file, lake } = await workspace('failing', '\n--- sql broken\nselect user_id,\n  no_such_column from customers\n');
    const record = await new NotebookRunner({ lake }).run({ file, trigger: 'manual' });
    expect(record.status).toBe('failed');
    // Line 17 of the notebook holds `  no_such_column from customers`; DuckDB points at column 3.
    expect(record.error).toMatchObject({ cell: 'broken', place: `${file}:17:3`, line: 17, column: 3, message: expect.stringMatching(/no_such_column/) });
    expect(cellLog(record)).toEqual([
      ['customers', 'profile', 'pending', undefined],
      ['buyers', 'segment', 'pending', undefined],
      ['by_type', 'query', 'succeeded', 3],
      ['top', 'sql', 'succeeded', 2],
      ['broken', 'sql', 'failed', undefined],
    ]);
    expect(existsSync(join(lake, '_kohort', 'snapshots'))).toBe(false);
  });

  test('a notebook with an error fails at the error, before reading data', async () => {
    const { file, lake } = await workspace('broken', '\n--- kohort\nmetric oops = sum(nope)\n');
    const record = await new NotebookRunner({ lake }).run({ file, trigger: 'manual' });
    expect(record.status).toBe('failed');
    expect(record.error).toMatchObject({ cell: 'oops', place: `${file}:16:19`, message: expect.stringMatching(/nope/) });
    expect(record.cells).toEqual([]);
  });

  test('a schedule that is not there is refused before anything is recorded', async () => {
    const { file, lake } = await workspace('unknown');
    const refused = await new NotebookRunner({ lake }).run({ file, schedule: 'nighty', trigger: 'manual' }).catch((e: unknown) => e);
    expect(isUserError(refused) && refused.message).toMatch(/no schedule `nighty` in this notebook — did you mean `nightly`\?/);
    expect(await new RunStore(file).list()).toEqual([]);
  });
});

describe('retries and reruns', () => {
  test('a failed attempt is retried after the backoff, doubled each time; a run that keeps failing ends failed', async () => {
    const { file, lake } = await workspace('retries', '\n--- kohort\nschedule flaky = every 1 day refresh late retries 2 backoff 30 seconds\n\n--- sql late\nselect count(*) as n from read_parquet(\'' + 'LAKE/late/*.parquet\')\n');
    writeFileSync(file, readFileSync(file, 'utf8').replace('LAKE', lake));
    const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
    const done = new NotebookRunner({ lake, clock }).run({ file, schedule: 'flaky', trigger: 'manual' });
    await retryWait(clock, 30_000, done);
    await clock.advance(30_000);
    await retryWait(clock, 60_000, done);
    await clock.advance(60_000);
    const record = await done;
    expect(record.status).toBe('failed');
    expect(record.attempts.map((a) => [a.startedAt, a.status])).toEqual([
      ['2026-01-01T00:00:00.000Z', 'failed'],
      ['2026-01-01T00:00:30.000Z', 'failed'],
      ['2026-01-01T00:01:30.000Z', 'failed'],
    ]);
    expect(record.error).toMatchObject({ cell: 'late', message: expect.stringMatching(/late/) });
    expect(record.retryAt).toBeUndefined();
  });

  test('a retry succeeds once the data is there', async () => {
    const { file, lake } = await workspace('recovers', '', '--- kohort\nsource late = lake "late" key user_id time event_time\nquery late_rows = from late select n = count()\nschedule flaky = every 1 day refresh late_rows retries 3 backoff 10 seconds\n');
    const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
    const done = new NotebookRunner({ lake, clock }).run({ file, schedule: 'flaky', trigger: 'manual' });
    await retryWait(clock, 10_000, done);
    const waiting = (await new RunStore(file).list())[0]!;
    expect(waiting).toMatchObject({ status: 'running', retryAt: '2026-01-01T00:00:10.000Z' });
    expect(waiting.attempts[0]!.error?.message).toMatch(/late/);
    await appendDay(scratch.db, lake, 'late');
    await clock.advance(10_000);
    const record = await done;
    expect(record.attempts.map((a) => a.status)).toEqual(['failed', 'succeeded']);
    expect(record).toMatchObject({ status: 'succeeded', asOf: '2019-10-04T10:00:00' });
    expect(record.error).toBeUndefined();
    expect(cellLog(record)).toEqual([['late_rows', 'query', 'succeeded', 1]]);
  });

  test('a rerun computes at the recorded as-of time, over data that grew since, and says the data changed', async () => {
    const { file, lake } = await workspace('rerun');
    const runner = new NotebookRunner({ lake });
    const first = await runner.run({ file, schedule: 'nightly', trigger: 'manual' });
    await appendDay(scratch.db, lake);
    const second = await runner.run({ file, schedule: 'nightly', trigger: 'manual' });
    expect([first.asOf, second.asOf]).toEqual(['2019-10-03T12:30:00', '2019-10-04T10:00:00']);
    expect(second.cells.find((c) => c.name === 'by_type')?.rows).toBe(4);
    const again = await runner.run({ file, rerunOf: first.id, trigger: 'rerun' });
    expect(again).toMatchObject({ status: 'succeeded', trigger: 'rerun', rerunOf: first.id, schedule: 'nightly', asOf: first.asOf, refresh: ['buyers', 'by_type'] });
    expect(cellLog(again)).toEqual(cellLog(first));
    expect(again.notes).toEqual([expect.stringMatching(/the data changed since run .*\(1 files added, 0 removed, 0 rewritten\)/)]);
    const unknown = await runner.run({ file, rerunOf: 'nope', trigger: 'rerun' }).catch((e: unknown) => e);
    expect(isUserError(unknown) && unknown.message).toMatch(/no run `nope` of this notebook \(the latest: /);
  });
});

describe('one run at a time', () => {
  test('two runs asked for at once run one after the other', async () => {
    const { file, lake } = await workspace('queue');
    const runner = new NotebookRunner({ lake });
    const [a, b] = await Promise.all([runner.run({ file, trigger: 'manual' }), runner.run({ file, schedule: 'nightly', trigger: 'manual' })]);
    expect([a.status, b.status]).toEqual(['succeeded', 'succeeded']);
    expect(Date.parse(b.startedAt)).toBeGreaterThanOrEqual(Date.parse(a.endedAt!));
    expect(runner.inFlight(file)).toBe(0);
  });

  test('a notebook another live process is running is refused; the lock of a dead one is taken over', async () => {
    const { file, lake } = await workspace('locked');
    const store = new RunStore(file);
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      mkdirSync(store.folder, { recursive: true });
      writeFileSync(join(store.folder, 'running.lock'), JSON.stringify({ pid: other.pid, host: hostname(), runId: 'r-other', since: '2026-01-01T00:00:00.000Z' }));
      const refused = await new NotebookRunner({ lake }).run({ file, trigger: 'manual' }).catch((e: unknown) => e);
      expect(isUserError(refused) && refused.message).toBe(`${file} is already running (run r-other, process ${other.pid}, since 2026-01-01T00:00:00.000Z); try again when it ends`);
      // The same refusal from a second kohort process, on the command line.
      const cli = await new Promise<{ code: number; stderr: string }>((done) =>
        execFile(process.execPath, [join(repo, 'bin', 'kohort.js'), 'run', file, '--schedule', 'nightly', '--lake', lake], (e, _out, stderr) => done({ code: e ? Number(e.code) : 0, stderr })),
      );
      expect(cli).toEqual({ code: 1, stderr: expect.stringMatching(/is already running \(run r-other/) });
    } finally {
      other.kill('SIGKILL');
      await new Promise((done) => other.once('exit', done));
    }
    const record = await new NotebookRunner({ lake }).run({ file, trigger: 'manual' });
    expect(record.status).toBe('succeeded');
    expect(existsSync(join(store.folder, 'running.lock'))).toBe(false);
  });

  test('a run a dead process left running is marked failed: interrupted', async () => {
    const { file } = await workspace('interrupted');
    const dead = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((done) => dead.once('exit', done));
    const store = new RunStore(file);
    const id = newRunId(new Date('2026-01-01T03:00:00Z'));
    const left: RunRecord = {
      id, notebook: 'nb', file, schedule: 'nightly', trigger: 'schedule', refresh: [], status: 'running', startedAt: '2026-01-01T03:00:00.000Z',
      pid: dead.pid!, host: hostname(), asOf: null, cells: [{ name: 'buyers', kind: 'segment', status: 'running' }], segments: [],
      attempts: [{ startedAt: '2026-01-01T03:00:00.000Z', status: 'running' }],
    };
    await store.write(left);
    const marked = await new NotebookRunner({}).recover(file);
    expect(marked.map((r) => r.id)).toEqual([id]);
    const after = await store.read(id);
    expect(after).toMatchObject({ status: 'failed', error: { message: interruptedMessage }, endedAt: expect.any(String) });
    expect(after.cells[0]!.status).toBe('failed');
    expect(after.attempts[0]).toMatchObject({ status: 'failed', error: { message: interruptedMessage } });
    // A record of this very process that it is not running is from an earlier process with our pid.
    await store.write({ ...left, id: newRunId(new Date('2026-01-02T03:00:00Z')), pid: process.pid });
    expect(await new NotebookRunner({}).recover(file)).toHaveLength(1);
    expect(readdirSync(store.folder).filter((n) => n.endsWith('.json'))).toHaveLength(2);
  });
});
