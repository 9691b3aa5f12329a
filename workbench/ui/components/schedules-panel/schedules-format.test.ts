import { describe, expect, test } from 'vitest';
import { describeDataRead } from '../../../../engine/runs/run-record.js';
import { cellNotes, errorLine, formatDuration, formatIn, sizeChart } from './schedules-format.js';

describe('schedules panel text', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  test('next runs and durations read naturally', () => {
    expect(formatIn('2026-01-01T00:00:12Z', now)).toBe('in 12 s');
    expect(formatIn('2026-01-01T00:05:00Z', now)).toBe('in 5 min');
    expect(formatIn('2026-01-01T03:00:00Z', now)).toBe('in 3 h');
    expect(formatIn('2026-01-03T03:00:00Z', now)).toBe('2026-01-03 03:00 UTC');
    expect(formatIn(null, now)).toBe('—');
    expect([formatDuration(0.421), formatDuration(12.34), formatDuration(245), formatDuration(3720), formatDuration(undefined)]).toEqual(['0.42 s', '12.3 s', '4 min 05 s', '1 h 02 min', '—']);
  });

  test('errors are one line with their place', () => {
    expect(errorLine({ message: 'cell `x`: Binder Error: no column\n\nLINE 2: …', place: 'nb.kohort:17:3' })).toBe('nb.kohort:17:3: cell `x`: Binder Error: no column');
    expect(errorLine({ message: 'interrupted: the server stopped during the run' })).toBe('interrupted: the server stopped during the run');
  });

  test('the per-cell log notes membership changes, recomputed days and notes', () => {
    const segments = [{ name: 'vip', members: 1234, joined: 12, left: 3 }];
    expect(cellNotes({ name: 'vip', kind: 'segment', status: 'succeeded' }, segments)).toEqual(['1,234 members, +12 joined, −3 left']);
    expect(cellNotes({ name: 'days', kind: 'profile', status: 'succeeded', recomputedDays: ['2019-10-30', '2019-10-31'] }, segments)).toEqual(['recomputed 2019-10-30, 2019-10-31']);
    expect(cellNotes({ name: 'days', kind: 'profile', status: 'succeeded', recomputedDays: ['2019-10-01', '2019-10-02', '2019-10-03', '2019-10-04'], note: 'every day rebuilt' }, [])).toEqual([
      'recomputed 4 days (2019-10-01 … 2019-10-04)',
      'every day rebuilt',
    ]);
  });

  test('what a run read, and the size chart rows', () => {
    const files = [
      { path: 'events/date=2019-10-01/a.parquet', bytes: 1500, modified: '' },
      { path: 'events/date=2019-10-02/b.parquet', bytes: 2_500_000, modified: '' },
    ];
    expect(describeDataRead({ lake: '/l', sources: [{ source: 'events', kind: 'lake', location: 'events', partitions: [{ name: 'date=2019-10-01', files: [files[0]!] }, { name: 'date=2019-10-02', files: [files[1]!] }] }] })).toBe(
      'events: 2 partitions, 2 files, 2.5 MB',
    );
    const chart = sizeChart([{ runId: 'r1', asOf: '2019-10-03T12:30:00', members: 2, joined: 2, left: 0 }]);
    expect(chart.rows).toEqual([{ as_of: new Date('2019-10-03T12:30:00Z'), members: 2 }]);
    expect(chart.columns.map((c) => [c.name, c.kind])).toEqual([
      ['as_of', 'timestamp'],
      ['members', 'number'],
    ]);
  });
});
