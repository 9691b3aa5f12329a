import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { generateEvents } from '../../connectors/generate/generate.js';
import { membershipFile } from '../../dsl/index.js';
import { NotebookSession } from '../session.js';
import { useScratch } from '../../tests/support/scratch.js';
import { parquetSchema, staysSchema } from '../../tests/support/stays.js';
import { historyQueries, joinedInRun, leftInRun, membersOn, segmentSizeHistory, segmentSizePerDay, writeRunHistory } from './index.js';
import { runLogFile, snapshotFile } from './layout.js';

/**
 * Stays checked against expectations made independently of the history code: the members of each
 * day by a hand-written SQL query over the generated events, the stays by replaying those member
 * sets in plain TypeScript.
 */

const scratch = useScratch('kohort-membership');
const days = ['2019-10-01', '2019-10-02', '2019-10-03', '2019-10-04', '2019-10-05', '2019-10-06'];
const notebookText = (threshold: number) => `--- kohort
source events = lake "events" key user_id time event_time
metric recent = count() during last 2 days
segment busy = recent >= ${threshold}
`;
let lake: string;
let file: string;

beforeAll(async () => {
  lake = scratch.freshLake();
  await generateEvents({ events: 60_000, seed: 11, lake, start: days[0], days: days.length, customers: 3_000 });
  file = join(scratch.root, 'shop.kohort');
});

/** Members at the end of `day`: at least `threshold` events in the two days before, by hand. */
async function handMembers(day: string, threshold: number): Promise<string[]> {
  const end = `TIMESTAMP '${day} 23:59:59.999999'`;
  const rows = await scratch.rows(`SELECT CAST(user_id AS VARCHAR) AS k FROM read_parquet('${lake}/events/**/*.parquet')
    WHERE event_time <= ${end} AND event_time > ${end} - INTERVAL 2 DAY GROUP BY user_id HAVING count(*) >= ${threshold}`);
  return rows.map((r) => String(r['k'])).sort();
}

interface Stay {
  key: string;
  entered: string;
  left: string | null;
  enteredRun: string;
  leftRun: string | null;
}

/** The stays a sequence of runs must leave, replayed from their member sets. */
function expectedStays(runs: { id: string; day: string; members: string[] }[]): Stay[] {
  const stays: Stay[] = [];
  const open = new Map<string, Stay>();
  for (const run of runs) {
    const now = new Set(run.members);
    for (const [key, stay] of open) {
      if (now.has(key)) continue;
      stay.left = run.day;
      stay.leftRun = run.id;
      open.delete(key);
    }
    for (const key of now) {
      if (open.has(key)) continue;
      const stay: Stay = { key, entered: run.day, left: null, enteredRun: run.id, leftRun: null };
      stays.push(stay);
      open.set(key, stay);
    }
  }
  return sortStays(stays);
}

const byKey = (a: string, b: string) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0);
const sortStays = (stays: Stay[]) => stays.sort((a, b) => byKey(a.key, b.key) || (a.entered < b.entered ? -1 : a.entered > b.entered ? 1 : 0));

async function actualStays(): Promise<Stay[]> {
  const rows = await scratch.rows(`SELECT CAST(user_id AS VARCHAR) AS k, strftime(entered_at, '%Y-%m-%d') AS e, strftime(left_at, '%Y-%m-%d') AS l, entered_run, left_run
    FROM read_parquet('${membershipFile(lake, 'shop', 'busy')}')`);
  return sortStays(
    rows.map((r) => ({ key: String(r['k']), entered: String(r['e']), left: r['l'] === null ? null : String(r['l']), enteredRun: String(r['entered_run']), leftRun: r['left_run'] === null ? null : String(r['left_run']) })),
  );
}

async function runDay(day: string, runId: string, threshold = 8) {
  writeFileSync(file, notebookText(threshold));
  const session = await NotebookSession.open({ file, lake, asOf: day, threads: 2 });
  try {
    return await writeRunHistory(session, ['busy'], { notebook: 'shop', runId, asOf: day });
  } finally {
    session.close();
  }
}

