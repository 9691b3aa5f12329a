import { existsSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { membershipFile } from '../../dsl/history-paths.js';
import { sqlIdentifier } from '../duckdb.js';
import { historyQueries } from '../history/queries.js';
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
 * Who joined or left `segment` in `run`, from the run history's stays (engine/history's
 * `joinedInRun` / `leftInRun`), streamed in key order. No stays (a segment that never ran): no change.
 */
export async function segmentChange(
  connection: DuckDBConnection,
  where: { lake: string; notebook: string; segment: string; run: string; change: MembershipChange },
): Promise<SegmentChange> {
  if (!existsSync(membershipFile(where.lake, where.notebook, where.segment))) return { keyColumn: '', count: 0, keys: async function* () {} };
  const ref = { lake: where.lake, notebook: where.notebook, segment: where.segment };
  const changed = where.change === 'joined' ? historyQueries.joinedInRun(ref, where.run) : historyQueries.leftInRun(ref, where.run);
  // The stays' first column is the source's key (see dsl/history-paths.ts).
  const keyColumn = String((await connection.runAndReadAll(`DESCRIBE ${changed}`)).getRows()[0]![0]);
  const k = sqlIdentifier(keyColumn);
  const count = Number((await connection.runAndReadAll(`SELECT count(*) FROM (\n${changed}\n)`)).getRows()[0]![0]);
  return {
    keyColumn,
    count,
    async *keys() {
      const result = await connection.stream(`SELECT CAST(${k} AS VARCHAR) FROM (\n${changed}\n) ORDER BY ${k}`);
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
