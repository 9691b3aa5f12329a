import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseLakeLocation, type LakeLocation } from '../land/storage.js';
import { HdfsMirror, type HdfsMirrorReport } from './cache.js';
import { WebHdfs, type WebHdfsOptions } from './webhdfs.js';

/**
 * The local read-through cache of an HDFS lake, for queries: DuckDB cannot read WebHDFS, so the
 * engine asks for a dataset's local mirror before compiling `lake "<source>"` against it. Landed
 * files never change once visible, so a sync only lists (one LISTSTATUS per partition folder)
 * and fetches what is new.
 *
 * The cache holds one folder per NameNode and lake path:
 * `<cacheDir>/<host>_<port>/<lake path>/<source>/date=…/….parquet`. The engine keeps it under the
 * workspace's `.kohort/hdfs/`; `cacheHdfsDataset` defaults to `$KOHORT_HDFS_CACHE`, else
 * `~/.cache/kohort/hdfs`.
 */
export interface CachedDataset {
  /** The local lake root to give DuckDB (`<root>/<source>/**\/*.parquet`). */
  root: string;
  report: HdfsMirrorReport;
}

type HdfsLocation = Extract<LakeLocation, { kind: 'hdfs' }>;

/** An HDFS lake and its local mirror; `sync` brings one dataset's mirror up to date. */
export class HdfsLakeCache {
  readonly location: HdfsLocation;
  /** The local folder that mirrors the lake root. */
  readonly root: string;
  private readonly webhdfs: Partial<WebHdfsOptions>;

  constructor(lake: string | HdfsLocation, cacheDir: string, webhdfs: Partial<WebHdfsOptions> = {}) {
    const location = typeof lake === 'string' ? parseLakeLocation(lake) : lake;
    if (location.kind !== 'hdfs') throw new Error(`not an HDFS lake: ${String(lake)}`);
    this.location = location;
    const url = new URL(location.webhdfs);
    this.root = join(cacheDir, `${url.hostname}_${url.port || (url.protocol === 'https:' ? '443' : '80')}`, ...location.path.split('/').filter(Boolean));
    this.webhdfs = webhdfs;
  }

  /** `hdfs://host/path/<dataset>`, for messages. */
  display(dataset?: string): string {
    return dataset === undefined ? this.location.display : `${this.location.display}/${dataset}`;
  }

  /** Lists the dataset through WebHDFS and downloads the files the cache lacks (one client per call). */
  async sync(dataset: string): Promise<HdfsMirrorReport> {
    const client = new WebHdfs({ ...this.webhdfs, url: this.location.webhdfs });
    try {
      return await new HdfsMirror({ client, remote: `${this.location.path}/${dataset}`, local: join(this.root, dataset) }).sync();
    } finally {
      client.close();
    }
  }
}

export async function cacheHdfsDataset(
  lake: string,
  source: string,
  options: { cacheDir?: string; webhdfs?: Partial<WebHdfsOptions> } = {},
): Promise<CachedDataset> {
  const cache = new HdfsLakeCache(lake, options.cacheDir ?? process.env['KOHORT_HDFS_CACHE'] ?? join(homedir(), '.cache', 'kohort', 'hdfs'), options.webhdfs);
  return { root: cache.root, report: await cache.sync(source) };
}
