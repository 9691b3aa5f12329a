import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../workbench/server/index.js';
import { writeHandEvents } from '../support/hand-events.js';
import { handNotebook } from '../support/hand-notebook.js';
import { openBrowser, screenshot, type Browser } from './support/browser.js';
import { ensureUiBuilt, uiDir } from './support/build.js';

/**
 * The schedules panel in real Chromium against a real server: a schedule with its next run,
 * "Run now" → the run appears with its per-cell log (rows, membership changes), a failing run
 * shows its error with the cell's place, and a segment's size over its runs is charted.
 * Expected numbers are the hand-made events' (tests/support/hand-events.ts).
 */
let root: string;
let workspace: string;
let server: RunningServer;
let browser: Browser;
let page: Page;

const notebook = `${handNotebook}schedule nightly = cron "0 3 * * *" timezone "Europe/Berlin" refresh buyers, by_type retries 0
`;

beforeAll(async () => {
  ensureUiBuilt();
  root = mkdtempSync(join(tmpdir(), 'kohort-e2e-schedules-'));
  workspace = join(root, 'workspace');
  const lake = join(root, 'lake');
  mkdirSync(workspace);
  mkdirSync(lake);
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  await writeHandEvents(db, lake);
  db.closeSync();
  instance.closeSync();
  writeFileSync(join(workspace, 'shop.kohort'), notebook);
  server = await startServer({ workspace, lake, port: 0, uiDir, poolSize: 1, threads: 1, log: () => undefined, pipelines: false });
  browser = await openBrowser(server.url);
  page = browser.page;
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

const panel = () => page.locator('kohort-schedules-panel');
const runRow = (status: string): Locator => panel().locator(`tr.run[data-status="${status}"]`);
const logCell = (name: string): Locator => panel().locator(`section.log tr[data-cell="${name}"]`);

describe.sequential('the schedules panel in Chromium', () => {
  it('shows the notebook’s schedule with its next run', async () => {
    await page.goto(`${server.url}/#/notebook/shop.kohort`);
    await panel().locator('summary').click();
    const row = panel().locator('tr[data-schedule="nightly"]');
    await row.waitFor({ timeout: 30_000 });
    expect(await row.textContent()).toContain('cron "0 3 * * *" (Europe/Berlin)');
    expect(await row.textContent()).toContain('buyers, by_type');
    expect(await row.locator('td').nth(3).textContent()).toMatch(/in \d+ (h|min|s)|UTC/);
    expect(await panel().locator('.runs, .hint').first().textContent()).toContain('No runs yet');
    await screenshot(page, 'schedules-01-panel');
  });

  it('run now: the run appears, succeeds, and its per-cell log shows rows and who joined', async () => {
    await panel().locator('tr[data-schedule="nightly"] button.run-now').click();
    await runRow('succeeded').first().waitFor({ timeout: 60_000 });
    expect(await runRow('succeeded').count()).toBe(1);
    expect(await runRow('succeeded').textContent()).toContain('manual');
    await logCell('by_type').waitFor({ timeout: 30_000 });
    // A and C bought: 2 members, both joined in this first run; 3 event types.
    expect(await logCell('buyers').textContent()).toMatch(/segment\s*succeeded\s*2\b.*2 members, \+2 joined, −0 left/s);
    expect(await logCell('by_type').textContent()).toMatch(/query\s*succeeded\s*3\b/);
    expect(await panel().locator('section.log').textContent()).toContain('as of 2019-10-03T12:30:00');
    await screenshot(page, 'schedules-02-run-log');
  });

  it('charts a segment’s size over its runs, with joined and left', async () => {
    const sizes = panel().locator('section.sizes');
    await sizes.locator('kohort-result-chart svg').first().waitFor({ timeout: 30_000 });
    expect(await sizes.locator('select').inputValue()).toBe('buyers');
    const rows = sizes.locator('table.size-table tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toMatch(/2\s*\+2\s*−0/);
    await screenshot(page, 'schedules-03-size-chart');
  });

  it('a failing run shows its error with the cell and its place', async () => {
    // Saved through the server (as another client would), so the open page is not asked about an edit on disk.
    const current = (await (await fetch(`${server.url}/api/notebooks/file?path=shop.kohort`)).json()) as { version: string };
    const saved = await fetch(`${server.url}/api/notebooks/file?path=shop.kohort`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: `${notebook}\n--- sql broken\nselect no_such_column from buyers\n`, baseVersion: current.version }),
    });
    expect(saved.status).toBe(200);
    await panel().locator('button.run-all').click();
    await runRow('failed').first().waitFor({ timeout: 60_000 });
    // Line 9 holds the select (a blank line and the cell's header come first); DuckDB points at column 8.
    expect(await runRow('failed').first().locator('td.error').textContent()).toMatch(/^shop\.kohort:9:8: cell `broken`: Binder Error/);
    await logCell('broken').waitFor({ timeout: 30_000 });
    expect(await logCell('broken').textContent()).toMatch(/failed.*shop\.kohort:9:8/s);
    expect(await panel().locator('section.log pre.error').textContent()).toContain('no_such_column');
    await screenshot(page, 'schedules-04-failed-run');
    expect(browser.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});
