import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { UserError } from '../user-error.js';
import { processAlive } from './records.js';

/** Who holds a notebook's run lock. */
export interface LockHolder {
  pid: number;
  host: string;
  runId: string;
  since: string;
}

/** Lock files this process holds: one with our pid that is not here is from an earlier process. */
const held = new Set<string>();

/**
 * Takes the run lock of a notebook: a file created exclusively (`wx`) holding the pid, so a
 * second process refuses to run the same notebook (a UserError naming the run in progress). A
 * lock left by a dead process is taken over. Returns the release.
 */
export async function acquireRunLock(path: string, holder: LockHolder, notebook: string): Promise<() => Promise<void>> {
  await mkdir(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(JSON.stringify(holder));
        await handle.sync();
      } finally {
        await handle.close();
      }
      held.add(path);
      return async () => {
        held.delete(path);
        await unlink(path).catch(() => undefined);
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new UserError(`cannot take the run lock: ${(e as Error).message}`, path);
    }
    const current = await readHolder(path);
    if (current && isLive(current, path)) {
      throw new UserError(
        `${notebook} is already running (run ${current.runId}, process ${current.pid}${current.host === hostname() ? '' : ` on ${current.host}`}, since ${current.since}); try again when it ends`,
      );
    }
    // A lock being written this instant reads as empty: give its taker a moment.
    if (!current && (await ageMillis(path)) < 5000) {
      await new Promise((done) => setTimeout(done, 200));
      continue;
    }
    // Stale: its process is gone. Remove it and try again (another taker may win the race).
    await unlink(path).catch(() => undefined);
  }
  throw new UserError(`cannot take the run lock: it keeps changing hands`, path);
}

function isLive(holder: LockHolder, path: string): boolean {
  if (holder.pid === process.pid && holder.host === hostname()) return held.has(path);
  return processAlive(holder.pid, holder.host);
}

async function readHolder(path: string): Promise<LockHolder | undefined> {
  try {
    const value = JSON.parse(await readFile(path, 'utf8')) as Partial<LockHolder>;
    if (typeof value.pid === 'number' && typeof value.host === 'string') {
      return { pid: value.pid, host: value.host, runId: String(value.runId ?? '?'), since: String(value.since ?? '?') };
    }
  } catch {
    // Missing (released meanwhile) or half-written by a process killed while creating it.
  }
  return undefined;
}

async function ageMillis(path: string): Promise<number> {
  const info = await stat(path).catch(() => undefined);
  return info ? Date.now() - info.mtimeMs : Number.POSITIVE_INFINITY;
}
