import type { HistoryReport, HistoryRun } from '../history/index.js';
import type { NotebookSession } from '../session.js';

/**
 * The history writer a runner hands profile and segment cells to (`engine/history/`, through
 * `lake-history.ts`): dated Parquet snapshots and segment membership, published atomically.
 */
export interface RunHistory {
  writeRunHistory(session: NotebookSession, cells: string[], run: HistoryRun): Promise<HistoryReport>;
  /** Removes staged files left by a crashed run. */
  discardUnpublished(lake: string): Promise<void>;
}

