import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { importCsv } from '../connectors/index.js';
import { startServer, type RunningServer } from '../workbench/server/index.js';
import { syntheticNotebook } from './compile.js';
import type { BenchResult } from './result.js';

/**
 * The workbench in real Chromium: request → first paint of a 50-cell notebook, keystroke →
 * diagnostics and keystroke → completion in a 200-cell notebook, and a 1M-row result's transfer,
 * render, scrolling and sorting in the browser. Installs Chromium (scripts/chromium.sh) and builds
 * the UI (Vite) first when they are missing.
 */

function repoRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'workbench'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('bench: cannot find the kohort repository root');
    dir = up;
  }
  return dir;
}

const chromiumPath = process.env['KOHORT_CHROMIUM'] ?? '/usr/bin/chromium';
const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : e.name.endsWith('.test.ts') ? 0 : statSync(p).mtimeMs);
  }
  return t;
}

function prepare(root: string): string {
  if (!existsSync(chromiumPath)) {
    const r = spawnSync('bash', [join(root, 'scripts', 'chromium.sh')], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('bench: Chromium could not be installed');
  }
  const uiDir = join(root, 'dist', 'workbench-ui');
  const index = join(uiDir, 'index.html');
  const sources = existsSync(join(root, 'workbench', 'ui')) ? Math.max(newest(join(root, 'workbench', 'ui')), newest(join(root, 'dsl'))) : 0;
  if (!existsSync(index) || statSync(index).mtimeMs < sources) {
    const r = spawnSync('npx', ['vite', 'build', '--config', 'workbench/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('bench: the workbench UI build failed');
  }
  return uiDir;
}

/** `cells` DSL cells with a markdown cell every fifth, as analysts write them. */
function notebookWithProse(cells: number): string {
  const dsl = syntheticNotebook(cells - Math.floor(cells / 5) - 1).split(/\n(?=--- kohort\n)/);
  const out: string[] = [];
  dsl.forEach((cell, i) => {
    out.push(cell.endsWith('\n') ? cell : `${cell}\n`);
    if (i % 4 === 3) out.push(`--- markdown\n## Part ${i / 4 + 1}\nWhat these definitions are for, in **prose**.\n`);
  });
  return out.join('\n');
}

const million = `--- markdown
# A million rows

--- sql million
SELECT range AS id,
       (range * 7919) % 1000003 AS customer,
       TIMESTAMP '2019-10-01' + to_seconds(range % 2592000) AS seen_at,
       'brand_' || (range % 97) AS brand,
       round((range % 10000) * 0.37, 2) AS amount
FROM range(1000000)
`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))] ?? NaN;

async function openNotebook(page: Page, server: RunningServer, path: string): Promise<void> {
  await page.goto('about:blank');
  await page.goto(`${server.url}/#/notebook/${encodeURIComponent(path)}`);
  await page.waitForFunction(() => performance.getEntriesByName('kohort:notebook-painted').length > 0, undefined, { timeout: 30_000 });
}

/** Time from navigation start (the request) to the mark after the cells' first paint. */
async function firstPaint(page: Page, server: RunningServer, path: string): Promise<number> {
  await openNotebook(page, server, path);
  return page.evaluate(() => performance.getEntriesByName('kohort:notebook-painted')[0]!.startTime);
}

/** Waits for Monaco in the cell holding `text` and puts the cursor at the end of its text. */
async function cursorAtEnd(page: Page, text: string): Promise<void> {
  const cell = page.locator('kohort-notebook-cell').filter({ hasText: text }).first();
  await cell.scrollIntoViewIfNeeded();
  const editor = cell.locator('.monaco-editor .view-lines').first();
  await editor.waitFor({ timeout: 30_000 });
  await editor.click();
  await page.keyboard.press('Control+End');
}

/*
 * The functions passed to page.evaluate run in the page, where the DOM exists. This file is
 * type-checked as Node code (no DOM library), so they reach the page's globals through
 * `globalThis as any`; they are serialised, so they cannot call helpers of this module.
 */

async function installProbes(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = globalThis as any;
    w.__bench = { keys: [], suggest: [] };
    w.document.addEventListener('keydown', () => w.__bench.keys.push(performance.now()), true);
    // The moment the suggestion list is in the DOM, displayed, with rows: it paints in that frame.
    // (Monaco adds the widget's `visible` class 100 ms later, for an animation; it is not used.)
    let shown = false;
    new w.MutationObserver(() => {
      const widget = w.document.querySelector('.suggest-widget');
      const now = !!widget && widget.getClientRects().length > 0 && w.getComputedStyle(widget).visibility !== 'hidden' && !!widget.querySelector('.monaco-list-row');
      if (now && !shown) w.__bench.suggest.push(performance.now());
      shown = now;
    }).observe(w.document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['class', 'style', 'aria-hidden'] });
  });
}

