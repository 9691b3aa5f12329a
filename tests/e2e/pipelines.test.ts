import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTopic, kafkaClient, keyPartitioner } from '../../connectors/kafka/client.js';
import { liveEvents } from '../../connectors/replay/live.js';
import { rowMessage } from '../../connectors/replay/replay.js';
import { startServer, type RunningServer } from '../../workbench/server/index.js';
import { uniqueTopic } from '../services/helpers.js';
import { noteSkip, useServices, type Services } from '../services/services.js';
import { openBrowser, screenshot, type Browser } from './support/browser.js';
import { ensureUiBuilt, uiDir } from './support/build.js';

/**
 * The pipelines panel in real Chromium, against a server that runs a notebook's pipeline cell on
 * the real Kafka broker: the numbers climb while events are produced, the lag comes back to 0,
 * and a broken pipeline says what is wrong. Screenshots go to test-results/e2e/.
 */
const services = await useServices();
const skip = noteSkip('tests/e2e/pipelines.test.ts', services);

let root: string;
let workspace: string;
let server: RunningServer;
let browser: Browser;
let page: Page;
let topic: string;

async function produce(count: number, seed: number): Promise<void> {
  const producer = kafkaClient({ brokers: (services as Services).kafka }).producer({ createPartitioner: keyPartitioner });
  await producer.connect();
  try {
    const messages = [...liveEvents({ seed, count, start: '2019-10-10T00:00:00Z', stepMs: 1000, customers: 40 })].map((r) => rowMessage(r, 'json'));
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}

const summary = () => page.locator('kohort-pipeline-panel [data-pipeline="live.kohort#live"] [data-testid="pipeline-summary"]');

describe.skipIf(skip)('the pipelines panel in Chromium (real Kafka)', () => {
  beforeAll(async () => {
    ensureUiBuilt();
    root = mkdtempSync(join(tmpdir(), 'kohort-e2e-pipelines-'));
    workspace = join(root, 'workspace');
    mkdirSync(workspace);
    topic = uniqueTopic('e2e');
    const admin = kafkaClient({ brokers: (services as Services).kafka }).admin();
    await admin.connect();
    await ensureTopic(admin, topic, 2);
    await admin.disconnect();
    writeFileSync(
      join(workspace, 'live.kohort'),
      `--- markdown
# Live

--- kohort
source events = lake "events" key user_id time event_time
pipeline live = kafka "${topic}" brokers "${(services as Services).kafka}" format json into events flush 300 ms
query by_type = from events group by event_type select n = count() order by event_type
`,
    );
    server = await startServer({ workspace, lake: join(root, 'lake'), port: 0, uiDir, poolSize: 1, log: () => undefined });
    browser = await openBrowser(server.url);
    page = browser.page;
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('shows the notebook’s pipeline running, and its numbers climb while events are produced', async () => {
    await page.goto(`${server.url}/#/notebook/${encodeURIComponent('live.kohort')}`);
    const badge = page.locator('kohort-pipeline-panel [data-pipeline="live.kohort#live"] [data-testid="pipeline-state"]');
    await expect.poll(() => badge.textContent(), { timeout: 60_000 }).toBe('running');
    await expect.poll(() => summary().textContent(), { timeout: 30_000 }).toMatch(/^0 rows · 0 files · 0 dead letters · lag 0 · last file never$/);

    await produce(120, 1);
    await expect.poll(() => summary().textContent(), { timeout: 30_000 }).toMatch(/^120 rows · \d+ files · 0 dead letters · lag 0 · /);
    await screenshot(page, '20-pipeline-landing');

    await produce(1380, 2);
    await expect.poll(() => summary().textContent(), { timeout: 30_000 }).toMatch(/^1,500 rows · \d+ files · 0 dead letters · lag 0 · last file (just now|\d+ s ago)$/);
    // The partition table: both partitions, their rows adding up, offsets with separators.
    const table = page.locator('kohort-pipeline-panel [data-testid="pipeline-partitions"]');
    const rows = await table.locator('tbody tr').allTextContents();
    expect(rows).toHaveLength(2);
    const counts = await table.locator('tbody tr td:nth-child(6)').allTextContents();
    expect(counts.reduce((n, t) => n + Number(t.replace(/,/g, '')), 0)).toBe(1500);
    const watermarks = await table.locator('tbody tr td:nth-child(3)').allTextContents();
    expect(watermarks.reduce((n, t) => n + Number(t.replace(/,/g, '')), 0)).toBe(1500);
    await screenshot(page, '21-pipeline-landed');
    expect(browser.errors).toEqual([]);
  });

  it('a bad message counts as a dead letter, and a broken pipeline says what is wrong on the list page', async () => {
    const producer = kafkaClient({ brokers: (services as Services).kafka }).producer({ createPartitioner: keyPartitioner });
    await producer.connect();
    await producer.send({ topic, messages: [{ key: '1', value: '{not json' }] });
    await producer.disconnect();
    await expect.poll(() => summary().textContent(), { timeout: 30_000 }).toMatch(/ · 1 dead letter · lag 0 · /);
    expect(await page.locator('kohort-pipeline-panel [data-pipeline="live.kohort#live"] .dead').textContent()).toContain('not-json 1');

    writeFileSync(join(workspace, 'broken.kohort'), `source events = lake "events" key user_id time event_time\npipeline oops = kafka "t" brokers "127.0.0.1:9092" into evnts\n`);
    await page.goto(`${server.url}/#/`);
    const broken = page.locator('kohort-pipeline-panel [data-pipeline="broken.kohort#oops"]');
    await expect.poll(() => broken.locator('[data-testid="pipeline-state"]').textContent(), { timeout: 30_000 }).toBe('failed');
    expect(await broken.locator('[data-testid="pipeline-reason"]').textContent()).toMatch(/broken\.kohort:2:1: error invalid-pipeline: unknown source `evnts`/);
    // The list shows every notebook's pipelines; the live one is still running.
    expect(await page.locator('kohort-pipeline-panel [data-pipeline="live.kohort#live"] [data-testid="pipeline-state"]').textContent()).toBe('running');
    await screenshot(page, '22-pipelines-list');
  });
});
