import type { CellValue, ResultTable } from '../../engine/index.js';

/** A value as the JSON answers carry it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * A result value for a JSON answer, exactly: integers within ±(2^53−1) are numbers; larger ones
 * (ids like 2053013555631882655) are strings of digits, since a JSON number would lose digits in
 * the browser. Timestamps and dates are ISO 8601 text (the engine's form); non-finite floats null.
 */
export function jsonValue(v: CellValue): JsonValue {
  if (v === null) return null;
  switch (typeof v) {
    case 'bigint':
      return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString();
    case 'number':
      return Number.isFinite(v) ? v : null;
    case 'string':
    case 'boolean':
      return v;
  }
  if (Array.isArray(v)) return v.map(jsonValue);
  const out: { [key: string]: JsonValue } = {};
  for (const [k, x] of Object.entries(v)) out[k] = jsonValue(x);
  return out;
}

/** A table's rows as objects by column name. */
export function jsonRows(table: ResultTable): Record<string, JsonValue>[] {
  return table.rows.map((row) => {
    const out: Record<string, JsonValue> = {};
    table.columns.forEach((c, i) => (out[c.name] = jsonValue(row[i]!)));
    return out;
  });
}