/** Keystroke → markers applied for that text: `kohort:diagnostics` marks after each key. */
async function diagnosticsLatency(page: Page, samples: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    await page.keyboard.press(i % 2 === 0 ? '1' : 'Backspace');
    const latency = await page.waitForFunction(
      () => {
        const key: number = (globalThis as any).__bench.keys.at(-1);
        const mark = performance.getEntriesByName('kohort:diagnostics').find((m) => m.startTime > key);
        return mark ? mark.startTime - key : false;
      },
      undefined,
      { timeout: 10_000, polling: 5 },
    );
    out.push((await latency.jsonValue()) as number);
    await page.waitForTimeout(120);
  }
  return out;
}

/** Keystroke → the suggestion list on screen, typing the first letter of a word on a new line. */
async function completionLatency(page: Page, samples: number): Promise<{ visible: number[]; service: number[] }> {
  const visible: number[] = [];
  await page.keyboard.press('Enter');
  await page.evaluate(() => performance.clearMeasures('kohort:complete'));
  for (let i = 0; i < samples; i++) {
    await page.waitForTimeout(150);
    await page.keyboard.type('s');
    const latency = await page.waitForFunction(
      () => {
        const bench = (globalThis as any).__bench as { keys: number[]; suggest: number[] };
        const key = bench.keys.at(-1)!;
        const shown = bench.suggest.find((t) => t > key);
        return shown !== undefined ? shown - key : false;
      },
      undefined,
      { timeout: 10_000, polling: 5 },
    );
    visible.push((await latency.jsonValue()) as number);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Backspace');
    // Let the Escape/Backspace probes finish before the next key.
    await page.waitForTimeout(100);
  }
  const service = await page.evaluate(() => performance.getEntriesByName('kohort:complete').map((m) => m.duration));
  return { visible, service };
}

interface MillionFigures {
  firstRows: number;
  bytes: number;
  serverMillis: number;
  frameP95: number;
  frames: number;
  /** p95 frame time of the first scroll, right after the rows arrived. */
  frameP95Loading: number;
  lastRowShown: boolean;
  sort: number;
}

async function millionRows(page: Page, server: RunningServer): Promise<MillionFigures> {
  await openNotebook(page, server, 'million.kohort');
  await page.locator('kohort-notebook-cell button.k-run').first().waitFor();
  // Click and watch for the first row from inside the page, so both ends use the page's clock.
  const firstRows = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const w = (globalThis as any);
        const t0 = performance.now();
        w.document.querySelector('kohort-notebook-cell button.k-run').click();
        const look = () => {
          const table = w.document.querySelector('kohort-result-view')?.shadowRoot?.querySelector('kohort-result-table');
          if (table?.shadowRoot?.querySelector('.tr .td:not(.pending)')) resolve(performance.now() - t0);
          else w.requestAnimationFrame(look);
        };
        w.requestAnimationFrame(look);
      }),
  );
  const run = await page.evaluate(() => {
    const view = (globalThis as any).document.querySelector('kohort-result-view') as { run?: { bytes?: number; serverMillis?: number; rows?: number } };
    return { bytes: view.run?.bytes ?? NaN, serverMillis: view.run?.serverMillis ?? NaN, rows: view.run?.rows ?? NaN };
  });
  if (run.rows !== 1_000_000) throw new Error(`bench: the million-row cell returned ${run.rows} rows`);
  // Scroll through the table for 2 s, a screenful and more per frame, then jump to the end:
  // first right after the rows arrive, then again once duckdb-wasm holds the result.
  const scrollOnce = () =>
    page.evaluate(
      () =>
        new Promise<{ frames: number[]; last: boolean }>((resolve) => {
          const w = globalThis as any;
          const table = w.document.querySelector('kohort-result-view').shadowRoot.querySelector('kohort-result-table');
          const scroller = table.shadowRoot.querySelector('.scroller');
          scroller.scrollTop = 0;
          const frames: number[] = [];
          let prev = performance.now();
          const start = prev;
          const step = () => {
            const now = performance.now();
            frames.push(now - prev);
            prev = now;
            scroller.scrollTop += 2400;
            if (now - start < 2000) w.requestAnimationFrame(step);
            else {
              scroller.scrollTop = scroller.scrollHeight;
              setTimeout(
                () =>
                  w.requestAnimationFrame(() => {
                    const nums = [...table.shadowRoot.querySelectorAll('.rownum')].map((e: { textContent: string }) => e.textContent);
                    resolve({ frames: frames.slice(1), last: nums.includes('1,000,000') });
                  }),
                300,
              );
            }
          };
          w.requestAnimationFrame(step);
        }),
    );
  const loading = await scrollOnce();
  await page.evaluate(() => (globalThis as any).document.querySelector('kohort-result-view').shadowRoot.querySelector('kohort-result-table').result.ingest());
  const scroll = await scrollOnce();
  // Sort by amount, descending: DuckDB in the page sorts the million rows it holds.
  const sort = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const w = (globalThis as any);
        const root = w.document.querySelector('kohort-result-view').shadowRoot.querySelector('kohort-result-table').shadowRoot;
        const header = [...root.querySelectorAll('.th')].find((h: { textContent: string }) => h.textContent.trim().startsWith('amount'));
        const t0 = performance.now();
        header.click();
        const look = () => {
          if (root.querySelector('.th .arrow') && !root.querySelector('.busy') && root.querySelector('.tr .td:not(.pending)')) resolve(performance.now() - t0);
          else w.requestAnimationFrame(look);
        };
        w.requestAnimationFrame(look);
      }),
  );
  return {
    firstRows,
    bytes: run.bytes,
    serverMillis: run.serverMillis,
    frameP95: p95(scroll.frames),
    frames: scroll.frames.length,
    frameP95Loading: p95(loading.frames),
    lastRowShown: scroll.last && loading.last,
    sort,
  };
}

