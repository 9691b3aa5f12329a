import { existsSync } from 'node:fs';
import { link, mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlIdentifier, sqlString } from '../duckdb.js';
import { tempPathFor } from '../lake.js';
import { copyToParquet, scalarText, type AsOfInstant } from './instant.js';
import { membershipFile, runLogFile } from './layout.js';
import type { HistoryStage } from './stage.js';

/**
 * Segment membership as stays: one row per customer per uninterrupted stay in the segment,
 * `<key>, entered_at, left_at (NULL while a member), entered_run, left_run`. The instants are the
 * as-of times of the runs that saw the customer join and leave: a customer is a member at instant
 * t when `entered_at <= t AND (left_at IS NULL OR left_at > t)`.
 *
 * Rules for runs out of order (compared by as-of time with the last run in `_runs.parquet`):
 * - later than the last run: the stays advance (close the leavers', open the joiners');
 * - the same as-of as the last run: it replaces the last run (its steps are undone, then the new
 *   members applied), so re-running a run gives the stays the later data or definition says;
 * - earlier (a re-run of the past): the stays and the run log are left alone; only the run's
 *   snapshot is written. History moves forward only.
 */

/** What one run did to a segment's stays. */
export interface MembershipStep {
  /** `advanced` / `replaced` the last run, or `past`: older than the last run, stays untouched. */
  effect: 'advanced' | 'replaced' | 'past';
  members: number;
  joined: number;
  left: number;
}

export interface MembershipTarget {
  lake: string;
  notebook: string;
  segment: string;
  /** The source's key column, as the segment's table names it, and its DuckDB type. */
  key: string;
}

const checkType = (type: string) => {
  if (!/^[A-Za-z][A-Za-z0-9_ (),]*$/.test(type)) throw new Error(`not a column type: ${type}`);
  return type;
};

/** The stays table with no rows, of the right schema. */
function emptyStays(key: string, keyType: string): string {
  return `SELECT CAST(NULL AS ${checkType(keyType)}) AS ${sqlIdentifier(key)}, CAST(NULL AS TIMESTAMP) AS "entered_at", CAST(NULL AS TIMESTAMP) AS "left_at", CAST(NULL AS VARCHAR) AS "entered_run", CAST(NULL AS VARCHAR) AS "left_run" LIMIT 0`;
}

/**
 * Creates a segment's membership file, empty, unless it exists: cells that read membership (e.g.
 * `entered vip during last 7 days`) then run before the first run, too. Never replaces a file: the
 * empty one is linked into place, which fails if a run published the real one meanwhile.
 */
export async function ensureMembershipFile(connection: DuckDBConnection, target: MembershipTarget, keyType: string): Promise<void> {
  const path = membershipFile(target.lake, target.notebook, target.segment);
  if (existsSync(path)) return;
  await mkdir(dirname(path), { recursive: true });
  const temp = tempPathFor(path);
  try {
    await copyToParquet(connection, emptyStays(target.key, keyType), temp);
    await link(temp, path).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
  } finally {
    await rm(temp, { force: true });
  }
}

interface LastRun {
  runId: string;
  micros: bigint;
}

async function lastRun(connection: DuckDBConnection, log: string): Promise<LastRun | undefined> {
  if (!existsSync(log)) return undefined;
  const rows = (
    await connection.runAndReadAll(`SELECT run_id, CAST(epoch_us(as_of) AS VARCHAR) FROM read_parquet(${sqlString(log)}) ORDER BY as_of DESC, run_id DESC LIMIT 1`)
  ).getRowsJS();
  const row = rows[0];
  return row ? { runId: String(row[0]), micros: BigInt(String(row[1])) } : undefined;
}

/**
 * Stages a segment's new stays and run log from its members in this run (`membersFile`, the
 * staged snapshot: the key column plus shown metrics), following the rules above.
 */
