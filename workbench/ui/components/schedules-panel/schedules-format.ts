import type { CellLog, RunError, RunRecord, SegmentLog } from '../../../../engine/runs/run-record.js';
import type { SegmentSizePoint } from '../../api/client.js';
import type { ResultColumn } from '../../results/columns.js';
import { formatCount } from '../pipeline-panel/pipeline-format.js';

/** Pure text and chart data for the schedules panel. */

/** When an ISO time comes: `in 12 s`, `in 5 min`, `in 3 h`, else the UTC date and time; `—` for none. */
export function formatIn(iso: string | null, now: number): string {
  if (iso === null) return '—';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const s = Math.max(0, Math.round((at - now) / 1000));
  if (s < 1) return 'now';
  if (s < 60) return `in ${s} s`;
  if (s < 3600) return `in ${Math.round(s / 60)} min`;
  if (s < 86_400) return `in ${Math.round(s / 3600)} h`;
  return `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A duration: `0.42 s`, `12.3 s`, `4 min 05 s`, `1 h 02 min`. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '—';
  if (seconds < 10) return `${seconds.toFixed(2)} s`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** An error as one line: `place: message` (the message's first line; DuckDB's context follows in the log). */
export function errorLine(error: RunError | undefined): string {
  if (!error) return '';
  const first = error.message.split('\n')[0]!;
  return error.place ? `${error.place}: ${first}` : first;
}

/** What the per-cell log says beside a cell's numbers: membership changes, recomputed days, notes. */
export function cellNotes(cell: CellLog, segments: readonly SegmentLog[]): string[] {
  const notes: string[] = [];
  const segment = segments.find((s) => s.name === cell.name);
  if (segment) notes.push(`${formatCount(segment.members)} members, +${formatCount(segment.joined)} joined, −${formatCount(segment.left)} left`);
  if (cell.recomputedDays) {
    const days = cell.recomputedDays;
    notes.push(days.length === 0 ? 'no day recomputed' : days.length <= 3 ? `recomputed ${days.join(', ')}` : `recomputed ${days.length} days (${days[0]} … ${days.at(-1)})`);
  }
  if (cell.note) notes.push(cell.note);
  return notes;
}

/** The size chart's columns and rows (`as_of` a Date, one point per run), for `kohort-result-chart`. */
export function sizeChart(points: readonly SegmentSizePoint[]): { columns: ResultColumn[]; rows: Record<string, unknown>[] } {
  return {
    columns: [
      { name: 'as_of', kind: 'timestamp', typeName: 'Timestamp<MICROSECOND>' },
      { name: 'members', kind: 'number', typeName: 'Int64' },
    ],
    // As-of times are UTC instants written without a zone.
    rows: points.map((p) => ({ as_of: new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(p.asOf) ? p.asOf : `${p.asOf}Z`), members: p.members })),
  };
}

/** The segments a run kept in the history: what the size chart can show. */
export function chartableSegments(record: Pick<RunRecord, 'segments'> | undefined): string[] {
  return (record?.segments ?? []).map((s) => s.name);
}
