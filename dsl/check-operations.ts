import { Cron } from 'croner';
import type * as ast from './ast.js';
import type { DefinitionKind, DestinationSpec, ScheduleSpec } from './compiled.js';
import { diagnostic, type Diagnostic, type Range } from './diagnostics.js';
import type { IRDefinition } from './ir.js';
import { suggest } from './suggest.js';

/**
 * Checks the cells that operate a notebook rather than compute a table: schedules (when it runs,
 * what it refreshes) and destinations (where segment changes go). Both are lists of `word value`
 * settings; this module gives each word its meaning and its defaults.
 */

/** What the checker tells this module about the notebook's names. */
export interface OperationScope {
  report(d: Diagnostic): void;
  /** The defined name (as written) and its kind, whatever its case in the reference. */
  lookup(name: string): { name: string; kind: DefinitionKind } | undefined;
  /** Every defined name, for "did you mean". */
  names(): string[];
  /** Where a source's events come from: `lake`, `parquet` or `csv`. */
  sourceKind(name: string): string | undefined;
}

const secondsPerUnit: Record<string, number> = {
  second: 1, seconds: 1, minute: 60, minutes: 60, hour: 3600, hours: 3600, day: 86_400, days: 86_400, week: 604_800, weeks: 604_800,
};

export const scheduleDefaults = { timezone: 'UTC', missed: 'run-once', retries: 2, backoffSeconds: 30 } as const;
export const destinationDefaults = { batch: 1000, retries: 5 } as const;

/** Reports every mistake of one definition under one code; `failed` says whether any was found. */
class Failures {
  failed = false;
  constructor(
    private readonly scope: OperationScope,
    private readonly code: 'invalid-schedule' | 'invalid-destination',
  ) {}
  fail(message: string, range: Range, hints?: string[]): void {
    this.scope.report(diagnostic(this.code, message, range, hints));
    this.failed = true;
  }
}

function didYouMean(word: string, options: readonly string[]): string[] {
  return suggest(word, [...options]).map((s) => `did you mean \`${s}\`?`);
}

/** A duration such as `every 2 hours` or `backoff 30 seconds`, in seconds. */
function seconds(amount: number, unit: ast.Name | undefined, at: Range, f: Failures, what: string): number | undefined {
  const perUnit = unit ? secondsPerUnit[unit.text.toLowerCase()] : undefined;
  if (!unit || perUnit === undefined) {
    f.fail(`${what} needs a time unit: seconds, minutes, hours, days or weeks`, unit?.range ?? at);
    return undefined;
  }
  if (!(amount > 0)) {
    f.fail(`${what} is a positive duration`, at);
    return undefined;
  }
  return amount * perUnit;
}

/** Names that must exist and be of one of `kinds`; returns them as defined. */
function namesOf(names: readonly ast.Name[], kinds: readonly DefinitionKind[], scope: OperationScope, f: Failures, what: string): string[] {
  const out: string[] = [];
  for (const n of names) {
    const found = scope.lookup(n.text);
    if (!found) f.fail(`unknown ${what} \`${n.text}\``, n.range, didYouMean(n.text, scope.names()));
    else if (!kinds.includes(found.kind)) f.fail(`\`${found.name}\` is a ${found.kind}, not a ${what}`, n.range);
    else if (!out.includes(found.name)) out.push(found.name);
  }
  return out;
}

function integer(setting: ast.Setting, f: Failures, min: number, max: number): number | undefined {
  const only = setting.amounts?.length === 1 ? setting.amounts[0] : undefined;
  if (!only || only.unit || !Number.isInteger(only.amount) || only.amount < min || only.amount > max) {
    f.fail(`\`${setting.clause.text}\` takes a whole number from ${min} to ${max}`, setting.range);
    return undefined;
  }
  return only.amount;
}

function duplicates(settings: readonly ast.Setting[], f: Failures): void {
  const seen = new Set<string>();
  for (const s of settings) {
    const word = s.clause.text.toLowerCase();
    if (seen.has(word)) f.fail(`\`${word}\` is given twice`, s.clause.range);
    seen.add(word);
  }
}

const scheduleClauses = ['timezone', 'refresh', 'missed', 'retries', 'backoff'] as const;

