import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { publishFile } from '../../engine/lake.js';
import { UserError } from '../../engine/user-error.js';
import { WebHdfs, WebHdfsError, absolute, type WebHdfsOptions } from '../hdfs/webhdfs.js';
import type { StagingPlan } from './unit.js';

/**
 * Where a lake lives. A plain path or `file:` URL is a local folder; `hdfs://host[:port]/path`
 * is HDFS reached through WebHDFS (`$WEBHDFS_URL`, else `http://host:9870`), as is
 * `webhdfs://host:port/path` (Hadoop's own scheme for WebHDFS, naming the HTTP port) and
 * `swebhdfs://` (HTTPS).
 */
export type LakeLocation =
  | { kind: 'local'; path: string }
  | { kind: 'hdfs'; /** The NameNode's HTTP address. */ webhdfs: string; /** Absolute HDFS path of the lake. */ path: string; display: string };

export function parseLakeLocation(lake: string, env: NodeJS.ProcessEnv = process.env): LakeLocation {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(lake)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: 'local', path: resolve(lake) };
  let url: URL;
  try {
    url = new URL(lake);
  } catch {
    throw new UserError(`not a lake address: \`${lake}\``);
  }
  if (scheme === 'file') return { kind: 'local', path: resolve(decodeURIComponent(url.pathname)) };
  const path = absolute(decodeURIComponent(url.pathname));
  if (scheme === 'hdfs') {
    const webhdfs = env['WEBHDFS_URL'] || `http://${url.hostname}:9870`;
    return { kind: 'hdfs', webhdfs: webhdfs.replace(/\/+$/, ''), path, display: `hdfs://${url.host}${path}` };
  }
  if (scheme === 'webhdfs' || scheme === 'swebhdfs') {
    const http = scheme === 'webhdfs' ? 'http' : 'https';
    return { kind: 'hdfs', webhdfs: `${http}://${url.host}`, path, display: `${scheme}://${url.host}${path}` };
  }
  throw new UserError(`a lake is a folder, hdfs://…, webhdfs://… or swebhdfs://…, not \`${scheme}://\``, lake);
}

/** A file ready to be made visible: where it is now, and its final path relative to the lake. */
export interface Prepared {
  at: string;
  rel: string;
}

/** An entry of a lake folder. */
export interface LakeEntry {
  name: string;
  dir: boolean;
  size: number;
}

/**
 * The few things the lander needs from a lake, local or on HDFS. Paths are relative to the lake
 * root, with `/`. Publishing is atomic (a hidden temp name, then a rename) and never replaces a
 * file: landed files are immutable, and one already there under the same name holds the same
 * records (names carry the Kafka offset range).
 */
export interface LakeStorage {
  /** For messages: the folder or `hdfs://…` address. */
  readonly description: string;
  /** The entries of a folder; null when it does not exist. */
  list(rel: string): Promise<LakeEntry[] | null>;
  /** Where the writer (DuckDB) puts the files that `publish` will make visible (see `stagingPathFor`). */
  stagingPlan(): Promise<StagingPlan>;
  /**
   * Gets a staged file ready to appear at `rel` without making it visible: for HDFS, uploads it
   * under a hidden temp name beside `rel`. Several may run at once, ahead of `publish`.
   */
  prepare(staged: string, rel: string): Promise<Prepared>;
  /** Makes a prepared file visible (a rename). `existed`: a file of that name was already there (kept). */
  publish(prepared: Prepared): Promise<'published' | 'existed'>;
  /** Removes a file (no error when missing). */
  remove(rel: string): Promise<void>;
  close(): Promise<void>;
}

export function openLakeStorage(location: LakeLocation, webhdfs?: Partial<WebHdfsOptions>): LakeStorage {
  return location.kind === 'local' ? new LocalLake(location.path) : new HdfsLake(location, webhdfs);
}

class LocalLake implements LakeStorage {
  readonly description: string;
  constructor(private readonly root: string) {
    this.description = root;
  }

