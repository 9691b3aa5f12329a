import {
  Bool,
  DateDay,
  Field,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  makeData,
  RecordBatch,
  RecordBatchStreamWriter,
  Schema,
  Struct,
  TimestampMicrosecond,
  TimestampMillisecond,
  TimestampNanosecond,
  TimestampSecond,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
  type Data,
  type DataType,
} from 'apache-arrow';
import { DuckDBTypeId, type DuckDBResult, type DuckDBType, type DuckDBValue, type DuckDBVector } from '@duckdb/node-api';
import { jsonValue, toCellValue } from '../../engine/index.js';

/**
 * DuckDB results as Arrow IPC streams, the wire format of `POST /api/run`.
 *
 * Exact by construction: BIGINT is Int64 (and UBIGINT Uint64), so ids past 2^53 keep every digit;
 * DOUBLE, FLOAT and DECIMAL are Float64; TIMESTAMP is an Arrow timestamp in DuckDB's own unit
 * (microseconds; TIMESTAMPTZ carries time zone `UTC`); DATE is DateDay; BOOLEAN is Bool;
 * VARCHAR, ENUM and UUID are Utf8. HUGEINT and wider are Utf8 digits (JavaScript's Arrow has no
 * exact 128-bit integer). Anything else (lists, structs, maps, TIME, INTERVAL, BLOB…) is Utf8
 * holding the engine's text for it, JSON for nested values. Every field carries DuckDB's type name
 * in its metadata under `kohort.sqlType`.
 */
export interface ArrowResult {
  /** The IPC stream: a schema message, then record batches. */
  ipc: Uint8Array;
  /** Rows the query returned in all; undefined when `countRest` was false and a limit cut the read short. */
  rows: number | undefined;
  /** Rows in `ipc`: fewer than `rows` when a limit cut the result. */
  kept: number;
  columns: { name: string; sqlType: string }[];
}

export interface ArrowOptions {
  /** Keep at most this many rows; the rest are only counted. */
  limit?: number;
  /** Rows per record batch: DuckDB's 2,048-row chunks gathered into bigger batches. */
  batchRows?: number;
  /** Asked between chunks; true stops the read (the caller discards the result). */
  stopped?: () => boolean;
  /**
   * Whether to read past `limit` to count the rest (default). Without, the read stops at the limit
   * and the caller counts some cheaper way (a `count(*)` DuckDB can answer without the columns).
   */
  countRest?: boolean;
}

/** Reads a DuckDB result to its end, keeping the first `limit` rows as Arrow. */
export async function resultToArrow(result: DuckDBResult, options: ArrowOptions = {}): Promise<ArrowResult> {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const types = result.columnTypes();
  const names = result.deduplicatedColumnNames();
  const batchRows = Math.max(1, Math.min(options.batchRows ?? 65_536, limit === Number.POSITIVE_INFINITY ? 65_536 : Math.max(1, limit)));
  const builders = types.map((t) => columnBuilder(t, batchRows));
  const fields = builders.map((b, i) => new Field(names[i]!, b.type, true, new Map([['kohort.sqlType', types[i]!.toString()]])));
  const schema = new Schema(fields);
  const batches: RecordBatch[] = [];
  let inBatch = 0;
  let kept = 0;
  let rows = 0;
  let cutShort = false;

  const flush = () => {
    if (inBatch === 0) return;
    const children = builders.map((b) => b.finish(inBatch));
    batches.push(new RecordBatch(schema, makeData({ type: new Struct(fields), length: inBatch, nullCount: 0, children })));
    inBatch = 0;
  };

  // The next chunk is fetched (on DuckDB's side) while this one is converted (on ours).
  let pending = result.fetchChunk();
  for (;;) {
    const chunk = await pending;
    if (!chunk || chunk.rowCount === 0 || options.stopped?.()) break;
    if (kept >= limit && options.countRest === false) {
      cutShort = true;
      break;
    }
    pending = result.fetchChunk();
    pending.catch(() => undefined); // awaited below, unless this chunk's conversion throws first
    const n = chunk.rowCount;
    let from = 0;
    while (from < n && kept < limit) {
      const take = Math.min(n - from, limit - kept, batchRows - inBatch);
      for (let c = 0; c < builders.length; c++) builders[c]!.append(chunk.getColumnVector(c), from, take, inBatch);
      from += take;
      inBatch += take;
      kept += take;
      if (inBatch === batchRows) flush();
    }
    rows += n;
  }
  flush();

  const writer = new RecordBatchStreamWriter();
  writer.reset(undefined, schema);
  for (const b of batches) writer.write(b);
  writer.finish();
  return { ipc: writer.toUint8Array(true), rows: cutShort ? undefined : rows, kept, columns: fields.map((f, i) => ({ name: f.name, sqlType: types[i]!.toString() })) };
}

