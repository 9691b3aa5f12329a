import type { Scratch } from './scratch.js';

/** The schema of a segment's stays as the run history writes them, keyed by a BIGINT `user_id`. */
export const staysSchema = ['user_id BIGINT', 'entered_at TIMESTAMP', 'left_at TIMESTAMP', 'entered_run VARCHAR', 'left_run VARCHAR'];

/** `name TYPE` of each column of a Parquet file, in order. */
export async function parquetSchema(scratch: Scratch, file: string): Promise<string[]> {
  const rows = await scratch.rows(`DESCRIBE SELECT * FROM read_parquet('${file.replace(/'/g, "''")}')`);
  return rows.map((c) => `${String(c['column_name'])} ${String(c['column_type'])}`);
}
