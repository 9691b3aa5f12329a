import { lstat, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { HttpError } from './http.js';

/**
 * The workspace's confinement for notebook paths. Every `path` of the API is relative to the
 * workspace, ends in `.kohort`, and stays inside the workspace once `..` and symlinks are
 * resolved. A malformed path is a 400; a path that would leave the workspace (or enter a hidden
 * folder, `node_modules`, or kohort's own `.kohort/`) is a 403.
 */
export interface NotebookPath {
  /** As the client sees it: relative to the workspace, `/`-separated, normalised. */
  rel: string;
  /** Absolute, symlinks of existing folders resolved. */
  abs: string;
}

/** Folders the workspace hides: never listed, never reachable through the API. */
export function isHiddenSegment(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules';
}

export const notebookExtension = '.kohort';

/**
 * Resolves a client's notebook path against the workspace (whose real path `root` is). With
 * `mustExist` the file must exist and be a regular file (404 otherwise); without, it must not be
 * a symlink either way, and the nearest existing folder above it must be inside the workspace.
 */
export async function resolveNotebookPath(root: string, path: unknown, options: { mustExist: boolean }): Promise<NotebookPath> {
  if (typeof path !== 'string' || path === '') throw new HttpError(400, 'a notebook path is required');
  if (path.includes('\0')) throw new HttpError(400, 'a notebook path cannot contain a NUL byte');
  if (path.includes('\\')) throw new HttpError(400, 'write notebook paths with `/`, not `\\`');
  if (isAbsolute(path) || /^[A-Za-z]:/.test(path)) throw new HttpError(400, 'a notebook path is relative to the workspace, not absolute');
  if (path.length > 1024) throw new HttpError(400, 'a notebook path is at most 1024 characters');

  const abs = resolve(root, path);
  const rel = relative(root, abs);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new HttpError(403, `${path} is outside the workspace`);
  const segments = rel.split(sep);
  if (segments.some(isHiddenSegment)) throw new HttpError(403, `${path} is in a hidden folder, which the workspace does not serve`);
  const name = segments[segments.length - 1]!;
  if (!name.endsWith(notebookExtension) || name === notebookExtension) throw new HttpError(400, `a notebook path is a name ending in ${notebookExtension}`);

  // Symlinks: the file itself must not point out, nor any folder on the way.
  let info;
  try {
    info = await lstat(abs);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'ENOTDIR') throw e;
  }
  if (options.mustExist && !info) throw new HttpError(404, `no notebook ${segments.join('/')}`);
  if (info) {
    const real = await realpath(abs).catch(() => undefined);
    if (real === undefined || !isInside(root, real)) throw new HttpError(403, `${path} leads outside the workspace`);
    if (options.mustExist) {
      const target = info.isSymbolicLink() ? await lstat(real) : info;
      if (!target.isFile()) throw new HttpError(400, `${path} is not a file`);
    } else if (info.isSymbolicLink()) {
      throw new HttpError(403, `${path} is a symbolic link`);
    }
    return { rel: segments.join('/'), abs: real };
  }
  const folder = await nearestExisting(dirname(abs));
  const realFolder = await realpath(folder);
  if (!isInside(root, realFolder) && realFolder !== root) throw new HttpError(403, `${path} leads outside the workspace`);
  return { rel: segments.join('/'), abs: join(realFolder, relative(folder, abs)) };
}

/** Whether `path` (absolute, real) lies strictly inside `root`. */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

async function nearestExisting(dir: string): Promise<string> {
  for (let d = dir; ; d = dirname(d)) {
    try {
      await lstat(d);
      return d;
    } catch {
      if (dirname(d) === d) return d;
    }
  }
}
