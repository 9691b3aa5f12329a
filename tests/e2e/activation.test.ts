import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverRunChanges } from '../../engine/activation/index.js';
import { writeRunHistory } from '../../engine/history/index.js';
import { NotebookSession } from '../../engine/session.js';
import { startServer, type RunningServer } from '../../workbench/server/index.js';
import { A, C } from '../support/hand-events.js';
import { writeHandEvents } from '../support/hand-lake.js';
import { openBrowser, screenshot, type Browser } from './support/browser.js';
import { ensureUiBuilt, uiDir } from './support/build.js';
import { cellWith, editorOf, focusEnd } from './support/editor.js';

/**
 * Activation in the workbench, in real Chromium against a real server: a segment's size preview
 * follows its rule as it is typed (debounced, one request per pause), with its share and its
 * overlap with another segment; a segment result downloads its members; the deliveries panel
 * shows a webhook delivery log.
 */
let root: string;
let server: RunningServer;
let browser: Browser;
let page: Page;
let hook: Server;

const notebook = `--- kohort
source events = lake "events" key user_id time event_time
metric purchases = count() where event_type = "purchase"
metric views = count() where event_type = "view"

--- kohort
segment viewers = views > 0

--- kohort
segment buyers = purchases > 0
`;

beforeAll(async () => {
  ensureUiBuilt();
  root = mkdtempSync(join(tmpdir(), 'kohort-e2e-activation-'));
  const workspace = join(root, 'workspace');
  const lake = join(root, 'lake');
  mkdirSync(workspace);
  mkdirSync(lake);
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  await writeHandEvents(db, join(lake, 'events'));
  db.closeSync();
  instance.closeSync();
  const file = join(workspace, 'shop.kohort');
  writeFileSync(file, notebook);

  // One real run's history, delivered to a real receiver: the log the panel shows.
  const run = { id: '2026-11-21T03-00-00-000Z-0a0b0c', asOf: '2019-10-03' };
  const session = await NotebookSession.open({ file, lake, asOf: run.asOf, threads: 1 });
  try {
    await writeRunHistory(session, ['buyers'], { notebook: 'shop', runId: run.id, asOf: run.asOf });
  } finally {
    session.close();
  }
  hook = createServer((req, res) => req.resume().on('end', () => res.writeHead(200).end()));
  await new Promise<void>((done) => hook.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
  await deliverRunChanges({ workspace, lake, notebook: 'shop', destinations: [{ name: 'crm', spec: { kind: 'webhook', url, segments: ['buyers'], batch: 1, retries: 0 } }] }, run);

  server = await startServer({ workspace, lake, port: 0, uiDir, poolSize: 1, log: () => undefined });
  browser = await openBrowser(server.url);
  page = browser.page;
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await new Promise<void>((done) => (hook ? hook.close(() => done()) : done()));
  if (root) rmSync(root, { recursive: true, force: true });
});

const preview = (text: string) => cellWith(page, text).locator('kohort-size-preview [data-testid="size-preview"]');

describe.sequential('activation in Chromium', () => {
  it('shows a segment’s size and share under its rule once it is edited', async () => {
    const requests: string[] = [];
    page.on('request', (r) => r.url().endsWith('/api/segment-preview') && requests.push(r.url()));
    await page.goto(`${server.url}/#/notebook/shop.kohort`);
    const cell = cellWith(page, 'segment buyers');
    await editorOf(cell);
    // Opening the notebook counts nothing.
    await expect.poll(() => preview('segment buyers').textContent()).toContain('its size appears as you edit it');
    expect(requests).toEqual([]);
    await focusEnd(page, cell);
    await page.keyboard.type(' ');
    // By hand: A and C bought, A, B and C have events.
    await expect.poll(() => preview('segment buyers').getAttribute('data-size'), { timeout: 30_000 }).toBe('2');
    expect(await preview('segment buyers').getAttribute('data-total')).toBe('3');
    expect(await preview('segment buyers').textContent()).toContain('66.7%');
    await screenshot(page, 'activation-01-size-preview');
  });

  it('follows the rule as it is typed, one request per pause', async () => {
    const cell = cellWith(page, 'segment buyers');
    await editorOf(cell);
    const requests: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/segment-preview')) requests.push(r.postData() ?? '');
    });
    await focusEnd(page, cell);
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('1 and views >= 2', { delay: 20 });
    // Only A bought twice and viewed twice.
    await expect.poll(() => preview('segment buyers').getAttribute('data-size'), { timeout: 30_000 }).toBe('1');
    expect(await preview('segment buyers').textContent()).toContain('33.3%');
    // Keystrokes 20 ms apart fall within one 300 ms pause: the typing sent one count, of the final rule.
    expect(requests.length).toBeLessThanOrEqual(2);
    expect(requests.at(-1)).toContain('purchases > 1 and views >= 2');
    await screenshot(page, 'activation-02-size-preview-typed');
  });

  it('overlaps with another segment the analyst picks', async () => {
    const select = cellWith(page, 'segment buyers').locator('kohort-size-preview select[aria-label="segment to overlap with"]');
    await select.selectOption('viewers');
    const overlap = cellWith(page, 'segment buyers').locator('kohort-size-preview [data-testid="overlap"]');
    await expect.poll(() => overlap.getAttribute('data-both'), { timeout: 30_000 }).toBe('1');
    expect(await overlap.textContent()).toContain('of `viewers`');
  });

  it('downloads a segment’s members with its metadata', async () => {
    const cell = cellWith(page, 'segment viewers');
    await cell.locator('button.k-run').click();
    const exporter = cell.locator('kohort-segment-export');
    await exporter.waitFor({ timeout: 60_000 });
    await exporter.locator('select').selectOption('json');
    const [download] = await Promise.all([page.waitForEvent('download'), exporter.locator('button').click()]);
    expect(download.suggestedFilename()).toBe('viewers.json');
    const text = readFileSync((await download.path())!, 'utf8');
    expect(text).toContain(`"user_id":${A}`);
    expect(text).toContain(`"user_id":${C}`);
    const doc = JSON.parse(text) as { kohort: { segment: string; members: number; definitionHash: string } };
    expect(doc.kohort).toMatchObject({ segment: 'viewers', members: 3 });
    await expect.poll(() => exporter.locator('[data-testid="export-done"]').textContent()).toContain(doc.kohort.definitionHash.slice(0, 12));
  });

  it('shows the webhook delivery log', async () => {
    const panel = page.locator('kohort-deliveries-panel');
    await panel.locator('summary').click();
    const row = panel.locator('tr[data-destination="crm"]');
    await row.waitFor({ timeout: 15_000 });
    expect(await row.textContent()).toMatch(/delivered.*2 \/ 2/s);
    await row.scrollIntoViewIfNeeded();
    await screenshot(page, 'activation-03-deliveries');
    expect(browser.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});
