import type { ScheduleSpec } from '../../dsl/compiled.js';
import type { Clock, TimerHandle } from './clock.js';
import { isTimeTrigger, lastFireTime, nextFireTime, triggerProblem } from './triggers.js';

/** One schedule cell of one notebook, as the scheduler runs it. */
export interface ScheduleJob {
  /** Unique among jobs: the notebook's path and the schedule's name. */
  key: string;
  file: string;
  schedule: string;
  spec: ScheduleSpec;
}

/** What started a scheduled run. */
export type ScheduledTrigger = 'schedule' | 'missed' | 'data';

export interface SchedulerOptions {
  clock: Clock;
  /** Does a run; resolves when it has ended (however it ended). */
  fire(job: ScheduleJob, trigger: ScheduledTrigger, scheduledFor?: Date): Promise<void>;
  /**
   * The job's last finished run: the slot it ran for (else its start), and the fingerprint of
   * the files of the trigger's sources it read (see `dataFingerprint`). Missed runs are counted from it.
   */
  lastRun(job: ScheduleJob): Promise<{ at: Date; dataFingerprint?: string } | undefined>;
  /** The fingerprint of the files of a data trigger's sources now. */
  dataFingerprint(job: ScheduleJob): Promise<string>;
  /** How often data triggers list their sources. Default 2 s. */
  pollSeconds?: number;
  /** New files must stop changing this long before a data run starts (a pipeline writes in bursts). Default 3 s. */
  debounceSeconds?: number;
  /** Under a steady stream of files, a data run starts anyway this long after the first change. Default 60 s. */
  maxWaitSeconds?: number;
  log?: (line: string) => void;
}

/** Where a job stands, for the schedules panel. */
export interface JobStatus {
  /** The next cron or interval slot; null for data triggers (and cron that never fires again). */
  nextRun: Date | null;
  /** Runs started by the scheduler and not ended yet (one running, at most one waiting). */
  inFlight: number;
  /** Why the job cannot run, when it cannot. */
  problem?: string;
}

interface JobState {
  job: ScheduleJob;
  /** The spec as text: a save that changes it reschedules the job. */
  specText: string;
  next: Date | null;
  timer?: TimerHandle;
  inFlight: number;
  problem?: string;
  /** Data triggers: the fingerprint last run for, and a change not yet settled. */
  baseline?: string;
  change?: { fingerprint: string; since: number; first: number };
}

/** At most one run waits behind the running one; more slots meanwhile are dropped (and logged). */
const maxInFlight = 2;
/** Timers wake at least this often, so a clock that jumps (a laptop resumed) is noticed. */
const maxTimerMillis = 60_000;

/**
 * Runs schedule cells. Cron and interval jobs keep one timer each, for their next slot; data jobs
 * poll their sources' files and start a run once new files have settled. At `start`, runs missed
 * while nothing ran (since the last recorded run) are run once or skipped, as each schedule's
 * `missed` says. A job whose runs outlast its slots never piles up: one run goes on, one waits.
 * The clock is injected: tests step it through days in an instant.
 */
