import { readdir, readFile, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { kohortFolder, makeStagingFolder, publishFile, removeStagingFolder, writeAtomically } from '../lake.js';

/**
 * A run's history is written whole into one staging folder (`<lake>/_staging/history-<pid>-<hex>/`)
 * and published only once every file is complete. Publishing first writes `journal.json` (the
 * list of steps, atomically), then moves each file into place by rename. A run that dies before the
 * journal leaves nothing visible: its folder is deleted. One that dies during the moves is rolled
 * forward: the steps are idempotent, and `discardUnpublished` finishes them.
 */

/** One step of publishing: a staged file renamed into place (replacing any file there), or a published file removed. */
export type PublishStep = { move: string; to: string } | { remove: string };

const prefix = 'history';
const journalName = 'journal.json';

/** Staging folders of runs going on in this process: never leftovers, whatever their pid says. */
const inUse = new Set<string>();

export class HistoryStage {
  private readonly steps: PublishStep[] = [];
  private closed = false;

  private constructor(readonly dir: string) {}

  static async open(lake: string): Promise<HistoryStage> {
    const dir = await makeStagingFolder(lake, prefix);
    inUse.add(dir);
    return new HistoryStage(dir);
  }

  /** A path inside the stage; `name` may hold folders. */
  path(name: string): string {
    return join(this.dir, name);
  }

  /** Publishes the staged file `staged` at `finalPath`. */
  place(staged: string, finalPath: string): void {
    this.steps.push({ move: staged, to: finalPath });
  }

  /** Removes the published file `finalPath` (and its folder, once empty) on publication. */
  remove(finalPath: string): void {
    this.steps.push({ remove: finalPath });
  }

  /** Makes every staged step visible (journal first, then the renames) and removes the stage. */
  async publish(): Promise<void> {
    await writeAtomically(join(this.dir, journalName), (temp) => writeFile(temp, JSON.stringify(this.steps)));
    await applySteps(this.steps);
    await this.close();
  }

  /** Drops everything staged: nothing of this run becomes visible. */
  async discard(): Promise<void> {
    await this.close();
  }

  private async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await removeStagingFolder(this.dir);
    inUse.delete(this.dir);
  }
}

async function applySteps(steps: readonly PublishStep[]): Promise<void> {
  for (const step of steps) {
    if ('move' in step) {
      // Already moved when a crashed publication is finished a second time.
      if (await exists(step.move)) await publishFile(step.move, step.to);
    } else {
      await rm(step.remove, { force: true });
      await rmdir(dirname(step.remove)).catch(() => {
        // Not empty (or already gone): the folder stays.
      });
    }
  }
}

/**
 * Cleans up after runs that died while writing history into `lake`: a run that had not finished
 * staging is dropped (nothing of it was visible), one that died while publishing is completed from
 * its journal. Runs still going on — in this process, or in another live process — are left alone.
 * `writeRunHistory` calls it first, so a run never builds on a half-published one.
 */
export async function discardUnpublished(lake: string): Promise<void> {
  const root = kohortFolder(lake, 'staging');
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return; // no staging folder: nothing was left
  }
  for (const name of names) {
    const match = new RegExp(`^${prefix}-(\\d+)-[0-9a-f]+$`).exec(name);
    if (!match) continue; // another writer's staging (import, generate)
    const dir = join(root, name);
    const pid = Number(match[1]);
    if (inUse.has(dir) || (pid !== process.pid && isAlive(pid))) continue;
    const journal = await readFile(join(dir, journalName), 'utf8').catch(() => undefined);
    if (journal !== undefined) await applySteps(JSON.parse(journal) as PublishStep[]);
    await removeStagingFolder(dir);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, it is someone else's.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
