import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../workbench/server/index.js';
import { openBrowser, screenshot, type Browser } from './support/browser.js';
import { ensureUiBuilt, uiDir } from './support/build.js';
import { cellText, cellWith, editorOf, editorText, focusEnd, modifier, typeLines } from './support/editor.js';
import { createWorkspace, type Workspace } from './support/workspace.js';

/**
 * The workbench end to end, in real Chromium against a real server over a lake of real REES46
 * events: open the example notebook, break a metric and see the marker, fix it with completion,
 * run, see the table and the chart, open a customer, save and reload, be refused a path outside
 * the workspace. Screenshots go to test-results/e2e/.
 */
let ws: Workspace;
let server: RunningServer;
let browser: Browser;
let page: Page;

const notebookUrl = (path: string) => `${server.url}/#/notebook/${encodeURIComponent(path)}`;

beforeAll(async () => {
  ensureUiBuilt();
  ws = await createWorkspace();
  server = await startServer({ workspace: ws.workspace, lake: ws.lake, port: 0, uiDir, poolSize: 1, log: () => undefined });
  browser = await openBrowser(server.url);
  page = browser.page;
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  ws?.remove();
});

describe.sequential('the workbench in Chromium', () => {
  it('lists the notebooks and opens the example', async () => {
    await page.goto(`${server.url}/`);
    const list = page.locator('kohort-notebook-list');
    await list.locator('li').first().waitFor();
    expect(await list.locator('li a').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('Customers'), expect.stringContaining('Sales')]));
    await screenshot(page, '01-notebook-list');
    await list.locator('a', { hasText: 'Customers' }).click();
    await page.waitForURL(/#\/notebook\/ecommerce%2Fcustomers\.kohort$/);
    await cellWith(page, 'metric views').waitFor();
    // Markdown cells are rendered, not shown as source.
    await expect(page.locator('kohort-markdown-view h1').first().textContent()).resolves.toContain('Customers: profiles and segments');
    await editorOf(cellWith(page, 'metric views'));
    await screenshot(page, '02-notebook-open');
  });

  it('marks a broken metric while typing and shows its message', async () => {
    const metrics = cellWith(page, 'metric views');
    await focusEnd(page, metrics);
    await page.keyboard.press('Enter');
    await typeLines(page, ['metric value_per_view = revnue / views']);
    const problem = metrics.locator('.k-problems li.error', { hasText: 'revnue' });
    await problem.waitFor({ timeout: 15_000 });
    expect(await problem.textContent()).toMatch(/unknown-name.*`revnue`.*did you mean `revenue`/);
    const squiggle = metrics.locator('.squiggly-error').first();
    await squiggle.waitFor();
    await squiggle.hover({ force: true });
    const hover = page.locator('.monaco-hover:not(.hidden)').filter({ hasText: 'revnue' }).first();
    await hover.waitFor({ timeout: 10_000 });
    expect(await hover.textContent()).toContain('did you mean `revenue`');
    await screenshot(page, '03-broken-metric');
  });

  it('fixes it with completion', async () => {
    const metrics = cellWith(page, 'metric views');
    await page.keyboard.press('Escape');
    await editorOf(metrics);
    // Cursor to just after `revnue`, delete it, type a prefix and take the suggestion.
    await page.keyboard.press('End');
    for (let i = 0; i < ' / views'.length; i++) await page.keyboard.press('ArrowLeft');
    for (let i = 0; i < 'revnue'.length; i++) await page.keyboard.press('Backspace');
    await page.keyboard.type('reve');
    await page.keyboard.press('Control+Space');
    const suggest = page.locator('.suggest-widget.visible');
    await suggest.waitFor({ timeout: 10_000 });
    const labels = await suggest.locator('.monaco-list-row .label-name').allTextContents();
    expect(labels).toContain('revenue');
    expect(labels[0]).toBe('revenue');
    await screenshot(page, '04-completion');
    await page.keyboard.press('Enter');
    await expect.poll(() => editorText(metrics), { timeout: 10_000 }).toContain('metric value_per_view = revenue / views');
    await expect.poll(() => metrics.locator('.k-problems li.error').count(), { timeout: 15_000 }).toBe(0);
    await expect.poll(() => metrics.locator('.squiggly-error').count()).toBe(0);
  });

  it('runs a cell and shows its table, then marks it stale when a metric it reads changes', async () => {
    const segments = cellWith(page, 'segment buyers');
    await segments.scrollIntoViewIfNeeded();
    await segments.locator('button.k-run').click();
    const result = segments.locator('kohort-result-view').first();
    await result.locator('kohort-result-table .tr').first().waitFor({ timeout: 60_000 });
    // Every result of the cell ran (the tabs stop showing "…").
    await expect.poll(() => segments.locator('.k-result-tabs button', { hasText: '…' }).count(), { timeout: 60_000 }).toBe(0);
    expect(await segments.locator('.k-result-tabs button').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('top_customers')]));
    // A segment shows its size, share of all customers and members.
    await result.locator('[data-testid="segment-summary"]').waitFor({ timeout: 30_000 });
    expect(await result.locator('[data-testid="segment-summary"]').textContent()).toMatch(/customers[\s\S]*%[\s\S]*of/);
    await screenshot(page, '05-segment-result');

    // Edit `purchases`: the segments that read it become stale; the markdown above does not.
    const metrics = cellWith(page, 'metric views');
    await focusEnd(page, metrics);
    await page.keyboard.press(`${modifier}+Home`);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    await page.keyboard.type(' and price > 0');
    await page.keyboard.press('Escape');
    await segments.locator('.k-badge-stale').waitFor({ timeout: 15_000 });
    const runStale = page.locator('kohort-notebook-view .k-toolbar button', { hasText: 'Run stale' });
    expect(await runStale.isEnabled()).toBe(true);
    await runStale.click();
    await expect.poll(() => segments.locator('.k-badge-stale').count(), { timeout: 60_000 }).toBe(0);
  });

  it('shows a name’s definition and type on hover, and goes to its definition in another cell', async () => {
    const segments = cellWith(page, 'segment buyers');
    const editor = await editorOf(segments);
    const word = editor.locator('.view-line span', { hasText: /^purchases$/ }).first();
    await word.hover();
    const hover = page.locator('.monaco-hover:not(.hidden)').filter({ hasText: 'metric' }).first();
    await hover.waitFor({ timeout: 10_000 });
    expect(await hover.textContent()).toMatch(/metric.*purchases.*number/s);
    await screenshot(page, '06a-hover');
    await word.click();
    await page.keyboard.press('F12');
    // The metrics cell's editor takes the focus, with the definition's name selected.
    const metrics = cellWith(page, 'metric views');
    await expect
      .poll(() => metrics.evaluate((el) => el.contains((el.ownerDocument as unknown as { activeElement: unknown }).activeElement as never)), { timeout: 10_000 })
      .toBe(true);
    // …with the cursor on the line that defines `purchases`.
    const cursorLine = async () => (await metrics.locator('.view-overlays .current-line').first().boundingBox())?.y;
    const definitionLine = async () => (await metrics.locator('.view-line', { hasText: /metric\s+purchases\s+=/ }).first().boundingBox())?.y;
    await expect.poll(async () => Math.abs(((await cursorLine()) ?? -100) - ((await definitionLine()) ?? 100)), { timeout: 10_000 }).toBeLessThan(2);
    await screenshot(page, '06b-definition');
    await page.keyboard.press('Escape');
  });

  it('sorts and filters a result in the browser (Shift+Enter runs the cell)', async () => {
    const profiles = cellWith(page, 'profile customer_profile');
    await focusEnd(page, profiles);
    await page.keyboard.press('Shift+Enter');
    const table = profiles.locator('kohort-result-table').first();
    await table.locator('.tr').first().waitFor({ timeout: 60_000 });
    const header = table.locator('.th', { hasText: 'views' }).first();
    await header.click();
    await header.click();
    await table.locator('.th .arrow', { hasText: '▼' }).waitFor({ timeout: 30_000 });
    const firstViews = async () => {
      const cols = await table.locator('.th').allTextContents();
      const i = cols.findIndex((c) => c.trim().startsWith('views'));
      return Number(await table.locator('.tr').first().locator('.td').nth(i).textContent());
    };
    const top = await firstViews();
    expect(top).toBeGreaterThan(1);
    await table.locator('input[aria-label="filter views"]').fill(`< ${top}`);
    await expect.poll(firstViews, { timeout: 30_000 }).toBeLessThan(top);
    await screenshot(page, '06-sorted-filtered');
    await table.locator('button', { hasText: 'reset view' }).click();
  });

  it('opens a customer from a profile', async () => {
    const profiles = cellWith(page, 'profile customer_profile');
    const row = profiles.locator('kohort-result-table .tr.clickable').first();
    await row.click();
    const dialog = page.locator('kohort-customer-view dialog[open]');
    await dialog.waitFor({ timeout: 30_000 });
    await dialog.locator('.metric').first().waitFor({ timeout: 60_000 });
    expect(await dialog.locator('.metric .name').allTextContents()).toEqual(expect.arrayContaining(['views', 'purchases', 'revenue']));
    await dialog.locator('kohort-result-chart svg').first().waitFor({ timeout: 30_000 });
    expect(await dialog.locator('.events tbody tr').count()).toBeGreaterThan(0);
    await screenshot(page, '07-customer');
    await dialog.locator('button', { hasText: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('adds a cell with a query and a plot, runs it and draws the chart', async () => {
    await page.locator('kohort-notebook-view .k-add button', { hasText: '+ kohort' }).click();
    const cell = page.locator('kohort-notebook-cell').last();
    await editorOf(cell);
    await typeLines(page, [
      'query lifecycle_mix = from customer_profile group by lifecycle select customers = count() order by customers desc',
      'plot lifecycle_chart = bar lifecycle_mix (x = lifecycle, y = customers)',
    ]);
    await expect.poll(() => cell.locator('.k-def').allTextContents(), { timeout: 15_000 }).toEqual(['lifecycle_mix', 'lifecycle_chart']);
    await page.keyboard.press(`${modifier}+Enter`);
    await expect.poll(() => cell.locator('.k-result-tabs button', { hasText: '…' }).count(), { timeout: 60_000 }).toBe(0);
    await cell.locator('.k-result-tabs button', { hasText: 'lifecycle_chart' }).click();
    const chart = cell.locator('kohort-result-chart');
    await chart.locator('svg rect').first().waitFor({ timeout: 30_000 });
    expect(await chart.locator('svg [aria-label="x-axis tick label"], svg g[aria-label="x-axis tick label"] text').count()).toBeGreaterThan(0);
    await screenshot(page, '08-chart');
    const svg = page.waitForEvent('download');
    await chart.locator('button', { hasText: 'SVG' }).click();
    const svgFile = await svg;
    expect(svgFile.suggestedFilename()).toBe('lifecycle_chart.svg');
    expect(readFileSync((await svgFile.path())!, 'utf8')).toMatch(/^<\?xml[\s\S]*<svg[\s\S]*customers/);
    const png = page.waitForEvent('download');
    await chart.locator('button', { hasText: 'PNG' }).click();
    const pngFile = await png;
    expect(pngFile.suggestedFilename()).toBe('lifecycle_chart.png');
    expect(readFileSync((await pngFile.path())!).subarray(1, 4).toString()).toBe('PNG');
    await cell.locator('.k-result-tabs button', { hasText: 'lifecycle_mix' }).click();
    await cell.locator('kohort-result-table .tr').first().waitFor();
  });

  it('moves, collapses and expands cells', async () => {
    const cells = page.locator('kohort-notebook-cell');
    const last = cells.last();
    const lastText = await cellText(last);
    const before = await cells.count();
    await last.locator('button[aria-label="move cell up"]').click();
    await expect.poll(async () => cellText(cells.nth(before - 2))).toContain(lastText.slice(0, 40));
    await cells.nth(before - 2).locator('button[aria-label="move cell down"]').click();
    await expect.poll(async () => cellText(cells.last())).toContain(lastText.slice(0, 40));
    await last.locator('button[aria-label="collapse cell"]').click();
    await last.locator('.k-collapsed').waitFor();
    expect(await last.locator('.monaco-editor').count()).toBe(0);
    expect(await last.locator('.k-collapsed').textContent()).toContain('query lifecycle_mix');
    await last.locator('button[aria-label="expand cell"]').click();
    await editorOf(last);
  });

  it('shows the compiled SQL of a cell', async () => {
    const cell = cellWith(page, 'segment buyers');
    await cell.locator('button', { hasText: 'SQL' }).click();
    const sql = cell.locator('.k-sql pre').first();
    await sql.waitFor({ timeout: 30_000 });
    expect(await sql.textContent()).toMatch(/SELECT[\s\S]*FROM/);
    await cell.locator('button', { hasText: 'SQL' }).click();
  });

  it('cancels a running cell', async () => {
    await page.locator('kohort-notebook-view .k-add button', { hasText: '+ sql' }).click();
    const cell = page.locator('kohort-notebook-cell').last();
    await editorOf(cell);
    await typeLines(page, ['SELECT sum(i) AS s FROM range(100000000000000) t(i)']);
    await cell.locator('button.k-run').click();
    const cancel = cell.locator('button.k-cancel');
    await cancel.waitFor({ timeout: 10_000 });
    await cancel.click();
    await expect.poll(() => cell.locator('button.k-cancel').count(), { timeout: 20_000 }).toBe(0);
    expect(await cell.locator('kohort-result-view .hint').textContent()).toContain('cancelled');
    await cell.locator('button[aria-label="delete cell"]').click();
    await cell.locator('button[aria-label="confirm delete"]').click();
  });

  it('saves with Ctrl/Cmd+S, and the change survives a reload', async () => {
    const metrics = cellWith(page, 'metric views');
    await focusEnd(page, metrics);
    await page.keyboard.press(`${modifier}+s`);
    await expect.poll(() => page.locator('kohort-notebook-view .k-status').textContent(), { timeout: 15_000 }).toContain('saved');
    const onDisk = readFileSync(join(ws.workspace, 'ecommerce', 'customers.kohort'), 'utf8');
    expect(onDisk).toContain('metric value_per_view = revenue / views');
    expect(onDisk).toContain('plot lifecycle_chart = bar lifecycle_mix (x = lifecycle, y = customers)');
    await page.reload();
    await cellWith(page, 'metric value_per_view').waitFor({ timeout: 30_000 });
    await editorOf(cellWith(page, 'metric value_per_view'));
    expect(await editorText(cellWith(page, 'metric value_per_view'))).toContain('revenue / views');
    await screenshot(page, '09-reloaded');
  });

  it('offers the version on disk when the file changes under it, never overwriting it silently', async () => {
    const file = join(ws.workspace, 'ecommerce', 'customers.kohort');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('metric views = count() where event_type = "view"', 'metric views = count() where event_type = "view" -- edited on disk'));
    const dialog = page.locator('kohort-conflict-dialog dialog[open]');
    await dialog.waitFor({ timeout: 15_000 });
    await dialog.locator('button', { hasText: 'Show differences' }).click();
    expect(await dialog.locator('.theirs').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('edited on disk')]));
    await screenshot(page, '10-conflict');
    await dialog.locator('button', { hasText: 'Load the version on disk' }).click();
    await expect.poll(() => cellText(cellWith(page, 'metric views')), { timeout: 15_000 }).toContain('edited on disk');
  });

  it('refuses paths outside the workspace', async () => {
    for (const path of ['../outside.kohort', '/etc/passwd', 'ecommerce/../../outside.kohort']) {
      const res = await fetch(`${server.url}/api/notebooks/file?path=${encodeURIComponent(path)}`);
      expect([400, 403]).toContain(res.status);
    }
    await page.goto(notebookUrl('../../etc/passwd'));
    const banner = page.locator('kohort-notebook-view .k-banner.k-error');
    await banner.waitFor({ timeout: 15_000 });
    expect(await banner.textContent()).toContain('Cannot open');
    await screenshot(page, '11-traversal-open');
    await page.goto(`${server.url}/#/`);
    const list = page.locator('kohort-notebook-list');
    await list.locator('input[name="name"]').fill('../../escaped');
    await list.locator('button', { hasText: 'Create' }).click();
    await list.locator('.error').waitFor({ timeout: 15_000 });
    expect(existsSync(join(ws.root, 'escaped.kohort'))).toBe(false);
    expect(existsSync(join(ws.workspace, '..', '..', 'escaped.kohort'))).toBe(false);
    await screenshot(page, '12-traversal-create');
  });

  it('creates, renames and deletes notebooks from the list', async () => {
    await page.goto(`${server.url}/#/`);
    const list = page.locator('kohort-notebook-list');
    await list.locator('input[name="name"]').fill('scratch/october');
    await list.locator('button', { hasText: 'Create' }).click();
    await page.waitForURL(/#\/notebook\/scratch%2Foctober\.kohort$/);
    await cellWith(page, 'source events').waitFor();
    expect(existsSync(join(ws.workspace, 'scratch', 'october.kohort'))).toBe(true);
    await page.locator('kohort-notebook-view a', { hasText: 'Notebooks' }).click();
    const row = list.locator('li[data-path="scratch/october.kohort"]');
    await row.locator('button', { hasText: 'Rename' }).click();
    await row.locator('input[name="to"]').fill('scratch/november');
    await row.locator('button[type="submit"]').click();
    await list.locator('li[data-path="scratch/november.kohort"]').waitFor();
    expect(existsSync(join(ws.workspace, 'scratch', 'october.kohort'))).toBe(false);
    const renamed = list.locator('li[data-path="scratch/november.kohort"]');
    await renamed.locator('button', { hasText: 'Delete' }).click();
    await renamed.locator('button', { hasText: 'Delete for good' }).click();
    await renamed.waitFor({ state: 'detached' });
    expect(existsSync(join(ws.workspace, 'scratch', 'november.kohort'))).toBe(false);
  });

  it('loaded nothing from other origins and raised no page errors', () => {
    expect(browser.foreignRequests).toEqual([]);
    expect(browser.errors.filter((e) => !/Failed to load resource: the server responded with a status of (4\d\d)/.test(e))).toEqual([]);
  });
});
