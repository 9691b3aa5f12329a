import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

export const repoRoot = resolve(import.meta.dirname, '..', '..', '..');

/** A throwaway workspace for the workbench: the example notebooks and a lake of real events. */
export interface Workspace {
  root: string;
  /** The folder `kohort serve` serves: `ecommerce/customers.kohort`, `ecommerce/sales.kohort`. */
  workspace: string;
  lake: string;
  remove(): void;
}

const sql = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * Writes REES46 CSV rows into `<lake>/events/date=…/` as Parquet, the lake layout `kohort import`
 * produces (timestamps in UTC, ids as BIGINT, a `date` partition column).
 */
export async function writeLake(csv: string, lake: string): Promise<void> {
  mkdirSync(lake, { recursive: true });
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  try {
    await c.run(`
      COPY (
        SELECT t.*, CAST(t.event_time AS DATE) AS date FROM (
          SELECT CAST(replace(event_time, ' UTC', '') AS TIMESTAMP) AS event_time,
                 event_type,
                 CAST(product_id AS BIGINT) AS product_id,
                 CAST(category_id AS BIGINT) AS category_id,
                 NULLIF(category_code, '') AS category_code,
                 NULLIF(brand, '') AS brand,
                 CAST(price AS DOUBLE) AS price,
                 CAST(user_id AS BIGINT) AS user_id,
                 NULLIF(user_session, '') AS user_session
          FROM read_csv(${sql(csv)}, header = true, all_varchar = true)
        ) t
      ) TO ${sql(join(lake, 'events'))} (FORMAT parquet, PARTITION_BY (date), FILENAME_PATTERN 'part-{uuid}')`);
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

/** Copies `examples/ecommerce` into a fresh workspace and builds its lake from the sample CSV. */
export async function createWorkspace(prefix = 'kohort-e2e-'): Promise<Workspace> {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const workspace = join(root, 'workspace');
  const lake = join(root, 'lake');
  mkdirSync(join(workspace, 'ecommerce'), { recursive: true });
  const examples = join(repoRoot, 'examples', 'ecommerce');
  for (const f of readdirSync(examples, { withFileTypes: true })) if (f.isFile() && f.name.endsWith('.kohort')) cpSync(join(examples, f.name), join(workspace, 'ecommerce', f.name));
  await writeLake(join(repoRoot, 'tests', 'fixtures', 'rees46-2019-oct-sample.csv'), lake);
  return { root, workspace, lake, remove: () => rmSync(root, { recursive: true, force: true }) };
}
