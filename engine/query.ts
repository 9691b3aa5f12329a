import type { DuckDBConnection, DuckDBResult } from '@duckdb/node-api';
import { columnKind, toCellValue, type CellValue, type ResultColumn, type ResultTable } from './values.js';

export interface QueryOptions {
  /** Keep at most this many rows; the rest are only counted. Default: keep every row. */
  limit?: number;
  /**
   * Receive rows chunk by chunk (about 2,048 at a time) instead of keeping them: the result's
   * `rows` stays empty. For output too large to hold, e.g. a 3M-customer profile as CSV.
   */
  sink?: RowSink;
}

/** Where streamed rows go. Returning a promise holds the next chunk back (backpressure). */
export interface RowSink {
  columns(columns: ResultColumn[]): void | Promise<void>;
  rows(rows: CellValue[][]): void | Promise<void>;
}

/**
 * Runs one SELECT and reads its rows as `CellValue`s. Rows past `limit` are counted without being
 * converted, so `rowCount` is exact even when a profile of millions of customers is cut to 20.
 */
export async function queryTable(connection: DuckDBConnection, sql: string, options: QueryOptions = {}): Promise<ResultTable> {
  return readTable(await connection.stream(sql), options);
}

/** Reads a (streaming) result as a `ResultTable`; see `queryTable`. */
export async function readTable(result: DuckDBResult, options: QueryOptions = {}): Promise<ResultTable> {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const types = result.columnTypes();
  const names = result.deduplicatedColumnNames();
  const columns: ResultColumn[] = names.map((name, i) => ({
    name,
    sqlType: types[i]!.toString(),
    kind: columnKind(types[i]!),
  }));
  const sink = options.sink;
  await sink?.columns(columns);
  const rows: CellValue[][] = [];
  let rowCount = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const n = chunk.rowCount;
    const keep = Math.max(0, Math.min(n, limit - rowCount));
    if (keep > 0) {
      const cols = types.map((t, c) => chunk.getColumnValues(c).slice(0, keep).map((v) => toCellValue(v, t)));
      const kept: CellValue[][] = [];
      for (let r = 0; r < keep; r++) kept.push(cols.map((col) => col[r]!));
      if (sink) await sink.rows(kept);
      else for (const row of kept) rows.push(row);
    }
    rowCount += n;
  }
  return { columns, rows, rowCount };
}
