/**
 * Where a notebook's run history lives in the lake: the one layout the engine writes and the
 * compiler reads (segment conditions over membership). Hive-style folders, so Spark and Trino read
 * them as partitioned tables. Pure path arithmetic: the dsl does no I/O.
 *
 *   <lake>/_kohort/snapshots/<notebook>/<cell>/as_of=YYYY-MM-DD/*.parquet   profiles and segments per run
 *   <lake>/_kohort/daily/<notebook>/<cell>/date=YYYY-MM-DD/*.parquet        daily profiles, per day
 *   <lake>/_kohort/membership/<notebook>/<segment>/intervals.parquet         one row per stay in a segment:
 *       <source key column>, entered_at TIMESTAMP, left_at TIMESTAMP (NULL while a member),
 *       entered_run VARCHAR, left_run VARCHAR
 */
import { join } from './paths.js';

export const historyRoot = '_kohort';

/** A notebook id safe as one path segment: letters, digits, `_`, `-`; anything else becomes `_`. */
export function notebookId(fileOrName: string): string {
  const base = fileOrName.replace(/\\/g, '/').split('/').pop() ?? fileOrName;
  const id = base.replace(/\.kohort$/, '').replace(/[^A-Za-z0-9_-]/g, '_');
  return id === '' ? 'notebook' : id;
}

export function snapshotsDir(lake: string, notebook: string, cell: string): string {
  return join(lake, `${historyRoot}/snapshots/${notebook}/${cell}`);
}

export function dailyDir(lake: string, notebook: string, cell: string): string {
  return join(lake, `${historyRoot}/daily/${notebook}/${cell}`);
}

export function membershipFile(lake: string, notebook: string, segment: string): string {
  return join(lake, `${historyRoot}/membership/${notebook}/${segment}/intervals.parquet`);
}
