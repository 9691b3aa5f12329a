import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot } from './workspace.js';

/** The Chromium the tests drive (Debian's package); never Playwright's own downloads. */
export const chromiumPath = process.env['KOHORT_CHROMIUM'] ?? '/usr/bin/chromium';

export const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Installs Chromium with apt when it is missing (scripts/chromium.sh). */
export function ensureChromium(): void {
  if (existsSync(chromiumPath)) return;
  const r = spawnSync('bash', [join(repoRoot, 'scripts', 'chromium.sh')], { stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(chromiumPath)) throw new Error(`Chromium is missing at ${chromiumPath} and could not be installed`);
}

/** Screenshots and other artefacts of the browser tests: `test-results/e2e/`. */
export const outputDir = join(repoRoot, 'test-results', 'e2e');

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Requests the page made to other origins (none are allowed: no CDN at run time). */
  foreignRequests: string[];
  /** Console errors and uncaught page errors. */
  errors: string[];
  close(): Promise<void>;
}

/**
 * Chromium with a fresh profile. Requests to any origin but `origin` are recorded and aborted, so
 * a test can assert that the page loads nothing from a CDN.
 */
export async function openBrowser(origin: string, options: { viewport?: { width: number; height: number } } = {}): Promise<Browser> {
  ensureChromium();
  mkdirSync(outputDir, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'kohort-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    args: chromiumArgs,
    headless: true,
    viewport: options.viewport ?? { width: 1400, height: 1000 },
    acceptDownloads: true,
  });
  const foreignRequests: string[] = [];
  const errors: string[] = [];
  await context.route(
    (url) => url.origin !== origin && url.protocol !== 'data:' && url.protocol !== 'blob:',
    (route) => {
      foreignRequests.push(route.request().url());
      void route.abort();
    },
  );
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return {
    context,
    page,
    foreignRequests,
    errors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a screenshot under test-results/e2e/. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const path = join(outputDir, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}
