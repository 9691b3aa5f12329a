import { existsSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { membershipFile } from '../../dsl/history-paths.js';
import { sqlIdentifier, sqlString } from '../duckdb.js';
import type { MembershipChange } from './signature.js';

/** The customers who joined or left a segment in one run, read from its membership stays. */
export interface SegmentChange {
  /** The key column, as the stays name it. */
  keyColumn: string;
  count: number;
  /** The keys as text (exact, whatever their type), in key order: batches are the same every time. */
  keys(): AsyncGenerator<string[]>;
}

/**
 * Who joined (`entered_run` = the run) or left (`left_run` = the run) `segment` in `run`, from
 * `_kohort/membership/<notebook>/<segment>/intervals.parquet`. No stays file (a segment that never
 * ran): no change.
 */
export async function segmentChange(
  connection: DuckDBConnection,
  where: { lake: string; notebook: string; segment: string; run: string; change: MembershipChange },
): Promise<SegmentChange> {
  const file = membershipFile(where.lake, where.notebook, where.segment);
  if (!existsSync(file)) return { keyColumn: '', count: 0, keys: async function* () {} };
  const scan = `read_parquet(${sqlString(file)})`;
  // The stays' first column is the source's key (see dsl/history-paths.ts).
  const keyColumn = String((await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${scan}`)).getRows()[0]![0]);
  const k = sqlIdentifier(keyColumn);
  const filter = `${where.change === 'joined' ? '"entered_run"' : '"left_run"'} = ${sqlString(where.run)}`;
  const count = Number((await connection.runAndReadAll(`SELECT count(*) FROM ${scan} WHERE ${filter}`)).getRows()[0]![0]);
  return {
    keyColumn,
    count,
    async *keys() {
      const result = await connection.stream(`SELECT CAST(${k} AS VARCHAR) FROM ${scan} WHERE ${filter} ORDER BY ${k}`);
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) return;
        const column = chunk.getColumnVector(0);
        const keys: string[] = [];
        for (let i = 0; i < chunk.rowCount; i++) keys.push(String(column.getItem(i)));
        yield keys;
      }
    },
  };
}
