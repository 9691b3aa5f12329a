import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './workspace.js';

/** Where the Vite build of the UI goes, and what `kohort serve` serves. */
export const uiDir = join(repoRoot, 'dist', 'workbench-ui');

function newest(dir: string): number {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) t = Math.max(t, newest(p));
    else if (!entry.name.endsWith('.test.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

/** Builds the UI with Vite unless `dist/workbench-ui` is newer than every source it is made of. */
export function ensureUiBuilt(): void {
  const index = join(uiDir, 'index.html');
  const sources = Math.max(newest(join(repoRoot, 'workbench', 'ui')), newest(join(repoRoot, 'dsl')), statSync(join(repoRoot, 'workbench', 'vite.config.ts')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs > sources) return;
  const r = spawnSync('npx', ['vite', 'build', '--config', 'workbench/vite.config.ts', '--logLevel', 'warn'], { cwd: repoRoot, stdio: 'inherit', env: process.env });
  if (r.status !== 0) throw new Error(`the workbench UI build failed (exit ${r.status})`);
}