export async function stageMembership(
  connection: DuckDBConnection,
  stage: HistoryStage,
  target: MembershipTarget,
  membersFile: string,
  run: { runId: string; asOf: AsOfInstant },
): Promise<MembershipStep> {
  const stays = membershipFile(target.lake, target.notebook, target.segment);
  const log = runLogFile(target.lake, target.notebook, target.segment);
  const k = sqlIdentifier(target.key);
  const last = await lastRun(connection, log);
  const members = Number(await scalarText(connection, `SELECT count(DISTINCT ${k}) FROM read_parquet(${sqlString(membersFile)}) WHERE ${k} IS NOT NULL`));
  if (last && run.asOf.micros < last.micros) return { effect: 'past', members, joined: 0, left: 0 };

  const replacing = last !== undefined && run.asOf.micros === last.micros;
  const t = run.asOf.sql;
  const r = sqlString(run.runId);
  let prev: string;
  if (!existsSync(stays)) {
    // No stays yet: none, with the key typed as the members' key.
    prev = `SELECT ${k}, NULL::TIMESTAMP AS entered_at, NULL::TIMESTAMP AS left_at, NULL::VARCHAR AS entered_run, NULL::VARCHAR AS left_run FROM read_parquet(${sqlString(membersFile)}) LIMIT 0`;
  } else if (replacing) {
    // Undo the last run: drop the stays it opened, reopen the ones it closed.
    const l = sqlString(last.runId);
    prev = `SELECT ${k}, entered_at, CASE WHEN left_run = ${l} THEN NULL ELSE left_at END AS left_at, entered_run, CASE WHEN left_run = ${l} THEN NULL ELSE left_run END AS left_run
FROM read_parquet(${sqlString(stays)})
WHERE entered_run IS DISTINCT FROM ${l}`;
  } else {
    prev = `SELECT ${k}, entered_at, left_at, entered_run, left_run FROM read_parquet(${sqlString(stays)})`;
  }
  // Open stays against the new members: a member only on the left has left, only on the right has joined.
  const next = `WITH prev AS (
  ${prev}
),
cur AS (SELECT DISTINCT ${k} FROM read_parquet(${sqlString(membersFile)}) WHERE ${k} IS NOT NULL),
open AS (SELECT ${k} FROM prev WHERE left_at IS NULL),
moves AS (
  SELECT coalesce(open.${k}, cur.${k}) AS ${k}, open.${k} IS NULL AS joined
  FROM open FULL OUTER JOIN cur ON open.${k} = cur.${k}
  WHERE open.${k} IS NULL OR cur.${k} IS NULL
)
SELECT prev.${k}, prev.entered_at,
  CASE WHEN moves.${k} IS NOT NULL THEN ${t} ELSE prev.left_at END AS left_at,
  prev.entered_run,
  CASE WHEN moves.${k} IS NOT NULL THEN ${r} ELSE prev.left_run END AS left_run
FROM prev LEFT JOIN moves ON prev.left_at IS NULL AND NOT moves.joined AND prev.${k} = moves.${k}
UNION ALL
SELECT ${k}, ${t}, CAST(NULL AS TIMESTAMP), ${r}, CAST(NULL AS VARCHAR) FROM moves WHERE joined
ORDER BY 1, 2`;
  const stagedStays = stage.path(`membership/${target.segment}/intervals.parquet`);
  await mkdir(dirname(stagedStays), { recursive: true });
  await copyToParquet(connection, next, stagedStays);

  const counts = (
    await connection.runAndReadAll(
      `SELECT count(*) FILTER (WHERE left_at IS NULL), count(*) FILTER (WHERE entered_run = ${r} AND entered_at = ${t}), count(*) FILTER (WHERE left_run = ${r} AND left_at = ${t})
FROM read_parquet(${sqlString(stagedStays)})`,
    )
  ).getRowsJS()[0]!;
  const step: MembershipStep = { effect: replacing ? 'replaced' : 'advanced', members: Number(counts[0]), joined: Number(counts[1]), left: Number(counts[2]) };

  const keep = last && existsSync(log) ? `SELECT * FROM read_parquet(${sqlString(log)})${replacing ? ` WHERE NOT (run_id = ${sqlString(last.runId)} AND as_of = ${t})` : ''}\nUNION ALL\n` : '';
  const stagedLog = stage.path(`membership/${target.segment}/_runs.parquet`);
  await copyToParquet(
    connection,
    `${keep}SELECT ${r} AS run_id, ${t} AS as_of, ${step.members}::BIGINT AS members, ${step.joined}::BIGINT AS joined, ${step.left}::BIGINT AS "left"\nORDER BY as_of, run_id`,
    stagedLog,
  );
  stage.place(stagedStays, stays);
  stage.place(stagedLog, log);
  return step;
}