export function checkSchedule(node: ast.ScheduleDefinition, scope: OperationScope): IRDefinition | undefined {
  const f = new Failures(scope, 'invalid-schedule');
  duplicates(node.clauses, f);
  let timezone: string = scheduleDefaults.timezone;
  let timezoneRange: Range | undefined;
  let refresh: string[] = [];
  let missed: ScheduleSpec['missed'] = scheduleDefaults.missed;
  let retries: number = scheduleDefaults.retries;
  let backoffSeconds: number = scheduleDefaults.backoffSeconds;
  for (const c of node.clauses) {
    switch (c.clause.text.toLowerCase()) {
      case 'timezone':
        if (c.text === undefined) f.fail('`timezone` takes an IANA time zone in quotes, e.g. timezone "Europe/Berlin"', c.range);
        else if (!isTimeZone(c.text)) f.fail(`unknown time zone "${c.text}"; use an IANA name such as "Europe/Berlin" or "UTC"`, c.range);
        else {
          timezone = c.text;
          timezoneRange = c.range;
        }
        break;
      case 'refresh':
        if (!c.names?.length) f.fail('`refresh` names the cells to recompute, e.g. refresh customers, vip', c.range);
        else refresh = namesOf(c.names, ['profile', 'segment', 'query', 'plot', 'sql'], scope, f, 'cell to refresh');
        break;
      case 'missed': {
        const word = c.names?.length === 1 ? c.names[0]!.text.toLowerCase() : undefined;
        if (word === 'once') missed = 'run-once';
        else if (word === 'skip') missed = 'skip';
        else f.fail('`missed` is `once` (run once at start for runs missed while no server was up) or `skip`', c.range);
        break;
      }
      case 'retries':
        retries = integer(c, f, 0, 20) ?? retries;
        break;
      case 'backoff': {
        const only = c.amounts?.length === 1 ? c.amounts[0] : undefined;
        if (!only) f.fail('`backoff` takes a duration, e.g. backoff 30 seconds', c.range);
        else backoffSeconds = seconds(only.amount, only.unit, only.range, f, 'backoff') ?? backoffSeconds;
        break;
      }
      default:
        f.fail(`unknown schedule setting \`${c.clause.text}\``, c.clause.range, didYouMean(c.clause.text, scheduleClauses));
    }
  }

  let trigger: ScheduleSpec['trigger'] | undefined;
  const dependsOn = [...refresh];
  const word = node.trigger.text.toLowerCase();
  if (word === 'cron') {
    if (!node.text) f.fail('`cron` takes an expression in quotes, e.g. cron "0 3 * * *"', node.trigger.range);
    else {
      const problem = cronProblem(node.text.value, timezone);
      if (problem) f.fail(`invalid cron expression "${node.text.value}": ${problem}`, node.text.range);
      else trigger = { kind: 'cron', expression: node.text.value, timezone };
    }
  } else if (word === 'every') {
    if (!node.every) f.fail('`every` takes an interval, e.g. every 1 hour', node.trigger.range);
    else {
      const s = seconds(node.every.amount, node.every.unit, node.every.range, f, 'the interval');
      if (s !== undefined) trigger = { kind: 'every', seconds: s };
    }
  } else if (word === 'on') {
    const words = (node.words ?? []).map((w) => w.text.toLowerCase()).join(' ');
    if (words !== 'new data' || !node.sources?.length) f.fail('write `on new data in SOURCE`, e.g. on new data in events', node.trigger.range);
    else {
      const sources = namesOf(node.sources, ['source'], scope, f, 'source');
      for (const n of node.sources) {
        const found = scope.lookup(n.text);
        if (found?.kind === 'source' && scope.sourceKind(found.name) !== 'lake') f.fail(`\`${found.name}\` reads files outside the lake; new data is watched in lake sources`, n.range);
      }
      trigger = { kind: 'data', sources };
      dependsOn.push(...sources.filter((s) => !dependsOn.includes(s)));
    }
  } else {
    f.fail(`a schedule starts with cron "…", every N hours or on new data in SOURCE, not \`${node.trigger.text}\``, node.trigger.range, didYouMean(node.trigger.text, ['cron', 'every', 'on']));
  }
  if (trigger && trigger.kind !== 'cron' && timezoneRange) f.fail('`timezone` applies to cron schedules only', timezoneRange);
  if (f.failed || !trigger) return undefined;
  return { kind: 'schedule', name: node.name.text, spec: { trigger, refresh, missed, retries, backoffSeconds }, dependsOn, range: node.range };
}

const destinationClauses = ['segments', 'secret', 'batch', 'retries'] as const;

export function checkDestination(node: ast.DestinationDefinition, scope: OperationScope): IRDefinition | undefined {
  const f = new Failures(scope, 'invalid-destination');
  duplicates(node.clauses, f);
  if (node.destinationKind.text.toLowerCase() !== 'webhook') {
    f.fail(`unknown destination \`${node.destinationKind.text}\`; kohort sends to a webhook "https://…"`, node.destinationKind.range, didYouMean(node.destinationKind.text, ['webhook']));
  }
  if (!isHttpUrl(node.target.value)) f.fail(`"${node.target.value}" is not an http:// or https:// URL`, node.target.range);
  const spec: Omit<DestinationSpec, 'kind' | 'url'> = { segments: [], batch: destinationDefaults.batch, retries: destinationDefaults.retries };
  for (const c of node.clauses) {
    switch (c.clause.text.toLowerCase()) {
      case 'segments':
        if (!c.names?.length) f.fail('`segments` names the segments whose changes are sent, e.g. segments vip, at_risk', c.range);
        else spec.segments = namesOf(c.names, ['segment'], scope, f, 'segment');
        break;
      case 'secret':
        // The secret itself never sits in a notebook: only the name of the variable that holds it.
        if (c.qualifier?.text.toLowerCase() !== 'env' || c.text === undefined) f.fail('write `secret env "VARIABLE"`: the environment variable that holds the signing secret', c.range);
        else if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(c.text)) f.fail(`"${c.text}" is not an environment variable name`, c.range);
        else spec.secretEnv = c.text;
        break;
      case 'batch':
        spec.batch = integer(c, f, 1, 100_000) ?? spec.batch;
        break;
      case 'retries':
        spec.retries = integer(c, f, 0, 20) ?? spec.retries;
        break;
      default:
        f.fail(`unknown destination setting \`${c.clause.text}\``, c.clause.range, didYouMean(c.clause.text, destinationClauses));
    }
  }
  if (spec.segments.length === 0 && !f.failed) f.fail('a destination needs `segments NAME, …`: the segments whose joined and left members it receives', node.name.range);
  if (f.failed) return undefined;
  return { kind: 'destination', name: node.name.text, spec: { kind: 'webhook', url: node.target.value, ...spec }, dependsOn: [...spec.segments], range: node.range };
}

function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Why croner refuses the expression, or undefined when it takes it. */
function cronProblem(expression: string, timezone: string): string | undefined {
  try {
    new Cron(expression, { timezone, paused: true });
    return undefined;
  } catch (e) {
    return (e instanceof Error ? e.message : String(e)).replace(/^CronPattern:\s*/, '');
  }
}
