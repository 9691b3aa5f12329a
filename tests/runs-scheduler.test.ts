import { describe, expect, test } from 'vitest';
import type { ScheduleSpec } from '../dsl/compiled.js';
import { Scheduler, type ScheduleJob, type ScheduledTrigger } from '../engine/runs/scheduler.js';
import { lastFireTime, nextFireTime, triggerProblem } from '../engine/runs/triggers.js';
import { ManualClock } from './support/manual-clock.js';

/**
 * The scheduler on an injected clock: cron in time zones through DST, intervals, missed runs under
 * both policies, data triggers with their debounce, and no pile-up of overlapping runs. Expected
 * instants are worked out by hand from the zones' offsets (Berlin: CET = UTC+1, CEST = UTC+2,
 * switching 2026-03-29 02:00 → 03:00 and 2026-10-25 03:00 → 02:00; New York: EST = UTC-5, EDT = UTC-4).
 */

function spec(trigger: ScheduleSpec['trigger'], more: Partial<ScheduleSpec> = {}): ScheduleSpec {
  return { trigger, refresh: [], missed: 'run-once', retries: 0, backoffSeconds: 30, ...more };
}

function job(s: ScheduleSpec, name = 'nightly'): ScheduleJob {
  return { key: `nb.kohort#${name}`, file: 'nb.kohort', schedule: name, spec: s };
}

interface Fired {
  trigger: ScheduledTrigger;
  /** The slot, ISO. */
  slot?: string;
  /** The clock when the run started, ISO. */
  at: string;
}

/** A scheduler whose runs are recorded and end at once (or when `hold` lets them). */
function harness(start: string, options: { last?: { at: string; dataFingerprint?: string }; fingerprint?: () => string; hold?: boolean } = {}) {
  const clock = new ManualClock(Date.parse(start));
  const fired: Fired[] = [];
  const releases: (() => void)[] = [];
  const logs: string[] = [];
  const scheduler = new Scheduler({
    clock,
    fire: async (_job, trigger, scheduledFor) => {
      fired.push({ trigger, at: clock.now().toISOString(), ...(scheduledFor ? { slot: scheduledFor.toISOString() } : {}) });
      if (options.hold) await new Promise<void>((done) => releases.push(done));
    },
    lastRun: async () => (options.last ? { at: new Date(options.last.at), ...(options.last.dataFingerprint ? { dataFingerprint: options.last.dataFingerprint } : {}) } : undefined),
    dataFingerprint: async () => options.fingerprint?.() ?? 'same',
    pollSeconds: 1,
    debounceSeconds: 3,
    maxWaitSeconds: 20,
    log: (l) => logs.push(l),
  });
  return { clock, fired, releases, logs, scheduler };
}

