import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll } from 'vitest';

/**
 * A temp folder and an in-memory DuckDB for one test file, removed after it: tests write lakes
 * under `root` (`freshLake()` gives a new one each call) and read them back with `rows`.
 */
export interface Scratch {
  readonly root: string;
  readonly db: DuckDBConnection;
  freshLake(): string;
  rows(sql: string): Promise<Record<string, unknown>[]>;
}

export function useScratch(prefix: string): Scratch {
  let root = '';
  let instance: DuckDBInstance | undefined;
  let db: DuckDBConnection | undefined;
  let n = 0;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), `${prefix}-`));
    instance = await DuckDBInstance.create(':memory:');
    db = await instance.connect();
  });
  afterAll(async () => {
    db?.closeSync();
    instance?.closeSync();
    await rm(root, { recursive: true, force: true });
  });
  return {
    get root() {
      return root;
    },
    get db() {
      return db!;
    },
    freshLake: () => join(root, `lake-${n++}`),
    rows: async (sql) => (await db!.runAndReadAll(sql)).getRowObjectsJS(),
  };
}