describe('segment membership as stays, over six generated days', () => {
  const members = new Map<string, string[]>();
  const runs: { id: string; day: string; members: string[] }[] = [];

  test('each run closes the stays of who left and opens stays for who joined, as replayed by hand', async () => {
    for (const [i, day] of days.entries()) {
      members.set(day, await handMembers(day, 8));
      runs.push({ id: `r${i + 1}`, day, members: members.get(day)! });
      const report = await runDay(day, `r${i + 1}`);
      const expected = expectedStays(runs);
      const joined = expected.filter((s) => s.enteredRun === `r${i + 1}`).length;
      const left = expected.filter((s) => s.leftRun === `r${i + 1}`).length;
      expect(report.segments).toEqual([{ name: 'busy', effect: 'advanced', members: members.get(day)!.length, joined, left }]);
      expect(report.cells[0]).toMatchObject({ name: 'busy', kind: 'segment', rows: members.get(day)!.length, path: snapshotFile(lake, 'shop', 'busy', day) });
    }
    const expected = expectedStays(runs);
    expect(await actualStays()).toEqual(expected);
    // The data exercise every case: customers who leave, and who leave and come back.
    const perKey = new Map<string, number>();
    for (const s of expected) perKey.set(s.key, (perKey.get(s.key) ?? 0) + 1);
    expect([...perKey.values()].filter((n) => n >= 2).length).toBeGreaterThan(10);
    expect(expected.filter((s) => s.left !== null).length).toBeGreaterThan(50);

    expect(await parquetSchema(scratch, membershipFile(lake, 'shop', 'busy'))).toEqual(staysSchema);
    // A run at a date computes at the end of that day; its stays carry that instant.
    const [first] = await scratch.rows(`SELECT CAST(min(entered_at) AS VARCHAR) AS t FROM read_parquet('${membershipFile(lake, 'shop', 'busy')}')`);
    expect(first!['t']).toBe('2019-10-01 23:59:59.999999');
  });

  test('snapshots: one Hive partition per as-of day, holding that day’s members', async () => {
    const rows = await scratch.rows(`SELECT CAST(as_of AS VARCHAR) AS d, count(*) AS n FROM read_parquet('${lake}/_kohort/snapshots/shop/busy/*/*.parquet', hive_partitioning = true) GROUP BY 1 ORDER BY 1`);
    expect(rows.map((r) => [r['d'], Number(r['n'])])).toEqual(days.map((d) => [d, members.get(d)!.length]));
  });

  test('the queries: members on a day, joined and left in a run, size per run and per day', async () => {
    const segment = { lake, notebook: 'shop', segment: 'busy' };
    const keys = (t: Awaited<ReturnType<typeof membersOn>>) => t.rows.map((r) => String(r[0])).sort();
    for (const day of days) expect(keys(await membersOn(segment, day))).toEqual(members.get(day));
    expect(keys(await membersOn(segment, '2019-09-30'))).toEqual([]);
    expect(keys(await membersOn(segment, '2019-10-20'))).toEqual(members.get(days[5]!));

    const expected = expectedStays(runs);
    const inRun = (id: string, side: 'enteredRun' | 'leftRun') => expected.filter((s) => s[side] === id).map((s) => s.key).sort();
    expect(keys(await joinedInRun(segment))).toEqual(inRun('r6', 'enteredRun'));
    expect(keys(await leftInRun(segment))).toEqual(inRun('r6', 'leftRun'));
    expect(keys(await joinedInRun(segment, 'r3'))).toEqual(inRun('r3', 'enteredRun'));
    expect(keys(await leftInRun(segment, 'r3'))).toEqual(inRun('r3', 'leftRun'));
    expect((await joinedInRun(segment)).rows[0]?.[0]).toBeTypeOf('bigint');

    expect(await segmentSizeHistory(lake, 'shop', 'busy')).toEqual(
      runs.map((r) => ({ runId: r.id, asOf: `${r.day}T23:59:59.999999`, members: r.members.length, joined: inRun(r.id, 'enteredRun').length, left: inRun(r.id, 'leftRun').length })),
    );
    expect(await segmentSizePerDay(segment, '2019-09-29', '2019-10-08')).toEqual(
      ['2019-09-29', '2019-09-30', ...days, '2019-10-07', '2019-10-08'].map((day) => ({ day, members: members.get(day)?.length ?? (day < days[0]! ? 0 : members.get(days[5]!)!.length) })),
    );
    expect(historyQueries.sizePerRun(segment)).toContain('_runs.parquet');
  });

  test('a re-run of the past writes its snapshot and leaves the stays and the run log alone', async () => {
    const stays = membershipFile(lake, 'shop', 'busy');
    const before = { stays: readFileSync(stays), log: readFileSync(runLogFile(lake, 'shop', 'busy')), mtime: statSync(stays).mtimeMs };
    const snapshot = snapshotFile(lake, 'shop', 'busy', days[2]!);
    const snapshotBefore = statSync(snapshot).mtimeMs;
    const report = await runDay(days[2]!, 'r3-again', 12);
    expect(report.segments[0]).toMatchObject({ effect: 'past', members: (await handMembers(days[2]!, 12)).length, joined: 0, left: 0 });
    expect(readFileSync(stays).equals(before.stays)).toBe(true);
    expect(statSync(stays).mtimeMs).toBe(before.mtime);
    expect(readFileSync(runLogFile(lake, 'shop', 'busy')).equals(before.log)).toBe(true);
    expect(statSync(snapshot).mtimeMs).toBeGreaterThan(snapshotBefore);
    const [n] = await scratch.rows(`SELECT count(*) AS n FROM read_parquet('${snapshot}')`);
    expect(Number(n!['n'])).toBe((await handMembers(days[2]!, 12)).length);
  });

  test('a re-run at the last as-of replaces the last run: its steps are undone, the new members applied', async () => {
    const stricter = await handMembers(days[5]!, 10);
    const report = await runDay(days[5]!, 'r6-again', 10);
    const replayed = [...runs.slice(0, 5), { id: 'r6-again', day: days[5]!, members: stricter }];
    const expected = expectedStays(replayed);
    expect(await actualStays()).toEqual(expected);
    expect(report.segments[0]).toMatchObject({
      effect: 'replaced',
      members: stricter.length,
      joined: expected.filter((s) => s.enteredRun === 'r6-again').length,
      left: expected.filter((s) => s.leftRun === 'r6-again').length,
    });
    const history = await segmentSizeHistory(lake, 'shop', 'busy');
    expect(history.map((h) => h.runId)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6-again']);
    expect(history[5]!.members).toBe(stricter.length);
  });
});
