import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { isReservedName } from '../../engine/lake.js';
import { absolute, type HdfsFileStatus, type WebHdfs } from './webhdfs.js';

/**
 * A local read-through cache of an HDFS folder tree whose files are immutable once visible (the
 * lake's landed Parquet files: written under a hidden name, renamed into place, never changed).
 *
 * `sync()` lists the remote tree through WebHDFS (LISTSTATUS), downloads the files it does not
 * hold yet, and removes local files that are gone remotely, so the local folder mirrors the
 * remote one and DuckDB reads it with the same `**\/*.parquet` glob as a local lake. A file is
 * identified by its path, length and modification time (kept as the local file's mtime), so a
 * replaced file (same name, new content) is fetched again. Hidden and `_` names are skipped, as
 * in a local lake; so are files not ending in `.parquet` unless `match` says otherwise.
 */
export interface HdfsMirrorOptions {
  client: WebHdfs;
  /** The remote folder, e.g. `/lake/events`. */
  remote: string;
  /** The local folder that mirrors it, e.g. `~/.cache/kohort/hdfs/127.0.0.1_9870/lake/events`. */
  local: string;
  /** Which file names to mirror. Default: `*.parquet`, not hidden. */
  match?: (name: string) => boolean;
  /** Parallel downloads. Default 4. */
  concurrency?: number;
}

export interface HdfsMirrorReport {
  /** Files present remotely (and now locally). */
  files: number;
  /** Of which downloaded by this sync. */
  downloaded: number;
  bytesDownloaded: number;
  /** Local files removed because they are gone remotely. */
  removed: number;
  /** Whether the remote folder exists at all. */
  exists: boolean;
}

interface RemoteFile {
  /** Relative to the mirrored root, with `/`. */
  path: string;
  status: HdfsFileStatus;
}

export class HdfsMirror {
  private readonly client: WebHdfs;
  private readonly remote: string;
  readonly local: string;
  private readonly match: (name: string) => boolean;
  private readonly concurrency: number;

  constructor(options: HdfsMirrorOptions) {
    this.client = options.client;
    this.remote = absolute(options.remote);
    this.local = options.local;
    this.match = options.match ?? ((name) => name.endsWith('.parquet'));
    this.concurrency = options.concurrency ?? 4;
  }

  /** Brings the local folder up to date with the remote one. */
  async sync(): Promise<HdfsMirrorReport> {
    const report: HdfsMirrorReport = { files: 0, downloaded: 0, bytesDownloaded: 0, removed: 0, exists: true };
    const remoteFiles: RemoteFile[] = [];
    const exists = await this.walk('', remoteFiles);
    report.exists = exists;
    report.files = remoteFiles.length;
    const wanted = new Set(remoteFiles.map((f) => f.path));

    const stale: RemoteFile[] = [];
    for (const f of remoteFiles) {
      const localPath = join(this.local, ...f.path.split('/'));
      const s = await stat(localPath).catch(() => undefined);
      if (!s || s.size !== f.status.length || Math.abs(s.mtimeMs - f.status.modificationTime) > 1) stale.push(f);
    }
    let next = 0;
    const worker = async () => {
      while (next < stale.length) {
        const f = stale[next++]!;
        if (await this.fetch(f)) {
          report.downloaded++;
          report.bytesDownloaded += f.status.length;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, stale.length) }, worker));

    for (const localPath of await localFiles(this.local)) {
      const rel = relative(this.local, localPath).split(sep).join('/');
      if (!wanted.has(rel) && this.match(rel.slice(rel.lastIndexOf('/') + 1))) {
        await rm(localPath, { force: true });
        report.removed++;
      }
    }
    return report;
  }

  /** Lists the remote tree into `out`; false when the root does not exist. */
  private async walk(rel: string, out: RemoteFile[]): Promise<boolean> {
    const entries = await this.client.listStatus(rel ? `${this.remote}/${rel}` : this.remote);
    if (entries === null) return false;
    for (const e of entries) {
      if (isReservedName(e.pathSuffix)) continue;
      const path = rel ? `${rel}/${e.pathSuffix}` : e.pathSuffix;
      if (e.type === 'DIRECTORY') await this.walk(path, out);
      else if (e.type === 'FILE' && this.match(e.pathSuffix)) out.push({ path, status: e });
    }
    return true;
  }

  /** Downloads one file under a hidden temp name, then renames it into place. */
  private async fetch(f: RemoteFile): Promise<boolean> {
    const localPath = join(this.local, ...f.path.split('/'));
    await mkdir(dirname(localPath), { recursive: true });
    const temp = join(dirname(localPath), `.${randomBytes(6).toString('hex')}.download`);
    try {
      // Vanished between LISTSTATUS and OPEN (replaced or deleted): the next sync sees the new state.
      if (!(await this.client.download(`${this.remote}/${f.path}`, temp))) return false;
      const mtime = new Date(f.status.modificationTime);
      await utimes(temp, mtime, mtime);
      await rename(temp, localPath);
      return true;
    } finally {
      await rm(temp, { force: true });
    }
  }
}

async function localFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await localFiles(p)));
    else if (e.isFile() && !e.name.startsWith('.')) out.push(p);
  }
  return out;
}
