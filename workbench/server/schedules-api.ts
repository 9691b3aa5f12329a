/**
 * What the schedules API answers (`GET /api/schedules`, `GET /api/runs`; a run's record is
 * `RunRecord`). Plain types, shared by the server and the UI.
 */
import type { ScheduleSpec } from '../../dsl/compiled.js';
import type { RunRecord } from '../../engine/runs/run-record.js';

/** A schedule as the API shows it. */
export interface ScheduleView {
  /** The notebook, workspace-relative. */
  path: string;
  name: string;
  /** `path:line:col` of the schedule cell. */
  place: string;
  /** Absent when the cell has errors (see `problem`). */
  spec?: ScheduleSpec;
  /** `cron "0 3 * * *" (Europe/Berlin)`, `every 1 hour`, `on new data in events`. */
  description?: string;
  /** ISO; null for data triggers and schedules that cannot run. */
  nextRun: string | null;
  /** Runs of the notebook queued or going on in this server. */
  inFlight: number;
  problem?: string;
}

/** A run in a list: the record without its per-cell log and data version. */
export type RunSummary = Pick<RunRecord, 'id' | 'schedule' | 'trigger' | 'status' | 'startedAt' | 'endedAt' | 'seconds' | 'asOf' | 'error' | 'rerunOf' | 'scheduledFor'> & {
  attempts: number;
  cells: number;
};
