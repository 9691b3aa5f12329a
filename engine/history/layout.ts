import { dirname, join } from 'node:path';
import { dailyDir, membershipFile, snapshotsDir } from '../../dsl/index.js';
import { UserError } from '../user-error.js';

/**
 * The files of run history in a lake, on top of the folders `dsl/history-paths.ts` names:
 *
 *   snapshots/<notebook>/<cell>/as_of=YYYY-MM-DD/part-0.parquet   one file per as-of day (replaced by a re-run)
 *   daily/<notebook>/<cell>/date=YYYY-MM-DD/part-0.parquet        one file per day
 *   daily/<notebook>/<cell>/_state.json                            what the days were computed from
 *   membership/<notebook>/<segment>/intervals.parquet              the stays
 *   membership/<notebook>/<segment>/_runs.parquet                  one row per run that advanced the stays
 *
 * Names starting with `_` are skipped by Spark and Hive, so a table over a folder sees only its data.
 */

const dataFile = 'part-0.parquet';

export function snapshotFile(lake: string, notebook: string, cell: string, day: string): string {
  return join(snapshotsDir(lake, notebook, cell), `as_of=${day}`, dataFile);
}

export function dailyDayDir(lake: string, notebook: string, cell: string, day: string): string {
  return join(dailyDir(lake, notebook, cell), `date=${day}`);
}

export function dailyStateFile(lake: string, notebook: string, cell: string): string {
  return join(dailyDir(lake, notebook, cell), '_state.json');
}

export { membershipFile };

export function runLogFile(lake: string, notebook: string, segment: string): string {
  return join(dirname(membershipFile(lake, notebook, segment)), '_runs.parquet');
}

/**
 * A UserError unless a cell's name can be a folder of the history: a DSL name in backticks may
 * hold `/` or be `..` (which would write outside the notebook's history), and Spark skips folders
 * starting with `_` or `.`.
 */
export function checkHistoryName(name: string): void {
  if (name === '' || /^[._]/.test(name) || /[/\\\0]/.test(name)) {
    throw new UserError(`cell \`${name}\` cannot name a folder of the run history: rename it (letters, digits, \`_\`)`);
  }
}
