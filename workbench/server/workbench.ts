import { realpathSync } from 'node:fs';
import { DuckDBPool } from './duckdb-pool.js';
import { Notebooks, readVersioned } from './notebooks.js';
import { Preparer, type PreparedNotebook } from './prepared.js';
import { Runner } from './runner.js';
import { FileWatcher } from './watch.js';

export interface WorkbenchOptions {
  /** The workspace's real path. */
  workspace: string;
  /** The lake, absolute. */
  lake: string;
  poolSize: number;
  cacheBytes: number;
  memoryLimit?: string;
  threads?: number;
}

/** Everything one server holds: the workspace's notebooks, their watcher, DuckDB and the caches. */
export class Workbench {
  readonly notebooks: Notebooks;
  readonly watcher: FileWatcher;
  readonly pool: DuckDBPool;
  readonly runner: Runner;
  private readonly preparer: Preparer;

  constructor(readonly options: WorkbenchOptions) {
    this.notebooks = new Notebooks(options.workspace, [options.lake]);
    this.watcher = new FileWatcher(this.notebooks);
    this.pool = new DuckDBPool({
      workspace: options.workspace,
      lake: options.lake,
      size: options.poolSize,
      ...(options.memoryLimit ? { memoryLimit: options.memoryLimit } : {}),
      ...(options.threads ? { threads: options.threads } : {}),
    });
    const lakeReal = (() => {
      try {
        return realpathSync(options.lake);
      } catch {
        return options.lake;
      }
    })();
    this.preparer = new Preparer(this.pool, options.lake, [options.workspace, options.lake, lakeReal]);
    this.runner = new Runner(this.pool, { cacheBytes: options.cacheBytes });
  }

  /**
   * A notebook text (the client's, possibly unsaved) compiled against its data. `path` only has
   * to be a valid place for a notebook in the workspace: relative sources resolve beside it.
   */
  async prepare(path: unknown, text: string, asOf: string | undefined, signal?: AbortSignal): Promise<PreparedNotebook> {
    const p = await this.notebooks.resolve(path, false);
    return this.preparer.prepare({ file: p.rel, abs: p.abs, text, ...(asOf !== undefined ? { asOf } : {}) }, signal);
  }

  async readVersion(abs: string): Promise<string> {
    return (await readVersioned(abs)).version;
  }

  async close(): Promise<void> {
    this.watcher.close();
    await this.pool.close();
  }
}
