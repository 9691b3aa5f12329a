import { createHash, randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { chmod, link, lstat, mkdir, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { HttpError } from './http.js';
import { isHiddenSegment, isInside, notebookExtension, resolveNotebookPath, type NotebookPath } from './paths.js';

/** One entry of `GET /api/notebooks`. */
export interface NotebookEntry {
  /** Relative to the workspace, `/`-separated. */
  path: string;
  /** The first markdown heading, else the file name without `.kohort`. */
  title: string;
  /** Last modification, ISO 8601. */
  modified: string;
}

/** A notebook file and its version. */
export interface NotebookFile {
  path: string;
  text: string;
  version: string;
}

/**
 * A file's version: `<content hash>.<size>.<mtime>`. Clients treat it as opaque; the server
 * decides conflicts by the content hash alone, so touching a file (or saving the same text)
 * is not a conflict.
 */
export function versionOf(text: string | Buffer, info: Pick<Stats, 'size' | 'mtimeMs'>): string {
  return `${contentHash(text)}.${info.size}.${Math.trunc(info.mtimeMs)}`;
}

export function contentHash(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

/** The content hash inside a version string (anything without one hashes to itself). */
export function hashOfVersion(version: string): string {
  return version.split('.')[0]!;
}

/**
 * The notebooks of one workspace: listing, reading and atomic writes. Writes to one path are
 * serialised; every write records the content it wrote, so the watcher can tell the server's own
 * saves from edits made on disk.
 */
export class Notebooks {
  private readonly locks = new Map<string, Promise<unknown>>();
  /** Content hashes of what the server itself recently wrote ('' for a delete), by absolute path. */
  private readonly ownWrites = new Map<string, string[]>();

  constructor(
    /** The workspace's real path. */
    readonly root: string,
    /** Folders not to walk when listing (the lake when it sits inside the workspace). */
    private readonly skip: readonly string[] = [],
  ) {}

  resolve(path: unknown, mustExist: boolean): Promise<NotebookPath> {
    return resolveNotebookPath(this.root, path, { mustExist });
  }

  /** Every `.kohort` file under the workspace, skipping hidden folders, `node_modules` and symlinks. */
  async list(): Promise<NotebookEntry[]> {
    const out: NotebookEntry[] = [];
    const walk = async (dir: string, depth: number): Promise<void> => {
      if (depth > 32 || this.skip.includes(dir)) return;
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return; // unreadable folders are not the listing's business
      }
      for (const e of entries) {
        if (isHiddenSegment(e.name)) continue;
        const path = join(dir, e.name);
        if (e.isDirectory()) await walk(path, depth + 1);
        else if (e.isFile() && e.name.endsWith(notebookExtension) && e.name !== notebookExtension) {
          const info = await stat(path).catch(() => undefined);
          if (!info) continue;
          out.push({ path: relative(this.root, path).split(sep).join('/'), title: await titleOf(path), modified: info.mtime.toISOString() });
        }
      }
    };
    await walk(this.root, 0);
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async read(path: unknown): Promise<NotebookFile> {
    const p = await this.resolve(path, true);
    const { text, version } = await readVersioned(p.abs);
    return { path: p.rel, text, version };
  }

  /**
   * Saves `text` if the file on disk still has the content of `baseVersion`; else a 409 carrying
   * what is on disk now (`current: null` when the file was deleted).
   */
  async save(path: unknown, text: string, baseVersion: string): Promise<{ path: string; version: string }> {
    const p = await this.resolve(path, false);
    return this.locked(p.abs, async () => {
      const current = await readVersioned(p.abs).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return null;
        throw e;
      });
      if (current === null) {
        throw new HttpError(409, `${p.rel} was deleted on disk since it was opened`, { current: null });
      }
      if (hashOfVersion(current.version) !== hashOfVersion(baseVersion)) {
        throw new HttpError(409, `${p.rel} was changed on disk since it was opened`, { current });
      }
      const version = await this.writeAtomically(p.abs, text, 'replace');
      return { path: p.rel, version };
    });
  }

  /** Creates a notebook; 409 if the path is taken. */
  async create(path: unknown, text: string): Promise<{ path: string; version: string }> {
    const p = await this.resolve(path, false);
    return this.locked(p.abs, async () => ({ path: p.rel, version: await this.writeAtomically(p.abs, text, 'create') }));
  }

  /** Renames a notebook; 404 if `from` is missing, 409 if `to` exists. */
  async rename(from: unknown, to: unknown): Promise<{ path: string; version: string }> {
    const a = await this.resolve(from, true);
    const b = await this.resolve(to, false);
    if (a.abs === b.abs) throw new HttpError(400, 'a notebook cannot be renamed to itself');
    return this.locked(a.abs, () =>
      this.locked(b.abs, async () => {
        await makeFolder(dirname(b.abs), this.root);
        // link + unlink: unlike rename, link refuses to replace an existing file, atomically.
        try {
          await link(a.abs, b.abs);
          await unlink(a.abs);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'EEXIST') throw new HttpError(409, `${b.rel} already exists`);
          if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw e;
          // A file system without hard links: check, then rename (a small race, documented).
          if (await exists(b.abs)) throw new HttpError(409, `${b.rel} already exists`);
          await rename(a.abs, b.abs);
        }
        const { version } = await readVersioned(b.abs);
        this.recordOwnWrite(a.abs, '');
        this.recordOwnWrite(b.abs, hashOfVersion(version));
        return { path: b.rel, version };
      }),
    );
  }

  /** Deletes a notebook; with `version`, only if the file still has that content (else 409). */
  async delete(path: unknown, version?: string): Promise<{ path: string }> {
    const p = await this.resolve(path, true);
    return this.locked(p.abs, async () => {
      if (version !== undefined) {
        const current = await readVersioned(p.abs);
        if (hashOfVersion(current.version) !== hashOfVersion(version)) {
          throw new HttpError(409, `${p.rel} was changed on disk since it was opened`, { current });
        }
      }
      this.recordOwnWrite(p.abs, '');
      await unlink(p.abs);
      return { path: p.rel };
    });
  }

  /**
   * Write to a temp file in the same folder, fsync, then move it into place: readers (and a crash)
   * see the old file or the new one, never a mix. `create` links instead of renaming, so an
   * existing file is never replaced. The file keeps its permissions.
   */
  private async writeAtomically(abs: string, text: string, mode: 'create' | 'replace'): Promise<string> {
    await makeFolder(dirname(abs), this.root);
    const temp = join(dirname(abs), `.${basename(abs)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
    const previous = await stat(abs).catch(() => undefined);
    try {
      const handle = await open(temp, 'wx', 0o644);
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      if (previous) await chmod(temp, previous.mode & 0o7777);
      this.recordOwnWrite(abs, contentHash(text));
      if (mode === 'create') {
        try {
          await link(temp, abs);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new HttpError(409, `${relative(this.root, abs).split(sep).join('/')} already exists`);
          throw e;
        }
        await unlink(temp);
      } else {
        await rename(temp, abs);
      }
      await syncFolder(dirname(abs));
    } catch (e) {
      await rm(temp, { force: true });
      throw e;
    }
    const info = await stat(abs);
    return versionOf(text, info);
  }

  /** Whether content `hash` at `abs` ('' = no file) is one the server wrote itself, recently. */
  isOwnWrite(abs: string, hash: string): boolean {
    return this.ownWrites.get(abs)?.includes(hash) ?? false;
  }

  /** After an edit on disk, earlier own writes are history: the same content again is news. */
  forgetOwnWrites(abs: string): void {
    this.ownWrites.delete(abs);
  }

  /**
   * Remembers a write before it lands. Several, because a watcher may look between two quick
   * saves and must not take the first for someone else's edit.
   */
  private recordOwnWrite(abs: string, hash: string): void {
    const list = this.ownWrites.get(abs) ?? [];
    list.push(hash);
    if (list.length > 16) list.shift();
    this.ownWrites.set(abs, list);
  }

  private async locked<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const before = this.locks.get(key) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    }
  }
}

/** A file's text and version, read from one open handle so the two agree. */
export async function readVersioned(abs: string): Promise<{ text: string; version: string }> {
  const handle = await open(abs, 'r');
  try {
    const info = await handle.stat();
    const bytes = await handle.readFile();
    return { text: bytes.toString('utf8'), version: versionOf(bytes, { size: bytes.length, mtimeMs: info.mtimeMs }) };
  } finally {
    await handle.close();
  }
}

/** The first markdown heading of a notebook (`# Title`), else its file name. */
async function titleOf(abs: string): Promise<string> {
  let head = '';
  try {
    const handle = await open(abs, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(8192), 0, 8192, 0);
      head = buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    // unreadable: fall back to the name
  }
  const heading = /^#{1,6}[ \t]+(.+?)[ \t#]*$/m.exec(head);
  return heading ? heading[1]! : basename(abs, notebookExtension);
}

async function makeFolder(dir: string, root: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new HttpError(400, `${relative(root, dir)} is a file, not a folder`);
    throw e;
  }
  if (dir !== root && !isInside(root, dir)) throw new HttpError(403, 'the folder is outside the workspace');
}

async function syncFolder(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some file systems cannot fsync a folder; the rename itself is still atomic.
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}
