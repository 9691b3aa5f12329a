/**
 * Result columns and values as the workbench shows them. Works on anything shaped like an Arrow
 * schema and vector (our apache-arrow, or the copy inside duckdb-wasm), so it is plain data in,
 * strings and chart values out.
 */

/** Arrow type ids we distinguish (the `Type` enum, stable across apache-arrow versions). */
const ArrowType = {
  Null: 1,
  Int: 2,
  Float: 3,
  Binary: 4,
  Utf8: 5,
  Bool: 6,
  Decimal: 7,
  Date: 8,
  Time: 9,
  Timestamp: 10,
  Interval: 11,
  LargeUtf8: 20,
} as const;

export type ColumnKind = 'number' | 'bigint' | 'decimal' | 'string' | 'boolean' | 'date' | 'timestamp' | 'other';

export interface ResultColumn {
  name: string;
  kind: ColumnKind;
  /** The Arrow type as text, e.g. `Int64`, `Timestamp<MICROSECOND>`; shown in the header tooltip. */
  typeName: string;
  /** Digits after the point, for decimals. */
  scale?: number;
}

/** The minimum of an Arrow field we read. */
export interface FieldLike {
  name: string;
  type: { typeId: number; toString(): string; scale?: number; bitWidth?: number };
}

export function columnOf(field: FieldLike): ResultColumn {
  const t = field.type;
  const typeName = t.toString();
  let kind: ColumnKind;
  switch (t.typeId) {
    case ArrowType.Int:
      kind = (t.bitWidth ?? 32) > 32 ? 'bigint' : 'number';
      break;
    case ArrowType.Float:
      kind = 'number';
      break;
    case ArrowType.Decimal:
      kind = 'decimal';
      break;
    case ArrowType.Utf8:
    case ArrowType.LargeUtf8:
      kind = 'string';
      break;
    case ArrowType.Bool:
      kind = 'boolean';
      break;
    case ArrowType.Date:
      kind = 'date';
      break;
    case ArrowType.Timestamp:
      kind = 'timestamp';
      break;
    default:
      // Dictionary-encoded strings report their value type's id as negative in older arrows.
      kind = /utf8|dictionary<.*utf8/i.test(typeName) ? 'string' : 'other';
  }
  const col: ResultColumn = { name: field.name, kind, typeName };
  if (kind === 'decimal' && t.scale !== undefined) col.scale = t.scale;
  return col;
}

export function columnsOf(schema: { fields: readonly FieldLike[] }): ResultColumn[] {
  return schema.fields.map(columnOf);
}

/** Whether a column holds numbers a chart can use on a quantitative axis. */
export function isNumeric(kind: ColumnKind): boolean {
  return kind === 'number' || kind === 'bigint' || kind === 'decimal';
}

export function isTemporal(kind: ColumnKind): boolean {
  return kind === 'date' || kind === 'timestamp';
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `YYYY-MM-DD` of a UTC epoch in milliseconds. */
export function formatDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** `YYYY-MM-DD hh:mm:ss` (UTC) of an epoch in milliseconds; milliseconds only when present. */
export function formatTimestamp(ms: number): string {
  const d = new Date(ms);
  const frac = d.getUTCMilliseconds();
  return `${formatDate(ms)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${frac ? `.${pad(frac, 3)}` : ''}`;
}

/** A number as analysts read it: integers whole, fractions to at most 4 decimals. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return String(n);
  const abs = Math.abs(n);
  if (abs !== 0 && abs < 1e-4) return n.toPrecision(3);
  return String(Number(n.toFixed(4)));
}

/** The decimal's unscaled integer as a bigint, from whatever the Arrow build hands back. */
function decimalBigInt(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  if (value && typeof value === 'object') {
    const text = String(value);
    if (/^-?\d+$/.test(text)) return BigInt(text);
  }
  return undefined;
}

export function formatDecimal(value: unknown, scale = 0): string {
  const big = decimalBigInt(value);
  if (big === undefined) return String(value);
  if (scale <= 0) return big.toString();
  const negative = big < 0n;
  const digits = (negative ? -big : big).toString().padStart(scale + 1, '0');
  const int = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/** A cell's text in a result table. `null` shows as an empty string; the table styles it. */
export function formatValue(value: unknown, column: ResultColumn): string {
  if (value === null || value === undefined) return '';
  switch (column.kind) {
    case 'number':
      return typeof value === 'number' ? formatNumber(value) : String(value);
    case 'bigint':
      return String(value);
    case 'decimal':
      return formatDecimal(value, column.scale);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'date':
      return typeof value === 'number' ? formatDate(value) : value instanceof Date ? formatDate(value.getTime()) : String(value);
    case 'timestamp':
      return typeof value === 'number' ? formatTimestamp(value) : value instanceof Date ? formatTimestamp(value.getTime()) : String(value);
    case 'string':
      return String(value);
    default:
      if (typeof value === 'object' && value !== null && 'toJSON' in value) return JSON.stringify(value);
      return String(value);
  }
}

/** A value for a chart: numbers as numbers, times as Dates, everything else as text. */
export function chartValue(value: unknown, column: ResultColumn): number | string | Date | null {
  if (value === null || value === undefined) return null;
  switch (column.kind) {
    case 'number':
      return typeof value === 'number' ? value : Number(value);
    case 'bigint':
      return Number(value);
    case 'decimal':
      return Number(formatDecimal(value, column.scale));
    case 'date':
    case 'timestamp':
      return typeof value === 'number' ? new Date(value) : value instanceof Date ? value : new Date(String(value));
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return formatValue(value, column);
  }
}

/** The minimum of an Arrow table we read. */
export interface TableLike {
  numRows: number;
  schema: { fields: readonly FieldLike[] };
  getChild(name: string): { get(index: number): unknown } | null;
  getChildAt?(index: number): { get(index: number): unknown } | null;
}

/** Rows `[from, to)` of a table as plain objects of chart values, keyed by column name. */
export function chartRows(table: TableLike, columns: readonly ResultColumn[], from = 0, to = table.numRows): Record<string, number | string | Date | null>[] {
  const end = Math.min(to, table.numRows);
  const vectors = columns.map((c, i) => table.getChildAt?.(i) ?? table.getChild(c.name));
  const rows: Record<string, number | string | Date | null>[] = [];
  for (let r = from; r < end; r++) {
    const row: Record<string, number | string | Date | null> = {};
    columns.forEach((c, i) => {
      row[c.name] = chartValue(vectors[i]?.get(r), c);
    });
    rows.push(row);
  }
  return rows;
}

/** Rows `[from, to)` as formatted strings, by column position. */
export function textRows(table: TableLike, columns: readonly ResultColumn[], from = 0, to = table.numRows): (string | null)[][] {
  const end = Math.min(to, table.numRows);
  const vectors = columns.map((c, i) => table.getChildAt?.(i) ?? table.getChild(c.name));
  const rows: (string | null)[][] = [];
  for (let r = from; r < end; r++) {
    rows.push(
      columns.map((c, i) => {
        const v = vectors[i]?.get(r);
        return v === null || v === undefined ? null : formatValue(v, c);
      }),
    );
  }
  return rows;
}
