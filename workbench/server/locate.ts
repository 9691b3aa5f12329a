import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The kohort package's root folder (the one with its package.json), found from this module's
 * place, so the same code works from the sources (`workbench/server/`) and from the build
 * (`dist/workbench/server/`).
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'kohort') return dir;
      } catch {
        // not ours; keep looking up
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the kohort package root');
    dir = up;
  }
}

/** kohort's version, from its package.json. */
export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}
let version: string | undefined;

/** The OpenAPI document of the server's API (`workbench/openapi.json`). */
export function openApiDocument(): unknown {
  return JSON.parse(readFileSync(join(packageRoot(), 'workbench', 'openapi.json'), 'utf8'));
}

/** Where the UI's Vite build lands. */
export function defaultUiDir(): string {
  return join(packageRoot(), 'dist', 'workbench-ui');
}