/** The Arrow schema a result would have, without rows: for empty answers. */
export function emptyArrow(columns: readonly { name: string; type: DataType }[]): Uint8Array {
  const writer = new RecordBatchStreamWriter();
  writer.reset(undefined, new Schema(columns.map((c) => new Field(c.name, c.type, true))));
  writer.finish();
  return writer.toUint8Array(true);
}

interface ColumnBuilder {
  type: DataType;
  /** Copies `count` items of `vector` from `from` into rows `at…` of the current batch. */
  append(vector: DuckDBVector, from: number, count: number, at: number): void;
  /** The batch's first `length` rows as Arrow data; the builder starts a new batch. */
  finish(length: number): Data;
}

type NumberArray = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | Float64Array;
type NumberArrayClass = new (n: number) => NumberArray;

function columnBuilder(type: DuckDBType, capacity: number): ColumnBuilder {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return boolBuilder(capacity);
    case DuckDBTypeId.TINYINT:
      return numberBuilder(new Int8(), Int8Array, capacity, (v) => v as number);
    case DuckDBTypeId.SMALLINT:
      return numberBuilder(new Int16(), Int16Array, capacity, (v) => v as number);
    case DuckDBTypeId.INTEGER:
      return numberBuilder(new Int32(), Int32Array, capacity, (v) => v as number);
    case DuckDBTypeId.UTINYINT:
      return numberBuilder(new Uint8(), Uint8Array, capacity, (v) => v as number);
    case DuckDBTypeId.USMALLINT:
      return numberBuilder(new Uint16(), Uint16Array, capacity, (v) => v as number);
    case DuckDBTypeId.UINTEGER:
      return numberBuilder(new Uint32(), Uint32Array, capacity, (v) => v as number);
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return numberBuilder(new Float64(), Float64Array, capacity, (v) => v as number);
    case DuckDBTypeId.DECIMAL:
      return numberBuilder(new Float64(), Float64Array, capacity, (v) => (v as { toDouble(): number }).toDouble());
    case DuckDBTypeId.DATE:
      return numberBuilder(new DateDay(), Int32Array, capacity, (v) => (v as { days: number }).days);
    case DuckDBTypeId.BIGINT:
      return bigintBuilder(new Int64(), false, capacity, (v) => v as bigint);
    case DuckDBTypeId.UBIGINT:
      return bigintBuilder(new Uint64(), true, capacity, (v) => v as bigint);
    case DuckDBTypeId.TIMESTAMP:
      return bigintBuilder(new TimestampMicrosecond(), false, capacity, (v) => (v as { micros: bigint }).micros);
    case DuckDBTypeId.TIMESTAMP_TZ:
      return bigintBuilder(new TimestampMicrosecond('UTC'), false, capacity, (v) => (v as { micros: bigint }).micros);
    case DuckDBTypeId.TIMESTAMP_MS:
      return bigintBuilder(new TimestampMillisecond(), false, capacity, (v) => (v as { millis: bigint }).millis);
    case DuckDBTypeId.TIMESTAMP_S:
      return bigintBuilder(new TimestampSecond(), false, capacity, (v) => (v as { seconds: bigint }).seconds);
    case DuckDBTypeId.TIMESTAMP_NS:
      return bigintBuilder(new TimestampNanosecond(), false, capacity, (v) => (v as { nanos: bigint }).nanos);
    case DuckDBTypeId.VARCHAR:
      return utf8Builder(capacity, (v) => v as string);
    default:
      // ENUM, UUID, HUGEINT: their text. Nested values: JSON with exact integers.
      return utf8Builder(capacity, (v) => {
        const cell = toCellValue(v, type);
        return typeof cell === 'string' ? cell : typeof cell === 'bigint' ? cell.toString() : jsonValue(cell);
      });
  }
}

