import { realpathSync } from 'node:fs';
import type { LandOptions } from '../../connectors/land/lander.js';
import { openLakeAccess, type LakeAccess } from '../../engine/lake-access.js';
import { LakeRefresher } from '../../engine/lake-refresh.js';
import { DuckDBPool } from './duckdb-pool.js';
import { Notebooks, readVersioned } from './notebooks.js';
import { Preparer, type PreparedNotebook } from './prepared.js';
import { PipelineService } from './pipelines.js';
import type { LakeStatus } from './pipelines-status.js';
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
  /** How the lake is read: an HDFS lake through its cache under the workspace. Default: the folder `lake`. */
  lakeAccess?: LakeAccess;
  /** Run the notebooks' pipeline cells in the background (default true); `land` overrides lander options (tests). */
  pipelines?: boolean | { land?: Partial<LandOptions> };
  /** Where background services note what went wrong. Default: stderr. */
  log?: (line: string) => void;
}

/** Everything one server holds: the workspace's notebooks, their watcher, DuckDB and the caches. */
export class Workbench {
  readonly notebooks: Notebooks;
  readonly watcher: FileWatcher;
  readonly pool: DuckDBPool;
  readonly runner: Runner;
  private readonly preparer: Preparer;
  /** The background service running the notebooks' pipeline cells (absent when turned off). */
  readonly pipelines: PipelineService | undefined;
  readonly lakeAccess: LakeAccess;
  private readonly lakeRefresher: LakeRefresher;

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
    this.lakeAccess = options.lakeAccess ?? openLakeAccess(options.lake, options.workspace);
    this.lakeRefresher = new LakeRefresher(this.lakeAccess);
    this.preparer = new Preparer(this.pool, options.lake, [options.workspace, options.lake, lakeReal], (sources) => this.lakeRefresher.refresh(sources));
    const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
    const pipelines = options.pipelines ?? true;
    this.pipelines = pipelines
      ? new PipelineService({
          workspace: options.workspace,
          lake: this.lakeAccess.given,
          notebooks: this.notebooks,
          log,
          ...(typeof pipelines === 'object' && pipelines.land ? { land: pipelines.land } : {}),
        })
      : undefined;
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

  /** The lake queries read; for an HDFS lake, how its cache is doing. */
  lakeStatus(): LakeStatus {
    const remote = this.lakeAccess.remote ?? null;
    return { address: this.lakeAccess.given, remote, ...(remote ? this.lakeRefresher.status() : { lastSyncAt: null, error: null }) };
  }

  async readVersion(abs: string): Promise<string> {
    return (await readVersioned(abs)).version;
  }

  async close(): Promise<void> {
    await this.pipelines?.close();
    this.watcher.close();
    await this.pool.close();
  }
}