export class Scheduler {
  private readonly jobs = new Map<string, JobState>();
  private stopped = false;
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly options: SchedulerOptions) {}

  /** Starts `jobs`, first running (or skipping) what each missed since its last run. */
  async start(jobs: readonly ScheduleJob[]): Promise<void> {
    await Promise.all(jobs.map((job) => this.add(job, true)));
  }

  /**
   * Replaces the jobs (a notebook was saved): new and changed jobs are scheduled from now, without
   * missed runs; unchanged ones keep their timers; removed ones stop.
   */
  async update(jobs: readonly ScheduleJob[]): Promise<void> {
    const wanted = new Map(jobs.map((j) => [j.key, j]));
    for (const [key, state] of this.jobs) {
      const job = wanted.get(key);
      if (!job || JSON.stringify(job.spec) !== state.specText) this.remove(key);
    }
    await Promise.all(jobs.filter((j) => !this.jobs.has(j.key)).map((j) => this.add(j, false)));
  }

  status(key: string): JobStatus | undefined {
    const s = this.jobs.get(key);
    return s && { nextRun: s.next, inFlight: s.inFlight, ...(s.problem ? { problem: s.problem } : {}) };
  }

  /** Stops every timer; runs in progress are waited for. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const key of [...this.jobs.keys()]) this.remove(key);
    await this.idle();
  }

  /** Resolves when no run the scheduler started is in progress. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private async add(job: ScheduleJob, atStart: boolean): Promise<void> {
    this.remove(job.key);
    const state: JobState = { job, specText: JSON.stringify(job.spec), next: null, inFlight: 0 };
    this.jobs.set(job.key, state);
    const problem = triggerProblem(job.spec.trigger);
    if (problem) {
      state.problem = problem;
      this.log(`${job.file}: schedule \`${job.schedule}\` cannot run: ${problem}`);
      return;
    }
    const trigger = job.spec.trigger;
    const now = this.options.clock.now();
    if (isTimeTrigger(trigger)) {
      const last = atStart ? await this.lastRunOf(job) : undefined;
      const missed = last ? lastFireTime(trigger, last.at, now) : null;
      if (missed && this.jobs.get(job.key) === state) {
        if (job.spec.missed === 'run-once') this.launch(state, 'missed', missed);
        else this.log(`${job.file}: schedule \`${job.schedule}\` missed its run at ${missed.toISOString()} (missed skip): not run`);
      }
      state.next = nextFireTime(trigger, now);
      this.armTime(state);
      return;
    }
    const current = await this.fingerprint(state);
    if (this.jobs.get(job.key) !== state) return;
    const last = atStart ? await this.lastRunOf(job) : undefined;
    if (current !== undefined && last?.dataFingerprint !== undefined && last.dataFingerprint !== current) {
      if (job.spec.missed === 'run-once') this.launch(state, 'missed');
      else this.log(`${job.file}: schedule \`${job.schedule}\`: new data arrived while no server ran (missed skip): not run`);
    }
    state.baseline = current;
    this.armPoll(state);
  }

  private remove(key: string): void {
    const state = this.jobs.get(key);
    if (!state) return;
    if (state.timer) this.options.clock.clearTimer(state.timer);
    this.jobs.delete(key);
  }

  private armTime(state: JobState): void {
    if (this.stopped || state.next === null || this.jobs.get(state.job.key) !== state) return;
    const wait = Math.min(maxTimerMillis, state.next.getTime() - this.options.clock.now().getTime());
    state.timer = this.options.clock.setTimer(() => this.onTime(state), wait);
  }

  private onTime(state: JobState): void {
    if (this.stopped || this.jobs.get(state.job.key) !== state || state.next === null) return;
    const now = this.options.clock.now();
    const trigger = state.job.spec.trigger;
    if (now.getTime() >= state.next.getTime() && isTimeTrigger(trigger)) {
      this.launch(state, 'schedule', state.next);
      // From now, not from the slot: a late wake-up runs once, it does not catch up slot by slot.
      state.next = nextFireTime(trigger, now);
    }
    this.armTime(state);
  }

  private armPoll(state: JobState): void {
    if (this.stopped || this.jobs.get(state.job.key) !== state) return;
    state.timer = this.options.clock.setTimer(() => void this.onPoll(state), (this.options.pollSeconds ?? 2) * 1000);
  }

  private async onPoll(state: JobState): Promise<void> {
    if (this.stopped || this.jobs.get(state.job.key) !== state) return;
    const fingerprint = await this.fingerprint(state);
    const now = this.options.clock.now().getTime();
    if (fingerprint === undefined || fingerprint === state.baseline) {
      delete state.change;
    } else if (state.baseline === undefined) {
      // The sources could not be listed at start: what they hold now is the baseline.
      state.baseline = fingerprint;
    } else {
      const first = state.change?.first ?? now;
      const since = state.change?.fingerprint === fingerprint ? state.change.since : now;
      state.change = { fingerprint, since, first };
      const settled = now - since >= (this.options.debounceSeconds ?? 3) * 1000;
      const waitedEnough = now - first >= (this.options.maxWaitSeconds ?? 60) * 1000;
      if (settled || waitedEnough) {
        state.baseline = fingerprint;
        delete state.change;
        this.launch(state, 'data');
      }
    }
    this.armPoll(state);
  }

  private launch(state: JobState, trigger: ScheduledTrigger, scheduledFor?: Date): void {
    const { job } = state;
    if (state.inFlight >= maxInFlight) {
      this.log(`${job.file}: schedule \`${job.schedule}\`: a run is in progress and another waits; this ${trigger === 'data' ? 'data change' : 'slot'} is not run`);
      return;
    }
    state.inFlight++;
    const run = this.options
      .fire(job, trigger, scheduledFor)
      .catch((e) => this.log(`${job.file}: schedule \`${job.schedule}\`: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => {
        state.inFlight--;
        this.running.delete(run);
      });
    this.running.add(run);
  }

  private async fingerprint(state: JobState): Promise<string | undefined> {
    try {
      const fingerprint = await this.options.dataFingerprint(state.job);
      delete state.problem;
      return fingerprint;
    } catch (e) {
      const problem = `cannot list the sources' files: ${e instanceof Error ? e.message : String(e)}`;
      if (state.problem !== problem) this.log(`${state.job.file}: schedule \`${state.job.schedule}\`: ${problem}`);
      state.problem = problem;
      return undefined;
    }
  }

  private async lastRunOf(job: ScheduleJob): Promise<{ at: Date; dataFingerprint?: string } | undefined> {
    try {
      return await this.options.lastRun(job);
    } catch (e) {
      this.log(`${job.file}: schedule \`${job.schedule}\`: cannot read its past runs: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  private log(line: string): void {
    (this.options.log ?? ((l) => process.stderr.write(`kohort: ${l}\n`)))(line);
  }
}
