/**
 * Run history: what each run of a notebook leaves in the lake — snapshots of its profiles and
 * segments per as-of day, segment membership as stays (intervals), and per-day profiles kept
 * incrementally. The layout is in `layout.ts`; the queries over it in `queries.ts`.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { notebookId, dailyDir, type CompiledCell } from '../../dsl/index.js';
import { cellError } from '../errors.js';
import type { NotebookSession } from '../session.js';
import { UserError } from '../user-error.js';
import { isDailyProfile, stageDailyRefresh } from './daily.js';
import { asOfInstant, copyToParquet } from './instant.js';
import { checkHistoryName, snapshotFile } from './layout.js';
import { stageMembership, type MembershipStep } from './membership.js';
import { HistoryStage, discardUnpublished } from './stage.js';

export { discardUnpublished };
export { segmentSizeHistory, membersOn, joinedInRun, leftInRun, segmentSizePerDay, historyQueries, type SegmentRunSize } from './queries.js';

export interface HistoryRun {
  /** The notebook's id in the history (its file's base name; see `notebookId`). */
  notebook: string;
  runId: string;
  /**
   * The as-of time the session computed at (ISO timestamp, or a date: the end of that day).
   * Snapshots are keyed by its day; membership stays by it.
   */
  asOf: string;
}

export interface HistoryCellReport {
  name: string;
  kind: 'profile' | 'segment';
  /** Rows written: the snapshot's, or for a per-day profile the recomputed days'. */
  rows: number;
  seconds: number;
  /** The snapshot file, or for a per-day profile its folder of days. */
  path: string;
  /** Per-day profiles: the days recomputed (every day when `full`). */
  recomputedDays?: string[];
  /** Per-day profiles: every day was rebuilt (first run, a changed definition, a source outside the lake). */
  full?: boolean;
  /** Per-day profiles: the run's as-of is older than the days' (a re-run of the past); they were left alone. */
  skipped?: 'past';
}

export interface HistorySegmentReport extends MembershipStep {
  name: string;
}

export interface HistoryReport {
  cells: HistoryCellReport[];
  segments: HistorySegmentReport[];
}

/**
 * Writes the history of one run: every profile and segment among `cells` (others are ignored).
 * Everything is staged first and published only when all of it is written, so a failure (or a
 * crash) leaves the lake's history as it was. Runs of one notebook must not overlap (the runner
 * ensures it); a crashed run's leftovers are cleaned up first.
 */
export async function writeRunHistory(session: NotebookSession, cells: string[], run: HistoryRun): Promise<HistoryReport> {
  if (run.runId.trim() === '') throw new UserError('a run needs an id');
  if (session.lakeSync !== undefined) {
    // session.lake is then a local cache of the HDFS lake: history written there would be no one's.
    throw new UserError(`run history is kept in local lakes only; ${session.lakeSync.lake} is an HDFS lake`, session.file);
  }
  const lake = session.lake;
  const notebook = notebookId(run.notebook);
  const targets = cells.map((name) => session.cell(name)).filter((c) => c.kind === 'profile' || c.kind === 'segment');
  for (const cell of targets) checkHistoryName(cell.name);
  await discardUnpublished(lake);

  const stage = await HistoryStage.open(lake);
  try {
    const asOf = await asOfInstant(session.connection, run.asOf);
    const report: HistoryReport = { cells: [], segments: [] };
    const daily = targets.filter((c) => isDailyProfile(session, c));
    const snapshots = targets.filter((c) => !daily.includes(c));
    // Shared relations (the metrics scan) are computed once for all snapshots.
    await session.prepare(snapshots.map((c) => c.name));
    for (const cell of snapshots) {
      const start = performance.now();
      const staged = stage.path(`snapshots/${cell.name}.parquet`);
      await mkdir(dirname(staged), { recursive: true });
      const rows = await copyCell(session, cell, staged, lake);
      const path = snapshotFile(lake, notebook, cell.name, asOf.day);
      stage.place(staged, path);
      if (cell.kind === 'segment') {
        const key = keyOf(session, cell);
        const step = await stageMembership(session.connection, stage, { lake, notebook, segment: cell.name, key }, staged, { runId: run.runId, asOf });
        report.segments.push({ name: cell.name, ...step });
      }
      report.cells.push({ name: cell.name, kind: cell.kind as 'profile' | 'segment', rows, seconds: (performance.now() - start) / 1000, path });
    }
    for (const cell of daily) {
      const start = performance.now();
      const refresh = await stageDailyRefresh(session, stage, cell, { lake, notebook, asOf });
      report.cells.push({
        name: cell.name,
        kind: 'profile',
        rows: refresh.rows,
        seconds: (performance.now() - start) / 1000,
        path: dailyDir(lake, notebook, cell.name),
        recomputedDays: refresh.recomputedDays,
        full: refresh.full,
        ...(refresh.skipped ? { skipped: refresh.skipped } : {}),
      });
    }
    await stage.publish();
    return report;
  } catch (e) {
    await stage.discard();
    throw e;
  }
}

async function copyCell(session: NotebookSession, cell: CompiledCell, path: string, lake: string): Promise<number> {
  try {
    return await copyToParquet(session.connection, cell.select!, path);
  } catch (e) {
    throw cellError(e, { name: cell.name, place: session.placeOf(cell) }, [lake]);
  }
}

/** The key column of a segment's source: the first column of its table. */
function keyOf(session: NotebookSession, segment: CompiledCell): string {
  const source = session.compiled.cells.find((c) => c.kind === 'source' && c.name === segment.source);
  if (!source?.key) throw new Error(`internal error: segment ${segment.name} has no source key`);
  return source.key;
}
