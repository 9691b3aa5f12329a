import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateEvents } from '../connectors/index.js';
import { NotebookRunner } from '../engine/runs/runner.js';
import { RunStore } from '../engine/runs/records.js';
import { NotebookSession } from '../engine/session.js';
import { startServer } from '../workbench/server/index.js';
import type { BenchResult } from './result.js';

const notebook = `--- kohort
source events = lake "events" key user_id time event_time
metric views = count() where event_type = "view"
metric purchases = count() where event_type = "purchase"
metric revenue = sum(price) where event_type = "purchase"
query by_day = from events group by day = date(event_time) select views = count() where event_type = "view", revenue = sum(price) order by day
query top = from events where event_type = "purchase" group by brand select revenue = sum(price) order by revenue desc limit 10
schedule often = every 1 second refresh by_day, top retries 0
`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * What scheduling and recording cost: the delay from a slot to its run's start under `kohort
 * serve` (an `every 1 second` schedule, 10 slots), and a recorded run (lock, as-of pinned by a
 * second open, files listed, the record rewritten after each cell) against running the same
 * cells in a plain session, over `events` generated events.
 */
export async function benchSchedules(opts: { root: string; events?: number; rounds?: number }): Promise<BenchResult[]> {
  const events = opts.events ?? 1_000_000;
  const rounds = opts.rounds ?? 5;
  rmSync(opts.root, { recursive: true, force: true });
  const workspace = join(opts.root, 'workspace');
  const lake = join(opts.root, 'lake');
  mkdirSync(workspace, { recursive: true });
  await generateEvents({ events, seed: 5, lake, days: 31 });
  const file = join(workspace, 'bench.kohort');
  try {
    // Recording overhead: alternate a plain session and a recorded run; the medians count.
    writeFileSync(file, notebook);
    const plain: number[] = [];
    const recorded: number[] = [];
    const runner = new NotebookRunner({ lake });
    for (let i = 0; i < rounds; i++) {
      let t = performance.now();
      const session = await NotebookSession.open({ file, lake });
      try {
        await session.runMany(['by_day', 'top'], { limit: 0 });
      } finally {
        session.close();
      }
      plain.push((performance.now() - t) / 1000);
      t = performance.now();
      const record = await runner.run({ file, schedule: 'often', trigger: 'manual' });
      if (record.status !== 'succeeded') throw new Error(`the recorded run failed: ${record.error?.message}`);
      recorded.push((performance.now() - t) / 1000);
    }

    // Slot to start, for real, under serve.
    rmSync(join(workspace, '.kohort'), { recursive: true, force: true });
    const server = await startServer({ workspace, lake, port: 0, poolSize: 1, uiDir: join(opts.root, 'no-ui'), log: () => undefined, pipelines: false });
    const store = new RunStore(file);
    let delays: number[] = [];
    try {
      const deadline = Date.now() + 120_000;
      for (;;) {
        const done = (await store.list()).filter((r) => r.trigger === 'schedule' && r.scheduledFor && r.status === 'succeeded');
        delays = done.map((r) => Date.parse(r.startedAt) - Date.parse(r.scheduledFor!));
        if (done.length >= 10 || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 250));
      }
    } finally {
      await server.close();
    }
    if (delays.length < 10) throw new Error(`only ${delays.length} scheduled runs within 2 minutes`);
    const p = median(plain);
    const r = median(recorded);
    return [
      { name: 'schedules: slot → run start (every 1 s, median)', value: median(delays), unit: 'ms', note: `max ${Math.max(...delays)} ms over ${delays.length} runs` },
      { name: `schedules: 2 query cells, ${(events / 1e6).toFixed(1)}M events, plain session`, value: p, unit: 's', note: `median of ${rounds}` },
      { name: 'schedules: the same as a recorded run', value: r, unit: 's', note: `+${((r - p) * 1000).toFixed(0)} ms: lock, as-of pinned, files listed, record per cell` },
    ];
  } finally {
    rmSync(opts.root, { recursive: true, force: true });
  }
}
