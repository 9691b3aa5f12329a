import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { importCsv } from '../../../connectors/index.js';

export const repoRoot = resolve(import.meta.dirname, '..', '..', '..');

/** A throwaway workspace for the workbench: the example notebooks and a lake of real events. */
export interface Workspace {
  root: string;
  /** The folder `kohort serve` serves: `ecommerce/customers.kohort`, `ecommerce/sales.kohort`. */
  workspace: string;
  lake: string;
  remove(): void;
}

/** Copies `examples/ecommerce` into a fresh workspace and builds its lake from the sample CSV. */
export async function createWorkspace(prefix = 'kohort-e2e-'): Promise<Workspace> {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const workspace = join(root, 'workspace');
  const lake = join(root, 'lake');
  mkdirSync(join(workspace, 'ecommerce'), { recursive: true });
  const examples = join(repoRoot, 'examples', 'ecommerce');
  for (const f of readdirSync(examples, { withFileTypes: true })) if (f.isFile() && f.name.endsWith('.kohort')) cpSync(join(examples, f.name), join(workspace, 'ecommerce', f.name));
  // The lake as `kohort import` writes it, from the real REES46 sample.
  await importCsv({ files: [join(repoRoot, 'tests', 'fixtures', 'rees46-2019-oct-sample.csv')], lake });
  return { root, workspace, lake, remove: () => rmSync(root, { recursive: true, force: true }) };
}
