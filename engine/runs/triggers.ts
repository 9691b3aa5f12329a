import { Cron } from 'croner';
import type { ScheduleSpec } from '../../dsl/compiled.js';

export type Trigger = ScheduleSpec['trigger'];
export type TimeTrigger = Exclude<Trigger, { kind: 'data' }>;

/** Whether a trigger fires at times (cron, every) rather than on new data. */
export function isTimeTrigger(trigger: Trigger): trigger is TimeTrigger {
  return trigger.kind !== 'data';
}

/**
 * What is wrong with a trigger, in words for the schedule cell's message (an unknown time zone,
 * a cron field out of range), or undefined when it can fire.
 */
export function triggerProblem(trigger: Trigger): string | undefined {
  if (trigger.kind === 'every') {
    return Number.isFinite(trigger.seconds) && trigger.seconds >= 1 ? undefined : `an interval must be at least 1 second, not ${trigger.seconds} s`;
  }
  if (trigger.kind === 'data') return trigger.sources.length > 0 ? undefined : 'name the source whose new data starts a run';
  try {
    new Intl.DateTimeFormat('en', { timeZone: trigger.timezone });
  } catch {
    return `unknown time zone "${trigger.timezone}" (use an IANA name such as "Europe/Berlin" or "UTC")`;
  }
  try {
    const next = cronOf(trigger).nextRun(new Date(0));
    return next ? undefined : `cron "${trigger.expression}" never fires`;
  } catch (e) {
    return `cron "${trigger.expression}": ${(e instanceof Error ? e.message : String(e)).replace(/^CronPattern: /, '')}`;
  }
}

/**
 * The first time strictly after `after` that a time trigger fires, or null when it never will.
 * Cron runs in its time zone with croner's DST rules: a fixed time that falls in the spring gap
 * runs at the first valid time after it, a fixed time that occurs twice in autumn runs once, and
 * wildcard or stepped fields (`30 * * * *`) follow the wall clock through both. Intervals are
 * counted from the Unix epoch, so `every 1 hour` fires on the hour (UTC) and the slots are the
 * same whenever the server starts.
 */
export function nextFireTime(trigger: TimeTrigger, after: Date): Date | null {
  if (trigger.kind === 'every') {
    const step = trigger.seconds * 1000;
    return new Date((Math.floor(after.getTime() / step) + 1) * step);
  }
  return cronOf(trigger).nextRun(after);
}

/** The latest time at or before `at` that a time trigger fired, if it is after `since`; else null. */
export function lastFireTime(trigger: TimeTrigger, since: Date, at: Date): Date | null {
  let last: Date | undefined;
  if (trigger.kind === 'every') {
    // By arithmetic: a server down for a year under `every 1 second` must not walk every slot.
    const step = trigger.seconds * 1000;
    last = new Date(Math.floor(at.getTime() / step) * step);
  } else {
    const cron = cronOf(trigger);
    // `previousRuns` excludes `at` itself; a slot exactly at `at` has fired too.
    const exact = cron.nextRun(new Date(at.getTime() - 1));
    last = exact?.getTime() === at.getTime() ? exact : cron.previousRuns(1, at)[0];
  }
  return last && last.getTime() > since.getTime() ? last : null;
}

/** A trigger in words: `cron "0 3 * * *" (Europe/Berlin)`, `every 1 hour`, `on new data in events`. */
export function describeTrigger(trigger: Trigger): string {
  if (trigger.kind === 'cron') return `cron "${trigger.expression}" (${trigger.timezone})`;
  if (trigger.kind === 'data') return `on new data in ${trigger.sources.join(', ')}`;
  return `every ${describeSeconds(trigger.seconds)}`;
}

function describeSeconds(seconds: number): string {
  const units: [number, string][] = [
    [86_400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, unit] of units) {
    if (seconds % size === 0) return `${seconds / size} ${unit}${seconds === size ? '' : 's'}`;
  }
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}

function cronOf(trigger: Extract<Trigger, { kind: 'cron' }>): Cron {
  // `paused` and no callback: croner only computes times, it starts no timer.
  return new Cron(trigger.expression, { timezone: trigger.timezone, paused: true });
}
