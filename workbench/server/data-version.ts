import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative } from 'node:path';
import type { SourceLocation } from '../../dsl/index.js';

/** The most files one source's version looks at; past it, the version says so (and still changes with the count). */
const maxFiles = 200_000;

/**
 * The version of a source's data: a hash of every file it may read, with size and mtime. New,
 * removed, rewritten or replaced files change it; so a cached result is recomputed exactly when
 * its data changed. Lake datasets and globbed paths are walked from the folder above the first
 * wildcard (over-inclusive, never under).
 */
export function dataVersion(location: SourceLocation, readable: readonly string[]): Promise<string> {
  // Only where DuckDB may read: a notebook naming `/` must not make every request walk the disk.
  // (DuckDB refuses such a source anyway, with a message that says what kohort reads.)
  if (!readable.some((root) => within(root, location.path))) return Promise.resolve('unreadable');
  // Requests that arrive together (a page running its cells) share one walk.
  const key = `${location.kind}:${location.path}`;
  let walk = walking.get(key);
  if (!walk) {
    walk = versionNow(location).finally(() => walking.delete(key));
    walking.set(key, walk);
  }
  return walk;
}

const walking = new Map<string, Promise<string>>();

function within(root: string, path: string): boolean {
  const rel = relative(root, path);
  return !rel.startsWith('..') && !isAbsolute(rel);
}

async function versionNow(location: SourceLocation): Promise<string> {
  const lines: string[] = [];
  const wildcard = location.path.search(/[*?[{]/);
  if (location.kind === 'lake' || wildcard >= 0) {
    const root = location.kind === 'lake' ? location.path : dirname(location.path.slice(0, wildcard + 1));
    await walk(root, '', lines);
  } else {
    const info = await stat(location.path).catch(() => undefined);
    lines.push(info ? `${info.size}\t${info.mtimeMs}\t${info.ino}` : 'missing');
  }
  const hash = createHash('sha256');
  for (const l of lines.sort()) hash.update(l).update('\n');
  return hash.digest('base64url').slice(0, 22);
}

async function walk(dir: string, rel: string, lines: string[]): Promise<void> {
  if (lines.length >= maxFiles) return;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    lines.push(`${rel}\t${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`);
    return;
  }
  const files: string[] = [];
  const folders: string[] = [];
  for (const e of entries) {
    // Hidden files count too: DuckDB's `**/*.parquet` reads `.x.parquet`. A temp file on its way
    // in only costs a recompute.
    if (e.isDirectory()) folders.push(e.name);
    else if (e.isFile() || e.isSymbolicLink()) files.push(e.name);
  }
  await Promise.all(
    files.map(async (name) => {
      const info = await stat(join(dir, name)).catch(() => undefined);
      if (info && lines.length < maxFiles) lines.push(`${rel}/${name}\t${info.size}\t${info.mtimeMs}\t${info.ino}`);
    }),
  );
  for (const name of folders) await walk(join(dir, name), `${rel}/${name}`, lines);
}
