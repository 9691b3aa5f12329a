import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';

/** Ids past 2^53: a trip through a JS number would merge or change them. */
export const A = '2053013555631882655';
export const B = '7';
export const C = '9007199254740993';

/**
 * Hand-made events (user_id, event_time, event_type, brand, price) shared by the engine and
 * server tests; their expectations are computed by hand from these rows.
 */
export const events = [
  [A, '2019-10-01 10:00:00', 'view', 'apple', 100],
  [A, '2019-10-02 08:00:00', 'view', 'apple', 100],
  [A, '2019-10-02 11:00:00', 'purchase', 'apple', 100.5],
  [A, '2019-10-03 09:00:00', 'purchase', 'samsung', 20],
  [B, '2019-10-01 09:00:00', 'view', 'sony', 5],
  [B, '2019-10-01 09:05:00', 'cart', 'sony', 5],
  [C, '2019-10-03 12:00:00', 'view', null, 1.25],
  [C, '2019-10-03 12:30:00', 'purchase', null, 1.25],
] as const;

/** Writes `events` into `<lake>/events/date=…/` with the test's own DuckDB, partitioned by day like a real lake. */
export async function writeHandEvents(db: DuckDBConnection, lake: string): Promise<void> {
  const values = events
    .map(([id, t, type, brand, price]) => `('${id}'::BIGINT, TIMESTAMP '${t}', '${type}', ${brand === null ? 'NULL' : `'${brand}'`}, ${price}::DOUBLE)`)
    .join(',\n');
  await db.run(
    `COPY (SELECT *, CAST(event_time AS DATE) AS date FROM (VALUES ${values}) t(user_id, event_time, event_type, brand, price))
     TO '${join(lake, 'events')}' (FORMAT parquet, PARTITION_BY (date))`,
  );
}
