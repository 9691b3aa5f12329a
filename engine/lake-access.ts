import { basename, join, resolve } from 'node:path';
import { HdfsLakeCache } from '../connectors/hdfs/lake-cache.js';
import type { WebHdfsOptions } from '../connectors/hdfs/webhdfs.js';
import { parseLakeLocation } from '../connectors/land/storage.js';
import type { SourceRequest } from '../dsl/index.js';
import { UserError } from './user-error.js';

/**
 * How the engine reads a lake. A folder is read where it is. An HDFS lake (`hdfs://…`,
 * `webhdfs://…`) is read through a local read-through cache of its immutable landed files, under
 * the workspace's `.kohort/hdfs/` (DuckDB cannot read WebHDFS, and its confinement allows the
 * workspace and the lake folder only): before a notebook is introspected or run, each lake
 * source's dataset is listed through WebHDFS and its new files are fetched.
 */
export interface LakeAccess {
  /** The lake as given: a folder, or an `hdfs://` address (pipelines land there). */
  readonly given: string;
  /** The local folder DuckDB reads: the lake itself, or its cache. */
  readonly root: string;
  /** For an HDFS lake, e.g. `hdfs://127.0.0.1:9870/lake (WebHDFS http://127.0.0.1:9870)`; else undefined. */
  readonly remote: string | undefined;
  /**
   * Brings the cached copies of the lake sources' datasets up to date (a local lake: nothing to
   * do). A dataset HDFS cannot list (down, refused, missing, empty) is a UserError naming the
   * address, at `placeOf(source)`.
   */
  sync(sources: readonly SourceRequest[], placeOf?: (source: string) => string | undefined): Promise<LakeSyncReport>;
}

/** HDFS could not be asked about a dataset (down, refusing): the message names the address and path. */
export class LakeUnreachable extends UserError {}

/** What a sync of an HDFS lake did. */
export interface LakeSyncReport {
  /** `hdfs://…` of the lake. */
  lake: string;
  datasets: { name: string; files: number; downloaded: number; bytesDownloaded: number; removed: number }[];
  seconds: number;
}

/** Whether `lake` is an address (`hdfs://…`, `file://…`) rather than a folder path. */
export function isLakeAddress(lake: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(lake);
}

/**
 * WebHDFS settings for queries: a few quick retries, then a clear error (a landing pipeline waits
 * for HDFS forever; a query should say it is down within seconds).
 */
export const queryWebHdfs: Partial<WebHdfsOptions> = { retries: 3, backoffMs: 200, maxBackoffMs: 1000, timeoutMs: 15_000 };

/** The lake at `lake` (a folder or address) for a notebook run from `workspace`. */
export function openLakeAccess(lake: string, workspace: string, webhdfs: Partial<WebHdfsOptions> = queryWebHdfs): LakeAccess {
  const location = parseLakeLocation(lake);
  if (location.kind === 'local') return { given: lake, root: location.path, remote: undefined, sync: async () => ({ lake, datasets: [], seconds: 0 }) };
  const cache = new HdfsLakeCache(location, join(resolve(workspace), '.kohort', 'hdfs'), webhdfs);
  const remote = `${location.display} (WebHDFS ${location.webhdfs})`;
  return {
    given: lake,
    root: cache.root,
    remote,
    async sync(sources, placeOf) {
      const t0 = performance.now();
      const datasets: LakeSyncReport['datasets'] = [];
      for (const source of sources) {
        if (source.location.kind !== 'lake') continue;
        const name = basename(source.location.path);
        if (datasets.some((d) => d.name === name)) continue;
        const place = placeOf?.(source.name);
        let report;
        try {
          report = await cache.sync(name);
        } catch (e) {
          if (!(e instanceof UserError)) throw e;
          const reason = e.place && e.message.startsWith(`${e.place}: `) ? e.message.slice(e.place.length + 2) : e.message;
          throw new LakeUnreachable(`source \`${source.name}\`: cannot read ${cache.display(name)} through WebHDFS ${location.webhdfs}: ${reason}`, place);
        }
        if (report.files === 0) {
          throw new UserError(
            `source \`${source.name}\`: ${report.exists ? 'no Parquet files under' : 'no dataset'} ${cache.display(name)} yet — land events there first (a pipeline cell, or kohort land --lake ${location.display})`,
            place,
          );
        }
        datasets.push({ name, files: report.files, downloaded: report.downloaded, bytesDownloaded: report.bytesDownloaded, removed: report.removed });
      }
      return { lake: location.display, datasets, seconds: (performance.now() - t0) / 1000 };
    },
  };
}

/** The folder a notebook's SQL reads `lake` from: the lake folder, or an HDFS lake's cache under `workspace`. */
export function lakeRoot(lake: string, workspace: string): string {
  return openLakeAccess(lake, workspace).root;
}

/** One line about a sync, e.g. `hdfs://h/lake: events 12 files (3 fetched, 1.2 MB) in 0.4 s`. */
export function describeLakeSync(report: LakeSyncReport): string {
  const parts = report.datasets.map((d) => {
    const mb = d.bytesDownloaded / 1e6;
    const fetched = d.downloaded === 0 ? 'none fetched' : `${d.downloaded.toLocaleString('en-US')} fetched, ${mb < 0.1 ? `${Math.ceil(d.bytesDownloaded / 1e3)} kB` : `${mb.toFixed(1)} MB`}`;
    return `${d.name} ${d.files.toLocaleString('en-US')} file${d.files === 1 ? '' : 's'} (${fetched}${d.removed ? `, ${d.removed} removed` : ''})`;
  });
  return `${report.lake}: ${parts.join(', ') || 'no lake sources'} in ${report.seconds.toFixed(2)} s`;
}
