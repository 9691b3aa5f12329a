/**
 * Time as the scheduler and the runner see it. Injected, so tests can step through days of cron
 * slots, missed runs and backoff waits in microseconds; `systemClock` is the real one.
 */
export interface Clock {
  now(): Date;
  /** Calls `callback` after `millis`; the handle cancels it. */
  setTimer(callback: () => void, millis: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

/** An opaque timer handle. */
export interface TimerHandle {
  readonly id: unknown;
}

export const systemClock: Clock = {
  now: () => new Date(),
  setTimer(callback, millis) {
    // Kept alive: a CLI run waiting to retry must not exit (a server clears its timers on close).
    return { id: setTimeout(callback, Math.max(0, millis)) };
  },
  clearTimer(handle) {
    clearTimeout(handle.id as NodeJS.Timeout);
  },
};

/** Resolves after `millis` on `clock`; an aborted `signal` resolves it early. */
export function sleep(clock: Clock, millis: number, signal?: AbortSignal): Promise<void> {
  return new Promise((done) => {
    if (signal?.aborted) return done();
    const handle = clock.setTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      done();
    }, millis);
    const onAbort = () => {
      clock.clearTimer(handle);
      done();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
