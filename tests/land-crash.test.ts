import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { liveEvents } from '../connectors/replay/live.js';
import { rowMessage, sendAll, type ReplayMessage } from '../connectors/replay/replay.js';
import { createEventsTable, lakeSql, multisetDiff, openDuck, uniqueTopic, waitFor } from './services/helpers.js';
import { heavyTestTurn, noteSkip, repo, useServices, type Services } from './services/services.js';

const services = await useServices();
const skip = noteSkip('tests/land-crash.test.ts', services);
const landBin = join(repo, 'dist', 'connectors', 'land', 'command.js');

/** 1M generated events over 10 days, 4 partitions: every flush spans one or two day files. */
const generated = { seed: 42, count: 1_000_000, start: '2019-10-01T00:00:00Z', stepMs: 864, customers: 20_000 };

interface Child {
  process: ChildProcess;
  statuses: Record<string, unknown>[];
  exited: Promise<number | null>;
}

function startLanderProcess(args: string[], env: Record<string, string> = {}): Child {
  if (!existsSync(landBin)) throw new Error(`${landBin} is missing: run \`npm run build\` first (npm test does)`);
  const child = spawn(process.execPath, [landBin, ...args, '--status', 'json'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  const statuses: Record<string, unknown>[] = [];
  let pending = '';
  child.stderr!.on('data', (d: Buffer) => {
    pending += d.toString();
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const l of lines) {
      try {
        statuses.push(JSON.parse(l) as Record<string, unknown>);
      } catch {
        statuses.push({ line: l });
      }
    }
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { process: child, statuses, exited };
}

describe.skipIf(skip)('kill -9 the lander mid-batch, again and again: no event lost, none doubled', () => {
  let root: string;
  const children: Child[] = [];
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'kohort-crash-'));
  });
  afterAll(() => {
    for (const c of children) c.process.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  test('1M generated events through Kafka, 4 kills, then the lake equals what was produced, field for field', () => heavyTestTurn(async () => {
    const brokers = (services as Services).kafka;
    const topic = uniqueTopic('crash');
    const lake = join(root, 'lake');
    async function* messages(): AsyncGenerator<ReplayMessage> {
      for (const row of liveEvents(generated)) yield rowMessage(row, 'json');
    }
    const t0 = performance.now();
    const log = (what: string) => process.stderr.write(`land-crash: ${what} at ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    const sent = await sendAll({ brokers, topic, partitions: 4, messages: messages() });
    expect(sent.sent).toBe(generated.count);
    log(`produced ${sent.sent} (${Math.round(sent.perSecond)}/s)`);

    const args = ['--topic', topic, '--brokers', brokers, '--lake', lake, '--flush-rows', '20000', '--flush-seconds', '1', '--session-timeout', '6'];
    const { c, close } = await openDuck();
    const landedRows = async () => {
      if (!existsSync(join(lake, 'events'))) return 0;
      return Number((await c.runAndReadAll(`SELECT count(*) FROM (${lakeSql(lake)})`)).getRows()[0]![0]);
    };
    try {
      let before = 0;
      // Two kills at the worst moments, made certain by the lander's test hook (a real SIGKILL of
      // itself): between two files of one unit, and after a unit is visible but not committed.
      // Then two at random moments.
      const kills: (Record<string, string> | undefined)[] = [{ KOHORT_LAND_KILL_AT: 'mid-unit:3' }, { KOHORT_LAND_KILL_AT: 'before-commit:2' }, undefined, undefined];
      for (const [i, env] of kills.entries()) {
        const child = startLanderProcess(args, env);
        children.push(child);
        if (env) {
          const code = await Promise.race([child.exited, new Promise((r) => setTimeout(() => r('alive'), 60_000))]);
          expect(code, `the lander with ${JSON.stringify(env)} should have killed itself`).toBeNull();
        } else {
          // Let it land some more, then kill it wherever it is (writing, renaming, committing).
          await waitFor('the lander to make progress', async () => ((await landedRows()) > before + 30_000 ? true : undefined), 60_000, 100);
          await new Promise((r) => setTimeout(r, 150 + Math.random() * 600));
          child.process.kill('SIGKILL');
          await child.exited;
        }
        before = await landedRows();
        log(`kill -9 #${i + 1}${env ? ` (${Object.values(env)[0]})` : ''} with ${before} rows landed`);
      }
      const last = startLanderProcess(args);
      children.push(last);
      await waitFor('every event to land', async () => ((await landedRows()) >= generated.count ? true : undefined), 120_000, 250);
      // Anything doubled would show up now, after the last flushes.
      await new Promise((r) => setTimeout(r, 2500));
      log('all landed');
      last.process.kill('SIGTERM');
      expect(await last.exited).toBe(0);

      await createEventsTable(c, 'expected', liveEvents(generated));
      const diff = await multisetDiff(c, 'SELECT * FROM expected', lakeSql(lake));
      expect(diff).toEqual({ missing: 0, extra: 0, total: generated.count, sample: [] });
      // No temp files left visible to readers, and every file is named by its offset range.
      const names = (await c.runAndReadAll(`SELECT DISTINCT parse_filename(filename) FROM read_parquet('${lake}/events/**/*.parquet', filename = true)`)).getRows();
      for (const [n] of names) expect(String(n)).toMatch(new RegExp(`^${topic}\\+[0-3]\\+\\d+\\+\\d+\\.parquet$`));
      const repaired = children.map((ch) => Number([...ch.statuses].reverse().find((s) => 'repaired' in s)?.['repaired'] ?? 0));
      process.stderr.write(`land-crash: units found uncommitted and completed, per run: ${repaired.join(', ')}\n`);
      // The runs after the two certain kills found the half-landed unit and completed it.
      expect(repaired[1]).toBeGreaterThan(0);
      expect(repaired[2]).toBeGreaterThan(0);
      log('compared');
    } finally {
      close();
    }
  }), 420_000);
});
