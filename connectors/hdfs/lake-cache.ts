import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseLakeLocation } from '../land/storage.js';
import { HdfsMirror, type HdfsMirrorReport } from './cache.js';
import { WebHdfs, type WebHdfsOptions } from './webhdfs.js';

/**
 * The local read-through cache of an HDFS lake, for queries: DuckDB cannot read WebHDFS, so the
 * engine asks for a dataset's local mirror before compiling `lake "<source>"` against it. Landed
 * files never change once visible, so a sync only lists (one LISTSTATUS per partition folder)
 * and fetches what is new.
 *
 * The cache lives under `$KOHORT_HDFS_CACHE`, else `~/.cache/kohort/hdfs`, one folder per
 * NameNode and path: `<cache>/<host>_<port>/<lake path>/<source>/date=…/….parquet`.
 */
export interface CachedDataset {
  /** The local lake root to give DuckDB (`<root>/<source>/**\/*.parquet`). */
  root: string;
  report: HdfsMirrorReport;
}

export async function cacheHdfsDataset(
  lake: string,
  source: string,
  options: { cacheDir?: string; webhdfs?: Partial<WebHdfsOptions> } = {},
): Promise<CachedDataset> {
  const location = parseLakeLocation(lake);
  if (location.kind !== 'hdfs') throw new Error(`not an HDFS lake: ${lake}`);
  const cache = options.cacheDir ?? process.env['KOHORT_HDFS_CACHE'] ?? join(homedir(), '.cache', 'kohort', 'hdfs');
  const url = new URL(location.webhdfs);
  const root = join(cache, `${url.hostname}_${url.port || (url.protocol === 'https:' ? '443' : '80')}`, ...location.path.split('/').filter(Boolean));
  const client = new WebHdfs({ ...options.webhdfs, url: location.webhdfs });
  try {
    const report = await new HdfsMirror({ client, remote: `${location.path}/${source}`, local: join(root, source) }).sync();
    return { root, report };
  } finally {
    client.close();
  }
}
