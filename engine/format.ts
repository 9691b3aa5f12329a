import type { CellValue, ResultColumn, ResultTable } from './values.js';

export type OutputFormat = 'table' | 'csv' | 'json';
export const outputFormats: readonly OutputFormat[] = ['table', 'csv', 'json'];

export interface TableFormatOptions {
  /** Cells wider than this many terminal columns are cut with `…`. Default 40. */
  maxColumnWidth?: number;
  /** Most decimals shown for DOUBLE/DECIMAL columns; a column shows them aligned. Default 6. */
  maxDecimals?: number;
}

/**
 * An aligned text table: a header, a rule, one line per row, numbers right-aligned with their
 * decimal points lined up, and `… N more rows` when the result was cut. Control characters and
 * bidirectional overrides in values are shown escaped so a hostile string cannot break the layout.
 */
export function formatTable(result: ResultTable, options: TableFormatOptions = {}): string {
  const maxWidth = Math.max(2, options.maxColumnWidth ?? 40);
  const maxDecimals = options.maxDecimals ?? 6;
  const { columns, rows } = result;
  if (columns.length === 0) return '(no columns)\n';
  const texts = columns.map((col, c) => {
    const decimals = col.kind === 'float' ? decimalsFor(rows.map((r) => r[c]!), maxDecimals) : 0;
    return rows.map((r) => clip(tableText(r[c]!, col, decimals, maxDecimals), maxWidth));
  });
  const headers = columns.map((col) => clip(escapeControls(col.name), maxWidth));
  const widths = columns.map((_, c) => Math.max(displayWidth(headers[c]!), ...texts[c]!.map(displayWidth)));
  const right = columns.map((col) => col.kind === 'integer' || col.kind === 'float');
  const line = (cells: string[]) =>
    cells
      .map((t, c) => (right[c] ? pad(t, widths[c]!, 'left') : c === cells.length - 1 ? t : pad(t, widths[c]!, 'right')))
      .join('  ')
      .trimEnd();
  const out = [line(headers.map((h, c) => (right[c] ? pad(h, widths[c]!, 'left') : h))), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (let r = 0; r < rows.length; r++) out.push(line(texts.map((col) => col[r]!)));
  const more = result.rowCount - rows.length;
  if (more > 0) out.push(`… ${more.toLocaleString('en-US')} more ${more === 1 ? 'row' : 'rows'}`);
  else if (result.rowCount === 0) out.push('(no rows)');
  return out.join('\n') + '\n';
}

/**
 * RFC 4180 CSV: a header record, then one record per row, `\n` between records. A field is quoted
 * when it holds `"`, `,`, CR or LF (quotes doubled); NULL is an empty field, the empty string `""`.
 */
export function formatCsv(result: ResultTable): string {
  return csvHeader(result.columns) + csvRecords(result.rows);
}

/** The CSV header record, newline included. */
export function csvHeader(columns: readonly ResultColumn[]): string {
  return columns.map((c) => csvField(c.name)).join(',') + '\n';
}

/** CSV records for rows, each ending in a newline: `formatCsv` in pieces, for streaming. */
export function csvRecords(rows: readonly CellValue[][]): string {
  let out = '';
  for (const row of rows) out += row.map((v) => (v === null ? '' : csvField(plainText(v)))).join(',') + '\n';
  return out;
}

/**
 * A JSON array of row objects, one per line. BIGINT/HUGEINT are written as their exact digits
 * (JSON numbers have no precision limit; read them with a bigint-aware parser to keep them exact);
 * timestamps are ISO strings; NaN and ±Infinity, which JSON cannot hold, are `null`.
 */
export function formatJson(result: ResultTable): string {
  if (result.rows.length === 0) return '[]\n';
  return `[\n${jsonObjects(result.columns, result.rows).join(',\n')}\n]\n`;
}

/** One JSON object per row, indented by two spaces, without separators: `formatJson` in pieces. */
export function jsonObjects(columns: readonly ResultColumn[], rows: readonly CellValue[][]): string[] {
  const keys = columns.map((c) => JSON.stringify(c.name));
  return rows.map((row) => `  {${row.map((v, i) => `${keys[i]}: ${jsonValue(v)}`).join(', ')}}`);
}

export function formatResult(result: ResultTable, format: OutputFormat, options?: TableFormatOptions): string {
  switch (format) {
    case 'table':
      return formatTable(result, options);
    case 'csv':
      return formatCsv(result);
    case 'json':
      return formatJson(result);
  }
}

/** A value as JSON text; bigints as digits. */
export function jsonValue(v: CellValue): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'bigint':
      return v.toString();
    case 'number':
      return Number.isFinite(v) ? JSON.stringify(v) : 'null';
    case 'string':
    case 'boolean':
      return JSON.stringify(v);
  }
  if (Array.isArray(v)) return `[${v.map(jsonValue).join(', ')}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${JSON.stringify(k)}: ${jsonValue(x)}`)
    .join(', ')}}`;
}

function csvField(s: string): string {
  return s === '' || /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** A non-null value as one field of text, in DuckDB's spellings for the non-finite doubles. */
function plainText(v: Exclude<CellValue, null>): string {
  switch (typeof v) {
    case 'bigint':
    case 'boolean':
      return String(v);
    case 'number':
      return Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : String(v);
    case 'string':
      return v;
  }
  return jsonValue(v);
}

function tableText(v: CellValue, col: ResultColumn, decimals: number, maxDecimals: number): string {
  if (v === null) return 'NULL';
  if (typeof v === 'number' && col.kind === 'float' && Number.isFinite(v)) {
    const abs = Math.abs(v);
    // Too large or too small for fixed notation to be readable (or not to round to zero).
    if (abs !== 0 && (abs >= 1e15 || abs < 10 ** -maxDecimals)) return v.toExponential(5).replace(/\.?0+e/, 'e');
    return v.toFixed(decimals);
  }
  return escapeControls(plainText(v));
}

/** How many decimals a column needs so its values, rounded to at most `max`, all show exactly. */
function decimalsFor(values: CellValue[], max: number): number {
  let d = 0;
  for (const v of values) {
    if (typeof v !== 'number' || !Number.isFinite(v) || Number.isInteger(v)) continue;
    const abs = Math.abs(v);
    if (abs >= 1e15 || abs < 10 ** -max) continue;
    const fixed = v.toFixed(max).replace(/0+$/, '');
    const dot = fixed.indexOf('.');
    d = Math.max(d, dot < 0 ? 0 : fixed.length - dot - 1);
    if (d === max) break;
  }
  return d;
}

// C0/C1 controls, DEL, and the bidirectional embeddings/overrides/isolates that can reorder a line.
const controls = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function escapeControls(s: string): string {
  return s.replace(controls, (ch) => named[ch] ?? `\\u{${ch.codePointAt(0)!.toString(16)}}`);
}

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** Terminal columns a string takes: wide (CJK, emoji) graphemes count 2, combining marks 0. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const { segment } of segmenter.segment(s)) w += graphemeWidth(segment);
  return w;
}

function graphemeWidth(g: string): number {
  const cp = g.codePointAt(0)!;
  if (/^\p{Mark}+$/u.test(g)) return 0;
  if (/\p{Extended_Pictographic}/u.test(g) && (g.includes('\ufe0f') || cp >= 0x1f000)) return 2;
  return isWide(cp) ? 2 : 1;
}

// East Asian Wide and Fullwidth ranges (the common blocks).
function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** Cuts `s` to at most `max` terminal columns, ending in `…` when cut, never inside a grapheme. */
function clip(s: string, max: number): string {
  if (displayWidth(s) <= max) return s;
  let out = '';
  let w = 0;
  for (const { segment } of segmenter.segment(s)) {
    const gw = graphemeWidth(segment);
    if (w + gw > max - 1) break;
    out += segment;
    w += gw;
  }
  return out + '…';
}

function pad(s: string, width: number, side: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(s)));
  return side === 'left' ? fill + s : s + fill;
}