/** Validity bits, Arrow's layout: bit i of byte i>>3 set when row i is not null. */
class Validity {
  bits: Uint8Array;
  nulls = 0;
  constructor(private readonly capacity: number) {
    this.bits = new Uint8Array((capacity + 7) >> 3);
  }
  valid(i: number): void {
    this.bits[i >> 3]! |= 1 << (i & 7);
  }
  /** The bitmap for `length` rows (none when nothing is null), and a fresh one for the next batch. */
  take(length: number): { nullBitmap?: Uint8Array; nullCount: number } {
    const out = this.nulls === 0 ? { nullCount: 0 } : { nullBitmap: this.bits.slice(0, (length + 7) >> 3), nullCount: this.nulls };
    this.bits = new Uint8Array((this.capacity + 7) >> 3);
    this.nulls = 0;
    return out;
  }
}

/** Values of a fixed-width column: one typed array per batch (numbers, or bigints for 64-bit types). */
type FixedArray = NumberArray | BigInt64Array | BigUint64Array;

function fixedBuilder<T extends DataType, V extends number | bigint>(
  type: T,
  make: () => FixedArray & { [i: number]: V },
  convert: (v: DuckDBValue) => V,
  capacity: number,
): ColumnBuilder {
  let values = make();
  const validity = new Validity(capacity);
  return {
    type,
    append(vector, from, count, at) {
      for (let i = 0; i < count; i++) {
        const v = vector.getItem(from + i);
        if (v === null) validity.nulls++;
        else {
          values[at + i] = convert(v);
          validity.valid(at + i);
        }
      }
    },
    finish(length) {
      const data = makeData({ type, length, data: values.subarray(0, length), ...validity.take(length) } as never) as Data;
      values = make();
      return data;
    },
  };
}

function numberBuilder<T extends DataType>(type: T, Array: NumberArrayClass, capacity: number, convert: (v: DuckDBValue) => number): ColumnBuilder {
  return fixedBuilder(type, () => new Array(capacity) as NumberArray & { [i: number]: number }, convert, capacity);
}

function bigintBuilder<T extends DataType>(type: T, unsigned: boolean, capacity: number, convert: (v: DuckDBValue) => bigint): ColumnBuilder {
  return fixedBuilder(type, () => (unsigned ? new BigUint64Array(capacity) : new BigInt64Array(capacity)), convert, capacity);
}

function boolBuilder(capacity: number): ColumnBuilder {
  const type = new Bool();
  let values = new Uint8Array((capacity + 7) >> 3);
  const validity = new Validity(capacity);
  return {
    type,
    append(vector, from, count, at) {
      for (let i = 0; i < count; i++) {
        const v = vector.getItem(from + i);
        if (v === null) validity.nulls++;
        else {
          if (v) values[(at + i) >> 3]! |= 1 << ((at + i) & 7);
          validity.valid(at + i);
        }
      }
    },
    finish(length) {
      const data = makeData({ type, length, data: values.slice(0, (length + 7) >> 3), ...validity.take(length) });
      values = new Uint8Array((capacity + 7) >> 3);
      return data;
    },
  };
}

function utf8Builder(capacity: number, convert: (v: DuckDBValue) => string): ColumnBuilder {
  const type = new Utf8();
  let strings: string[] = [];
  const validity = new Validity(capacity);
  return {
    type,
    append(vector, from, count, at) {
      for (let i = 0; i < count; i++) {
        const v = vector.getItem(from + i);
        if (v === null) {
          validity.nulls++;
          strings[at + i] = '';
        } else {
          strings[at + i] = convert(v);
          validity.valid(at + i);
        }
      }
    },
    finish(length) {
      // One native encode of the joined text; when it is ASCII (ids, codes, brands, most text)
      // the offsets are plain string lengths, else each string's UTF-8 length.
      const joined = (strings.length === length ? strings : strings.slice(0, length)).join('');
      const bytes = Buffer.from(joined, 'utf8');
      const ascii = bytes.length === joined.length;
      const offsets = new Int32Array(length + 1);
      let total = 0;
      for (let i = 0; i < length; i++) {
        total += ascii ? strings[i]!.length : Buffer.byteLength(strings[i]!, 'utf8');
        offsets[i + 1] = total;
      }
      if (total > 0x7fffffff) throw new Error('a text column of one batch exceeds 2 GB');
      const data = makeData({ type, length, data: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), valueOffsets: offsets, ...validity.take(length) });
      strings = [];
      return data;
    },
  };
}