export async function benchWorkbenchUi(): Promise<BenchResult[]> {
  const root = repoRoot();
  const uiDir = prepare(root);
  const tmp = mkdtempSync(join(tmpdir(), 'kohort-bench-ui-'));
  const workspace = join(tmp, 'workspace');
  const lake = join(tmp, 'lake');
  mkdirSync(workspace);
  const profile = join(tmp, 'chromium-profile');
  let server: RunningServer | undefined;
  let context: Awaited<ReturnType<typeof chromium.launchPersistentContext>> | undefined;
  try {
    // A small lake of real REES46 events, so the notebooks' columns are checked while typing.
    const sample = join(root, 'tests', 'fixtures', 'rees46-2019-oct-sample.csv');
    if (existsSync(sample)) await importCsv({ files: [sample], lake });
    else mkdirSync(lake);
    writeFileSync(join(workspace, 'fifty.kohort'), notebookWithProse(50));
    writeFileSync(join(workspace, 'two-hundred.kohort'), syntheticNotebook(200));
    writeFileSync(join(workspace, 'million.kohort'), million);
    server = await startServer({ workspace, lake, port: 0, uiDir, log: () => undefined });
    context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, args: chromiumArgs, headless: true, viewport: { width: 1400, height: 1000 } });
    const page = context.pages()[0] ?? (await context.newPage());

    // 1. Request → first paint of a 50-cell notebook: cold (empty cache), then warm reloads.
    const cold = await firstPaint(page, server, 'fifty.kohort');
    const cells = await page.locator('kohort-notebook-cell').count();
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) warm.push(await firstPaint(page, server, 'fifty.kohort'));

    // 2. Keystroke → diagnostics and → completion in a 200-cell notebook.
    await openNotebook(page, server, 'two-hundred.kohort');
    await page.waitForFunction(() => performance.getEntriesByName('kohort:diagnostics').length > 0, undefined, { timeout: 30_000 });
    await cursorAtEnd(page, 'metric m0 =');
    await installProbes(page);
    await page.waitForTimeout(300);
    const diagnostics = await diagnosticsLatency(page, 30);
    const completion = await completionLatency(page, 20);
    const analysisMillis = await page.evaluate(() =>
      performance.getEntriesByName('kohort:diagnostics').map((m) => ((m as unknown as { detail: { millis: number } }).detail.millis)),
    );

    // 3. A million rows: transfer, first rows, scrolling, sorting.
    const m = await millionRows(page, server);

    const d50 = median(diagnostics);
    const c50 = median(completion.visible);
    return [
      { name: 'workbench: request → first paint, 50-cell notebook (cold cache)', value: cold, unit: 'ms', target: '< 1 s', ok: cold < 1000, note: `${cells} cells painted` },
      { name: 'workbench: request → first paint, 50-cell notebook (warm, median of 5)', value: median(warm), unit: 'ms', target: '< 1 s', ok: median(warm) < 1000 },
      { name: 'workbench: keystroke → diagnostics, 200-cell notebook (median)', value: d50, unit: 'ms', target: '< 50 ms', ok: d50 < 50, note: `p95 ${p95(diagnostics).toFixed(1)} ms; language worker parse + check median ${median(analysisMillis).toFixed(1)} ms` },
      { name: 'workbench: keystroke → completion list shown, 200-cell notebook (median)', value: c50, unit: 'ms', target: '< 50 ms', ok: c50 < 50, note: `p95 ${p95(completion.visible).toFixed(1)} ms; language service round trip median ${median(completion.service).toFixed(1)} ms` },
      { name: 'workbench: 1M-row result, run click → first rows on screen', value: m.firstRows, unit: 'ms', note: `${(m.bytes / 1e6).toFixed(1)} MB Arrow IPC; server query ${m.serverMillis} ms, so transfer + decode + render ${(m.firstRows - m.serverMillis).toFixed(0)} ms` },
      { name: 'workbench: 1M-row table scrolling, p95 frame time', value: m.frameP95, unit: 'ms', target: '< 33 ms (smooth)', ok: m.frameP95 < 33 && m.lastRowShown, note: `${m.frames} frames in 2 s; last row reached: ${m.lastRowShown}; first scroll right after the rows arrived: p95 ${m.frameP95Loading.toFixed(1)} ms` },
      { name: 'workbench: sort 1M rows in the browser (duckdb-wasm)', value: m.sort, unit: 'ms', note: 'click on a header → sorted rows on screen, no server round trip' },
    ];
  } finally {
    await context?.close().catch(() => undefined);
    await server?.close().catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  }
}
