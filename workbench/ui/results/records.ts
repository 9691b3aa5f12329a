import type { ColumnKind, ResultColumn } from './columns.js';

/**
 * Columns and chart values for JSON records (the customer view, segment previews), where the
 * server sends ids as strings and times as ISO text.
 */
const isoDate = /^\d{4}-\d{2}-\d{2}$/;
const isoTime = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;

function kindOf(values: unknown[]): ColumnKind {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length === 0) return 'other';
  if (present.every((v) => typeof v === 'number')) return 'number';
  if (present.every((v) => typeof v === 'boolean')) return 'boolean';
  if (present.every((v) => typeof v === 'string')) {
    const strings = present as string[];
    if (strings.every((s) => isoDate.test(s))) return 'date';
    if (strings.every((s) => isoTime.test(s))) return 'timestamp';
    if (strings.every((s) => /^-?\d{1,30}$/.test(s))) return 'bigint';
    return 'string';
  }
  return 'other';
}

export function recordColumns(records: readonly Record<string, unknown>[]): ResultColumn[] {
  const names: string[] = [];
  for (const r of records) for (const k of Object.keys(r)) if (!names.includes(k)) names.push(k);
  return names.map((name) => ({ name, kind: kindOf(records.map((r) => r[name])), typeName: 'json' }));
}

function toDate(text: string): Date {
  // A bare date or a time without a zone is UTC, as DuckDB wrote it.
  if (isoDate.test(text)) return new Date(`${text}T00:00:00Z`);
  const normalised = text.replace(' ', 'T');
  return new Date(/(Z|[+-]\d{2}(:?\d{2})?)$/.test(normalised) ? normalised : `${normalised}Z`);
}

/** Records with chart values: dates as Dates, numeric text as numbers. */
export function recordChartRows(records: readonly Record<string, unknown>[], columns: readonly ResultColumn[]): Record<string, number | string | Date | null>[] {
  return records.map((r) => {
    const row: Record<string, number | string | Date | null> = {};
    for (const c of columns) {
      const v = r[c.name];
      if (v === null || v === undefined) row[c.name] = null;
      else if (c.kind === 'date' || c.kind === 'timestamp') row[c.name] = toDate(String(v));
      else if (c.kind === 'number' || c.kind === 'bigint') row[c.name] = Number(v);
      else row[c.name] = typeof v === 'string' ? v : JSON.stringify(v);
    }
    return row;
  });
}

/** A record's value as text for a table cell. */
export function recordText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(4)));
  if (typeof value === 'string') return value.replace(/^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.000)?Z?$/, '$1 $2');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
