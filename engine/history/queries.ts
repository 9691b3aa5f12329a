import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { notebookId } from '../../dsl/index.js';
import { openDuckDB, sqlString } from '../duckdb.js';
import { queryTable } from '../query.js';
import type { ResultTable } from '../values.js';
import { membershipFile, runLogFile } from './layout.js';

/**
 * Questions about a segment's history, answered from its stays (`intervals.parquet`) and its run
 * log (`_runs.parquet`) without touching the events. A customer is a member on day D when a stay
 * covers the end of D: `entered_at < D + 1 day AND (left_at IS NULL OR left_at >= D + 1 day)`.
 *
 * `historyQueries` gives the SQL (for a caller with its own DuckDB, e.g. to stream Arrow); the
 * functions run it on a private DuckDB that reads only the lake. A segment that never ran has
 * no history: the functions return no rows.
 */

/** One run of a segment: its size after the run, and who joined and left in it. */
export interface SegmentRunSize {
  asOf: string;
  runId: string;
  members: number;
  joined: number;
  left: number;
}

export interface SegmentRef {
  lake: string;
  /** The notebook's id (or file name: it is turned into the id). */
  notebook: string;
  segment: string;
}

const stays = (s: SegmentRef) => sqlString(membershipFile(s.lake, notebookId(s.notebook), s.segment));
const log = (s: SegmentRef) => sqlString(runLogFile(s.lake, notebookId(s.notebook), s.segment));
const endOf = (day: string) => `(CAST(DATE ${sqlString(day)} AS TIMESTAMP) + INTERVAL 1 DAY)`;
const lastRunId = (s: SegmentRef) => `(SELECT run_id FROM read_parquet(${log(s)}) ORDER BY as_of DESC, run_id DESC LIMIT 1)`;
const day = (d: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new Error(`not a date: ${d}`);
  return d;
};

export const historyQueries = {
  /** The members at the end of `day`: the key column, when they entered, and the run that saw it. */
  membersOn: (s: SegmentRef, onDay: string) =>
    `SELECT * EXCLUDE (left_at, left_run)\nFROM read_parquet(${stays(s)})\nWHERE entered_at < ${endOf(day(onDay))} AND (left_at IS NULL OR left_at >= ${endOf(onDay)})\nORDER BY 1`,
  /** Who joined in a run (default: the latest, i.e. since the previous run). */
  joinedInRun: (s: SegmentRef, runId?: string) =>
    `SELECT * EXCLUDE (left_at, left_run)\nFROM read_parquet(${stays(s)})\nWHERE entered_run = ${runId === undefined ? lastRunId(s) : sqlString(runId)}\nORDER BY 1`,
  /** Who left in a run (default: the latest), with when their stay began. */
  leftInRun: (s: SegmentRef, runId?: string) =>
    `SELECT *\nFROM read_parquet(${stays(s)})\nWHERE left_run = ${runId === undefined ? lastRunId(s) : sqlString(runId)}\nORDER BY 1`,
  /** Size, joined and left per run, oldest first. */
  sizePerRun: (s: SegmentRef) =>
    `SELECT run_id, as_of, members, joined, "left"\nFROM read_parquet(${log(s)})\nORDER BY as_of, run_id`,
  /** Members at the end of each day from `from` to `to`: entries minus exits up to that day. */
  sizePerDay: (s: SegmentRef, from: string, to: string) => `WITH s AS (SELECT entered_at, left_at FROM read_parquet(${stays(s)})),
deltas AS (
  SELECT CAST(entered_at AS DATE) AS day, count(*) AS n FROM s GROUP BY 1
  UNION ALL
  SELECT CAST(left_at AS DATE) AS day, -count(*) AS n FROM s WHERE left_at IS NOT NULL GROUP BY 1
),
days AS (SELECT CAST(unnest(generate_series(DATE ${sqlString(day(from))}, DATE ${sqlString(day(to))}, INTERVAL 1 DAY)) AS DATE) AS day)
SELECT days.day,
  CAST((SELECT coalesce(sum(n), 0) FROM deltas WHERE day < DATE ${sqlString(from)})
    + sum(coalesce(sum(deltas.n), 0)) OVER (ORDER BY days.day ROWS UNBOUNDED PRECEDING) AS BIGINT) AS members
FROM days LEFT JOIN deltas ON deltas.day = days.day
GROUP BY days.day
ORDER BY days.day`,
};

const none: ResultTable = { columns: [], rows: [], rowCount: 0 };

/** Runs `sql` on a private DuckDB that reads only the lake (spilling to a temp folder of its own). */
async function withLake<T>(lake: string, run: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const temp = await mkdtemp(join(tmpdir(), 'kohort-history-'));
  const db = await openDuckDB({ workspace: lake, lake, tempDirectory: temp, threads: 2 });
  try {
    return await run(db.connection);
  } finally {
    db.close();
    await rm(temp, { recursive: true, force: true });
  }
}

const hasStays = (s: SegmentRef) => existsSync(membershipFile(s.lake, notebookId(s.notebook), s.segment));
const hasRuns = (s: SegmentRef) => existsSync(runLogFile(s.lake, notebookId(s.notebook), s.segment));

export async function membersOn(s: SegmentRef, onDay: string): Promise<ResultTable> {
  return hasStays(s) ? withLake(s.lake, (c) => queryTable(c, historyQueries.membersOn(s, onDay))) : none;
}

export async function joinedInRun(s: SegmentRef, runId?: string): Promise<ResultTable> {
  return hasStays(s) && hasRuns(s) ? withLake(s.lake, (c) => queryTable(c, historyQueries.joinedInRun(s, runId))) : none;
}

export async function leftInRun(s: SegmentRef, runId?: string): Promise<ResultTable> {
  return hasStays(s) && hasRuns(s) ? withLake(s.lake, (c) => queryTable(c, historyQueries.leftInRun(s, runId))) : none;
}

export async function segmentSizePerDay(s: SegmentRef, from: string, to: string): Promise<{ day: string; members: number }[]> {
  if (!hasStays(s)) return [];
  const table = await withLake(s.lake, (c) => queryTable(c, historyQueries.sizePerDay(s, from, to)));
  return table.rows.map(([d, n]) => ({ day: String(d), members: Number(n) }));
}

/** The segment's runs, oldest first: size after each, and who joined and left in it. */
export async function segmentSizeHistory(lake: string, notebook: string, segment: string): Promise<SegmentRunSize[]> {
  const s = { lake, notebook, segment };
  if (!hasRuns(s)) return [];
  const table = await withLake(lake, (c) => queryTable(c, historyQueries.sizePerRun(s)));
  return table.rows.map(([runId, asOf, members, joined, left]) => ({ runId: String(runId), asOf: String(asOf), members: Number(members), joined: Number(joined), left: Number(left) }));
}
