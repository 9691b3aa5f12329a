import type { Clock, TimerHandle } from '../../engine/runs/clock.js';

interface Timer {
  id: number;
  at: number;
  callback: () => void;
}

/**
 * A clock that moves only when told: `advance` walks through the timers due, in time order, and
 * lets the promises they start settle before the next, so days of schedules pass in an instant.
 */
export class ManualClock implements Clock {
  private timers: Timer[] = [];
  private ids = 0;

  constructor(private time: number) {}

  now(): Date {
    return new Date(this.time);
  }

  setTimer(callback: () => void, millis: number): TimerHandle {
    const timer = { id: ++this.ids, at: this.time + Math.max(0, millis), callback };
    this.timers.push(timer);
    return { id: timer.id };
  }

  clearTimer(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t.id !== handle.id);
  }

  /** Timers waiting. */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves time forward by `millis`, firing every timer due on the way. */
  async advance(millis: number): Promise<void> {
    const end = this.time + millis;
    for (;;) {
      await settle();
      const next = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.time = next.at;
      next.callback();
    }
    this.time = end;
    await settle();
  }

  /** Moves time to `iso`. */
  advanceTo(iso: string): Promise<void> {
    return this.advance(Date.parse(iso) - this.time);
  }

  /** Waits (in real time) until a timer is set at least `millis` ahead: e.g. a runner sleeping before a retry. */
  async waitForTimer(millis: number, timeoutMs = 30_000): Promise<void> {
    const started = Date.now();
    while (!this.timers.some((t) => t.at - this.time >= millis)) {
      if (Date.now() - started > timeoutMs) throw new Error(`no timer of ${millis} ms was set within ${timeoutMs} ms`);
      await new Promise((done) => setTimeout(done, 10));
    }
  }
}

/** Lets pending promise callbacks run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((done) => setImmediate(done));
}
