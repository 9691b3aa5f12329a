import type { DuckDBConnection } from '@duckdb/node-api';
import { events } from './hand-events.js';

/** Writes the hand-made events as a lake dataset (Parquet, one partition per day) at `dir`. */
export async function writeHandEvents(connection: DuckDBConnection, dir: string): Promise<void> {
  const values = events
    .map(([id, t, type, brand, price]) => `('${id}'::BIGINT, TIMESTAMP '${t}', '${type}', ${brand === null ? 'NULL' : `'${brand}'`}, ${price}::DOUBLE)`)
    .join(',\n');
  await connection.run(
    `COPY (SELECT *, CAST(event_time AS DATE) AS date FROM (VALUES ${values}) t(user_id, event_time, event_type, brand, price))
     TO '${dir}' (FORMAT parquet, PARTITION_BY (date))`,
  );
}
