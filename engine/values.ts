import {
  DuckDBArrayType,
  DuckDBArrayValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBListType,
  DuckDBListValue,
  DuckDBMapType,
  DuckDBMapValue,
  DuckDBStructType,
  DuckDBStructValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTypeId,
  DuckDBUnionValue,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';

/**
 * One value of a result, in a form that survives JSON and loses nothing that matters:
 * 64-bit and wider integers are `bigint` (ids like 2053013555631882655 do not fit a double),
 * DOUBLE/FLOAT/DECIMAL are `number`, timestamps and dates are ISO 8601 text (`2019-10-01T08:30:00`,
 * `…Z` for TIMESTAMPTZ, shown in UTC), NULL is `null`; lists and structs nest.
 */
export type CellValue = null | boolean | number | bigint | string | CellValue[] | { [key: string]: CellValue };

/** How a column's values are shown: numbers right-aligned, everything else left. */
export type ColumnKind = 'integer' | 'float' | 'boolean' | 'string' | 'timestamp' | 'date' | 'nested' | 'other';

export interface ResultColumn {
  name: string;
  /** DuckDB's own type name, e.g. `BIGINT`, `DECIMAL(18,2)`, `TIMESTAMP WITH TIME ZONE`. */
  sqlType: string;
  kind: ColumnKind;
}

/** The rows of one result, possibly cut at a limit. */
export interface ResultTable {
  columns: ResultColumn[];
  rows: CellValue[][];
  /** Rows the query returned in all; more than `rows.length` when a limit cut it. */
  rowCount: number;
}

export function columnKind(type: DuckDBType): ColumnKind {
  switch (type.typeId) {
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.BIGNUM:
      return 'integer';
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.DECIMAL:
      return 'float';
    case DuckDBTypeId.BOOLEAN:
      return 'boolean';
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.ENUM:
    case DuckDBTypeId.UUID:
      return 'string';
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return 'timestamp';
    case DuckDBTypeId.DATE:
      return 'date';
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
    case DuckDBTypeId.STRUCT:
    case DuckDBTypeId.MAP:
    case DuckDBTypeId.UNION:
      return 'nested';
    default:
      return 'other';
  }
}

/** Converts one DuckDB value of a column of type `type` to a `CellValue`. */
export function toCellValue(value: DuckDBValue, type: DuckDBType): CellValue {
  if (value === null) return null;
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return value;
    case 'bigint':
      return value;
    case 'number':
      return value;
  }
  if (value instanceof DuckDBDecimalValue) return value.toDouble();
  if (value instanceof DuckDBTimestampValue) return isoFromSubseconds(value.micros, 6, false) ?? value.toString();
  if (value instanceof DuckDBTimestampTZValue) return isoFromSubseconds(value.micros, 6, true) ?? value.toString();
  if (value instanceof DuckDBTimestampMillisecondsValue) return isoFromSubseconds(value.millis, 3, false) ?? value.toString();
  if (value instanceof DuckDBTimestampSecondsValue) return isoFromSubseconds(value.seconds, 0, false) ?? value.toString();
  if (value instanceof DuckDBTimestampNanosecondsValue) return isoFromSubseconds(value.nanos, 9, false) ?? value.toString();
  if (value instanceof DuckDBDateValue) return isoDate(value);
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) {
    const itemType = type instanceof DuckDBListType || type instanceof DuckDBArrayType ? type.valueType : type;
    return value.items.map((v) => toCellValue(v, itemType));
  }
  if (value instanceof DuckDBStructValue) {
    const out: { [key: string]: CellValue } = {};
    for (const [k, v] of Object.entries(value.entries)) {
      const t = type instanceof DuckDBStructType ? type.entryTypes[type.entryIndexes[k] ?? -1] : undefined;
      out[k] = t ? toCellValue(v, t) : v === null ? null : String(v);
    }
    return out;
  }
  if (value instanceof DuckDBMapValue) {
    const [keyType, valueType] = type instanceof DuckDBMapType ? [type.keyType, type.valueType] : [type, type];
    return value.entries.map((e) => ({ key: toCellValue(e.key, keyType), value: toCellValue(e.value, valueType) }));
  }
  if (value instanceof DuckDBUnionValue) return value.value === null ? null : String(value.value);
  // TIME, INTERVAL, UUID, BLOB, BIT…: DuckDB's own text is the clearest form.
  return String(value);
}

const unitsPerSecond = [1n, 10n, 100n, 1_000n, 10_000n, 100_000n, 1_000_000n, 10_000_000n, 100_000_000n, 1_000_000_000n];

/**
 * `2019-10-01T08:30:00.25` from a count of 10^-digits seconds since the epoch; null for the
 * infinities and for instants outside what `Date` can show.
 */
function isoFromSubseconds(count: bigint, digits: number, utc: boolean): string | null {
  const per = unitsPerSecond[digits]!;
  let seconds = count / per;
  let fraction = count % per;
  if (fraction < 0n) {
    fraction += per;
    seconds -= 1n;
  }
  const ms = Number(seconds) * 1000;
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return null;
  const date = new Date(ms);
  const base = date.toISOString().slice(0, -5); // drop `.000Z`
  const frac = fraction === 0n ? '' : `.${fraction.toString().padStart(digits, '0').replace(/0+$/, '')}`;
  return `${base}${frac}${utc ? 'Z' : ''}`;
}

function isoDate(value: DuckDBDateValue): string {
  const ms = value.days * 86_400_000;
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return value.toString();
  return new Date(ms).toISOString().slice(0, 10);
}