describe('next fire times', () => {
  test('cron in Europe/Berlin: 03:00 local is 02:00Z in winter and 01:00Z in summer', () => {
    const t = { kind: 'cron', expression: '0 3 * * *', timezone: 'Europe/Berlin' } as const;
    expect(nextFireTime(t, new Date('2026-03-27T12:00:00Z'))?.toISOString()).toBe('2026-03-28T02:00:00.000Z');
    expect(nextFireTime(t, new Date('2026-03-28T02:00:00Z'))?.toISOString()).toBe('2026-03-29T01:00:00.000Z');
    expect(nextFireTime(t, new Date('2026-10-25T00:00:00Z'))?.toISOString()).toBe('2026-10-25T02:00:00.000Z');
  });

  test('a fixed time in the spring gap runs once right after it; one that occurs twice in autumn runs once', () => {
    const t = { kind: 'cron', expression: '30 2 * * *', timezone: 'Europe/Berlin' } as const;
    // 2026-03-29 02:30 does not exist in Berlin: 03:00 CEST = 01:00Z.
    expect(nextFireTime(t, new Date('2026-03-28T12:00:00Z'))?.toISOString()).toBe('2026-03-29T01:00:00.000Z');
    // 2026-10-25 02:30 happens at 00:30Z (CEST) and 01:30Z (CET): the first only, then the next day's.
    const first = nextFireTime(t, new Date('2026-10-24T12:00:00Z'))!;
    expect(first.toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(nextFireTime(t, first)?.toISOString()).toBe('2026-10-26T01:30:00.000Z');
  });

  test('cron in America/New_York follows EDT and EST', () => {
    const t = { kind: 'cron', expression: '0 9 * * 1', timezone: 'America/New_York' } as const;
    // Mondays 09:00: 2026-03-02 is EST (14:00Z), 2026-03-09 EDT (13:00Z; DST began 03-08).
    expect(nextFireTime(t, new Date('2026-03-01T00:00:00Z'))?.toISOString()).toBe('2026-03-02T14:00:00.000Z');
    expect(nextFireTime(t, new Date('2026-03-02T14:00:00Z'))?.toISOString()).toBe('2026-03-09T13:00:00.000Z');
  });

  test('intervals are counted from the epoch', () => {
    const t = { kind: 'every', seconds: 5400 } as const;
    expect(nextFireTime(t, new Date('2026-01-01T00:10:00Z'))?.toISOString()).toBe('2026-01-01T01:30:00.000Z');
    expect(nextFireTime(t, new Date('2026-01-01T01:30:00Z'))?.toISOString()).toBe('2026-01-01T03:00:00.000Z');
    expect(lastFireTime(t, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T04:00:00Z'))?.toISOString()).toBe('2026-01-01T03:00:00.000Z');
    expect(lastFireTime(t, new Date('2026-01-01T03:00:00Z'), new Date('2026-01-01T04:00:00Z'))).toBeNull();
  });

  test('bad triggers are explained', () => {
    expect(triggerProblem({ kind: 'cron', expression: '0 3 * * *', timezone: 'Mars/Olympus' })).toMatch(/unknown time zone "Mars\/Olympus"/);
    expect(triggerProblem({ kind: 'cron', expression: '61 3 * * *', timezone: 'UTC' })).toMatch(/cron "61 3 \* \* \*": .*minute/);
    expect(triggerProblem({ kind: 'every', seconds: 0 })).toMatch(/at least 1 second/);
    expect(triggerProblem({ kind: 'cron', expression: '0 3 * * *', timezone: 'UTC' })).toBeUndefined();
  });
});

describe('the scheduler on an injected clock', () => {
  test('cron runs at its slots across the spring DST change', async () => {
    const h = harness('2026-03-27T00:00:00Z');
    await h.scheduler.start([job(spec({ kind: 'cron', expression: '0 3 * * *', timezone: 'Europe/Berlin' }))]);
    expect(h.scheduler.status('nb.kohort#nightly')?.nextRun?.toISOString()).toBe('2026-03-27T02:00:00.000Z');
    await h.clock.advanceTo('2026-03-30T00:00:00Z');
    expect(h.fired).toEqual([
      { trigger: 'schedule', slot: '2026-03-27T02:00:00.000Z', at: '2026-03-27T02:00:00.000Z' },
      { trigger: 'schedule', slot: '2026-03-28T02:00:00.000Z', at: '2026-03-28T02:00:00.000Z' },
      { trigger: 'schedule', slot: '2026-03-29T01:00:00.000Z', at: '2026-03-29T01:00:00.000Z' },
    ]);
    await h.scheduler.stop();
  });

  test('a wildcard-hour cron follows the wall clock through the autumn change: 02:30 runs twice', async () => {
    const h = harness('2026-10-24T22:00:00Z');
    await h.scheduler.start([job(spec({ kind: 'cron', expression: '30 * * * *', timezone: 'Europe/Berlin' }))]);
    await h.clock.advanceTo('2026-10-25T02:00:00Z');
    // 00:30 CEST (22:30Z), 01:30 CEST, 02:30 CEST, 02:30 CET, 03:30 CET.
    expect(h.fired.map((f) => f.slot)).toEqual([
      '2026-10-24T22:30:00.000Z',
      '2026-10-24T23:30:00.000Z',
      '2026-10-25T00:30:00.000Z',
      '2026-10-25T01:30:00.000Z',
    ]);
    await h.scheduler.stop();
  });

  test('an interval runs every slot, and a slow wake-up runs once, not once per slot passed', async () => {
    const h = harness('2026-01-01T00:00:10Z');
    await h.scheduler.start([job(spec({ kind: 'every', seconds: 60 }))]);
    await h.clock.advance(3 * 60_000);
    expect(h.fired.map((f) => f.slot)).toEqual(['2026-01-01T00:01:00.000Z', '2026-01-01T00:02:00.000Z', '2026-01-01T00:03:00.000Z']);
    await h.scheduler.stop();
  });

  test('missed runs with run-once: one run at start for the latest missed slot, then the schedule goes on', async () => {
    const h = harness('2026-01-05T12:00:00Z', { last: { at: '2026-01-02T03:00:00Z' } });
    await h.scheduler.start([job(spec({ kind: 'cron', expression: '0 3 * * *', timezone: 'UTC' }))]);
    expect(h.fired).toEqual([{ trigger: 'missed', slot: '2026-01-05T03:00:00.000Z', at: '2026-01-05T12:00:00.000Z' }]);
    expect(h.scheduler.status('nb.kohort#nightly')?.nextRun?.toISOString()).toBe('2026-01-06T03:00:00.000Z');
    await h.clock.advanceTo('2026-01-06T04:00:00Z');
    expect(h.fired.map((f) => f.trigger)).toEqual(['missed', 'schedule']);
    await h.scheduler.stop();
  });

  test('missed runs with skip: nothing at start, the next slot as usual', async () => {
    const h = harness('2026-01-05T12:00:00Z', { last: { at: '2026-01-02T03:00:00Z' } });
    await h.scheduler.start([job(spec({ kind: 'cron', expression: '0 3 * * *', timezone: 'UTC' }, { missed: 'skip' }))]);
    expect(h.fired).toEqual([]);
    expect(h.logs.join('\n')).toMatch(/missed its run at 2026-01-05T03:00:00.000Z \(missed skip\)/);
    await h.clock.advanceTo('2026-01-06T04:00:00Z');
    expect(h.fired).toEqual([{ trigger: 'schedule', slot: '2026-01-06T03:00:00.000Z', at: '2026-01-06T03:00:00.000Z' }]);
    await h.scheduler.stop();
  });

  test('nothing is missed when the last run was after the last slot, or there was no run yet', async () => {
    const ran = harness('2026-01-05T12:00:00Z', { last: { at: '2026-01-05T03:00:00Z' } });
    await ran.scheduler.start([job(spec({ kind: 'cron', expression: '0 3 * * *', timezone: 'UTC' }))]);
    const fresh = harness('2026-01-05T12:00:00Z');
    await fresh.scheduler.start([job(spec({ kind: 'cron', expression: '0 3 * * *', timezone: 'UTC' }))]);
    expect([ran.fired, fresh.fired]).toEqual([[], []]);
    await ran.scheduler.stop();
    await fresh.scheduler.stop();
  });

  test('runs never pile up: one runs, one waits, slots meanwhile are dropped; then it goes on', async () => {
    const h = harness('2026-01-01T00:00:00.500Z', { hold: true });
    await h.scheduler.start([job(spec({ kind: 'every', seconds: 1 }))]);
    await h.clock.advance(10_000);
    // The runs of slots 1 s and 2 s were handed over (the runner's queue holds the second).
    expect(h.fired.map((f) => f.slot)).toEqual(['2026-01-01T00:00:01.000Z', '2026-01-01T00:00:02.000Z']);
    expect(h.scheduler.status('nb.kohort#nightly')?.inFlight).toBe(2);
    expect(h.logs.filter((l) => /a run is in progress and another waits; this slot is not run/.test(l))).toHaveLength(8);
    h.releases.shift()!();
    await h.clock.advance(1000);
    expect(h.fired.map((f) => f.slot).at(-1)).toBe('2026-01-01T00:00:11.000Z');
    const stopping = h.scheduler.stop();
    for (const release of h.releases) release();
    await stopping;
  });

  test('new data starts a run once its files stopped changing for the debounce', async () => {
    let files = 'v1';
    const h = harness('2026-01-01T00:00:00Z', { fingerprint: () => files });
    await h.scheduler.start([job(spec({ kind: 'data', sources: ['events'] }), 'fresh')]);
    expect(h.scheduler.status('nb.kohort#fresh')?.nextRun).toBeNull();
    await h.clock.advance(5000);
    expect(h.fired).toEqual([]);
    files = 'v2';
    await h.clock.advance(2000);
    files = 'v3'; // still landing: the debounce starts over
    await h.clock.advance(2000);
    expect(h.fired).toEqual([]);
    await h.clock.advance(2000);
    // v3 was first seen by the poll at 8 s: settled 3 s later.
    expect(h.fired).toEqual([{ trigger: 'data', at: '2026-01-01T00:00:11.000Z' }]);
    await h.clock.advance(10_000);
    expect(h.fired).toHaveLength(1);
    await h.scheduler.stop();
  });

  test('a steady stream of files still starts a run after the longest wait', async () => {
    let n = 0;
    const h = harness('2026-01-01T00:00:00Z', { fingerprint: () => `v${n}` });
    await h.scheduler.start([job(spec({ kind: 'data', sources: ['events'] }), 'fresh')]);
    for (let i = 0; i < 25; i++) {
      n++;
      await h.clock.advance(1000);
    }
    expect(h.fired.map((f) => f.trigger)).toEqual(['data']);
    await h.scheduler.stop();
  });

  test('data that arrived while no server ran: run-once runs at start, skip does not', async () => {
    const once = harness('2026-01-01T00:00:00Z', { last: { at: '2025-12-31T00:00:00Z', dataFingerprint: 'old' }, fingerprint: () => 'new' });
    await once.scheduler.start([job(spec({ kind: 'data', sources: ['events'] }), 'fresh')]);
    const skip = harness('2026-01-01T00:00:00Z', { last: { at: '2025-12-31T00:00:00Z', dataFingerprint: 'old' }, fingerprint: () => 'new' });
    await skip.scheduler.start([job(spec({ kind: 'data', sources: ['events'] }, { missed: 'skip' }), 'fresh')]);
    await once.clock.advance(10_000);
    await skip.clock.advance(10_000);
    expect(once.fired.map((f) => f.trigger)).toEqual(['missed']);
    expect(skip.fired).toEqual([]);
    await once.scheduler.stop();
    await skip.scheduler.stop();
  });

  test('a saved notebook: a changed schedule is rescheduled from now, a removed one stops, an unchanged one keeps its slot', async () => {
    const h = harness('2026-01-01T00:00:00Z');
    const hourly = job(spec({ kind: 'every', seconds: 3600 }), 'hourly');
    const daily = job(spec({ kind: 'cron', expression: '0 3 * * *', timezone: 'UTC' }), 'daily');
    await h.scheduler.start([hourly, daily]);
    await h.scheduler.update([hourly, { ...daily, spec: spec({ kind: 'cron', expression: '0 5 * * *', timezone: 'UTC' }) }]);
    expect(h.scheduler.status(daily.key)?.nextRun?.toISOString()).toBe('2026-01-01T05:00:00.000Z');
    expect(h.scheduler.status(hourly.key)?.nextRun?.toISOString()).toBe('2026-01-01T01:00:00.000Z');
    await h.scheduler.update([hourly]);
    expect(h.scheduler.status(daily.key)).toBeUndefined();
    await h.clock.advanceTo('2026-01-01T06:00:00Z');
    expect(h.fired.map((f) => f.slot)).toEqual([1, 2, 3, 4, 5, 6].map((hour) => `2026-01-01T0${hour}:00:00.000Z`));
    await h.scheduler.stop();
  });

  test('a schedule that cannot run says why and sets no timer', async () => {
    const h = harness('2026-01-01T00:00:00Z');
    await h.scheduler.start([job(spec({ kind: 'cron', expression: '0 3 * * *', timezone: 'Nowhere/Land' }))]);
    expect(h.scheduler.status('nb.kohort#nightly')).toEqual({ nextRun: null, inFlight: 0, problem: expect.stringMatching(/unknown time zone/) });
    expect(h.clock.pending).toBe(0);
    await h.scheduler.stop();
  });
});