  async list(rel: string): Promise<LakeEntry[] | null> {
    const dir = join(this.root, rel);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new UserError(`cannot read the lake folder: ${(e as Error).message}`, dir);
    }
    return entries.map((e) => ({ name: e.name, dir: e.isDirectory(), size: 0 }));
  }

  async stagingPlan(): Promise<StagingPlan> {
    // Beside the final file: same file system, so publishing is a rename.
    return { kind: 'beside', root: this.root };
  }

  async prepare(staged: string, rel: string): Promise<Prepared> {
    return { at: staged, rel };
  }

  async publish({ at, rel }: Prepared): Promise<'published' | 'existed'> {
    const final = join(this.root, rel);
    if (await exists(final)) {
      await rm(at, { force: true });
      return 'existed';
    }
    await publishFile(at, final);
    return 'published';
  }

  async remove(rel: string): Promise<void> {
    await rm(join(this.root, rel), { force: true });
  }

  async close(): Promise<void> {}
}

class HdfsLake implements LakeStorage {
  readonly description: string;
  readonly client: WebHdfs;
  private readonly root: string;
  private staging: string | undefined;

  constructor(location: Extract<LakeLocation, { kind: 'hdfs' }>, options?: Partial<WebHdfsOptions>) {
    this.description = `${location.display} (WebHDFS ${location.webhdfs})`;
    this.client = new WebHdfs({ ...options, url: location.webhdfs });
    this.root = location.path;
  }

  private remote(rel: string): string {
    return rel ? posix.join(this.root, rel) : this.root;
  }

  async list(rel: string): Promise<LakeEntry[] | null> {
    const entries = await this.client.listStatus(this.remote(rel));
    return entries?.map((e) => ({ name: e.pathSuffix, dir: e.type === 'DIRECTORY', size: e.length })) ?? null;
  }

  async stagingPlan(): Promise<StagingPlan> {
    this.staging ??= await mkdtemp(join(tmpdir(), 'kohort-land-'));
    return { kind: 'folder', dir: this.staging };
  }

  async prepare(staged: string, rel: string): Promise<Prepared> {
    const final = this.remote(rel);
    try {
      for (let attempt = 1; ; attempt++) {
        // A fresh temp name per attempt: an upload cut off by a DataNode or NameNode restart
        // leaves its file open under a lease for a minute (AlreadyBeingCreatedException).
        const temp = posix.join(posix.dirname(final), `.${posix.basename(final)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
        try {
          await this.client.create(temp, { file: staged }, { overwrite: true });
          return { at: temp, rel };
        } catch (e) {
          if (!(e instanceof WebHdfsError) || !leaseTrouble.has(e.exception ?? '') || attempt >= 10) throw e;
          await this.client.delete(temp).catch(() => undefined);
          await new Promise((r) => setTimeout(r, 500 * attempt));
        }
      }
    } finally {
      await rm(staged, { force: true });
    }
  }

  async publish({ at, rel }: Prepared): Promise<'published' | 'existed'> {
    const final = this.remote(rel);
    if (await this.client.rename(at, final)) return 'published';
    // RENAME answers false when the target exists, or when a retried rename had already
    // succeeded; either way a complete file is there under the final name.
    if (await this.client.getFileStatus(final)) {
      await this.client.delete(at);
      return 'existed';
    }
    throw new UserError(`WebHDFS RENAME ${at} → ${final} failed and neither exists`, `hdfs:${final}`);
  }

  async remove(rel: string): Promise<void> {
    await this.client.delete(this.remote(rel));
  }

  async close(): Promise<void> {
    this.client.close();
    if (this.staging) await rm(this.staging, { recursive: true, force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Refusals of a CREATE that a new temp name gets past (leases of a cut-off upload). */
const leaseTrouble = new Set(['AlreadyBeingCreatedException', 'RecoveryInProgressException', 'LeaseExpiredException', 'FileNotFoundException']);
