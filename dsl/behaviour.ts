import type * as ast from './ast.js';
import type * as b from './behaviour-ast.js';
import { article, type CheckedExpr, type ExprChecker, type ExprContext, type NameResolver } from './check-expr.js';
import { diagnostic, type Diagnostic, type Range } from './diagnostics.js';
import type { IRExpr, IRSource } from './ir.js';
import type { IRBehaviour, IRDuration, IRStep, IRWindow } from './ir-behaviour.js';
import type { ColumnSchema } from './schema.js';
import { suggest } from './suggest.js';

/**
 * Checks behavioural conditions (dsl/behaviour-ast.ts) into IR (dsl/ir-behaviour.ts): which
 * source's events they read, what each step matches, and whether the clauses fit the verb.
 */

/** Where behavioural conditions are allowed (segment rules), and how their ids are numbered. */
export interface BehaviourScope {
  segment: string;
  count: number;
}

/** What the behaviour checker needs from the notebook checker beyond names. */
export interface BehaviourResolver {
  /** The source a condition without `from` reads: the only one (reported otherwise). */
  defaultSource(at: Range, what: string): IRSource | undefined;
  /** A segment defined in the notebook (its rule is not checked: history is read, not the rule). */
  segment(name: string): { name: string; source?: string } | undefined;
  segmentNames(): string[];
  /** The lake file holding a segment's membership history. */
  membershipFile(segment: string): string;
  /** A window checked against a source's time (`window-last` / `window-between`). */
  window(w: ast.Window, source: IRSource): IRWindow | undefined;
}

/** The column naming each event's type: the source's `event COLUMN`, else `event_type`. */
export const defaultEventColumn = 'event_type';

/** Checks `event COLUMN` of a source against its schema (when known): a text column. */
export function checkEventColumn(n: ast.Name, source: string, columns: ColumnSchema[] | undefined, report: (d: Diagnostic) => void): string | 'error' {
  if (!columns) return n.text;
  const c = columns.find((x) => x.name === n.text);
  if (!c) {
    const hints = suggest(n.text, columns.map((x) => x.name)).map((s) => `did you mean \`${s}\`?`);
    report(diagnostic('unknown-column', `source \`${source}\` has no column \`${n.text}\``, n.range, hints));
    return 'error';
  }
  if (c.type !== 'string' && c.type !== 'unknown') {
    report(diagnostic('type-mismatch', `the event column names event types, so it is text, but \`${n.text}\` is ${article(c.type)}`, n.range));
    return 'error';
  }
  return c.name;
}

const durationUnits: Record<string, IRDuration['unit']> = { minute: 'minute', minutes: 'minute', hour: 'hour', hours: 'hour', day: 'day', days: 'day', week: 'week', weeks: 'week' };
const periodUnits: Record<string, 'day' | 'week' | 'month'> = { day: 'day', days: 'day', week: 'week', weeks: 'week', month: 'month', months: 'month' };

const failed = (): CheckedExpr => ({ ir: { kind: 'literal', type: 'unknown', value: { kind: 'null' } }, type: 'unknown', aggregated: false, failed: true, sources: new Set(), reads: new Set() });

function result(behaviour: IRBehaviour, reads: Iterable<string> = []): CheckedExpr {
  const out: CheckedExpr = { ir: { kind: 'behaviour', behaviour, type: 'boolean' }, type: 'boolean', aggregated: false, failed: false, sources: new Set([behaviour.source]), reads: new Set(reads) };
  return out;
}

/** Checks one behavioural expression in a segment rule; reports through `names` and never throws. */
export function checkBehaviourExpr(e: b.BehaviourExprAst, ctx: ExprContext, exprs: ExprChecker, names: NameResolver): CheckedExpr {
  const scope = ctx.behaviour;
  const resolver = names.behaviour;
  if (!scope || !resolver) {
    const what = e.kind === 'behaviour' ? `\`${e.verb}\`` : e.kind === 'rank' ? `\`${e.direction}\`` : e.kind === 'quantile' ? `\`${e.above ? 'above' : 'below'}\`` : `\`${e.change}\``;
    names.report(
      diagnostic('behaviour-not-allowed', `${what} is a behavioural condition, which goes in a segment rule; define \`segment NAME = …\` and use the segment here`, e.range),
    );
    return failed();
  }
  const c = new BehaviourChecker(scope, resolver, exprs, names, ctx);
  switch (e.kind) {
    case 'behaviour':
      return c.behaviour(e);
    case 'rank':
      return c.rank(e);
    case 'quantile':
      return c.quantile(e);
    case 'membership':
      return c.membership(e);
  }
}

class BehaviourChecker {
  private ok = true;

  constructor(
    private readonly scope: BehaviourScope,
    private readonly resolver: BehaviourResolver,
    private readonly exprs: ExprChecker,
    private readonly names: NameResolver,
    private readonly ctx: ExprContext,
  ) {}

  private fail(message: string, range: Range, code: 'invalid-behaviour' | 'invalid-percentage' | 'unknown-column' | 'unknown-source' | 'unknown-name' = 'invalid-behaviour', hints?: string[]): void {
    this.names.report(diagnostic(code, message, range, hints));
    this.ok = false;
  }

  private nextId(): string {
    this.scope.count += 1;
    return `${this.scope.segment}__${this.scope.count}`;
  }

  // --- did, never, stopped, restarted ----------------------------------------------------------

  behaviour(e: b.BehaviourAst): CheckedExpr {
    const source = this.sourceOf(e.from, e.verbRange, `\`${e.verb}\``);
    if (!source) return failed();
    const steps = e.steps.map((s) => this.step(s, source));
    const window = e.window ? this.resolver.window(e.window, source) : undefined;
    if (e.window && !window) this.ok = false;
    const id = this.nextId();
    const name = source.name;
    const sequence = e.steps.length > 1;
    this.structure(e, sequence);
    if (!this.ok || steps.some((s) => s === undefined)) return failed();
    const checked = steps as IRStep[];
    const first = checked[0]!;

    let ir: IRBehaviour;
    if (sequence) {
      const last = e.steps[e.steps.length - 1]!;
      const positive = last.negated ? checked.slice(0, -1) : checked;
      const same = e.same.map((n) => this.column(n, source)).filter((n): n is string => n !== undefined);
      if (!this.ok) return failed();
      ir = { kind: 'sequence', id, source: name, steps: positive, same };
      if (last.negated) ir.absent = checked[checked.length - 1]!;
      if (e.total) {
        const total = this.duration(e.total);
        if (!total) return failed();
        ir.total = total;
      }
      if (window) ir.window = window;
    } else if (e.verb === 'stopped') {
      const quiet = this.duration(e.quietFor!);
      if (!quiet) return failed();
      ir = { kind: 'stopped', id, source: name, ...match(first), quiet, ...(window ? { window } : {}) };
    } else if (e.verb === 'restarted') {
      const gap = this.duration(e.gapAfter!);
      if (!gap || !window) return failed();
      ir = { kind: 'restarted', id, source: name, ...match(first), gap, window };
    } else if (e.firstTime) {
      ir = { kind: 'first-time', id, source: name, ...match(first), window: window! };
    } else if (e.regularly) {
      const r = this.regularly(e.regularly);
      if (!r) return failed();
      ir = { kind: 'regularly', id, source: name, ...match(first), ...r };
    } else {
      const bounds = this.frequency(e.frequency);
      if (!bounds) return failed();
      ir = { kind: 'count', id, source: name, ...match(first), ...(window ? { window } : {}), ...bounds };
    }
    const out = result(ir, [name]);
    if (e.verb !== 'never') return out;
    // `never X …` is `not did X …`.
    return { ...out, ir: { kind: 'unary', op: 'not', operand: out.ir, type: 'boolean' } };
  }

  /** Which clauses go with which verb, and with sequences; reports every misfit. */
  private structure(e: b.BehaviourAst, sequence: boolean): void {
    const verb = e.verb;
    const notWith = (clause: string, range: Range, fix: string) => this.fail(`${clause} does not go with \`${verb}\`${sequence ? ' and a sequence' : ''}; ${fix}`, range);
    e.steps.forEach((s, i) => {
      if (s.negated && (i === 0 || i < e.steps.length - 1)) {
        this.fail(
          i === 0
            ? '`not` negates the last step of a sequence; for an event that never happened write `never "event"`'
            : 'only the last step can be `not`; for an event that must not happen between two steps write `without "event"` after the later step',
          stepHead(s),
        );
      }
      if (i === 0 && s.within) this.fail(`the first step has no step before it to be within; limit the whole ${sequence ? 'sequence with `all within …`' : 'condition with `during last …`'}`, s.within.range);
      if (i === 0 && s.without.length > 0) this.fail('`without` excludes events between two steps; the first step has none before it', s.without[0]!.range);
      if (s.negated && s.without.length > 0) this.fail('a `not` step already says what did not happen; drop `without` here', s.without[0]!.range);
    });
    if (sequence) {
      if (verb === 'stopped' || verb === 'restarted') this.fail(`\`${verb}\` is about one kind of event, not a sequence; write \`did A then B\``, e.verbRange);
      if (e.frequency) notWith('how often', e.frequency.range, 'a sequence either happened or did not');
      if (e.firstTime) notWith('`for the first time`', e.firstTime, 'a sequence either happened or did not');
      if (e.regularly) notWith('`in at least … of …`', e.regularly.range, 'write it for one event');
      if (e.quietFor) notWith('`for …`', e.quietFor.range, 'limit steps with `within …`');
      if (e.gapAfter) notWith('`after …`', e.gapAfter.range, 'limit steps with `within …`');
      const last = e.steps[e.steps.length - 1]!;
      // A not-step's span must not depend on where the sequence starts: give it its own.
      if (last.negated && !last.within && e.total) {
        this.fail(`\`all within\` limits the steps that happened; give the \`not\` step its own time, e.g. \`then not "…" within 1 hour\``, stepHead(last));
      }
      return;
    }
    if (e.same.length > 0) this.fail('`with same …` ties the steps of a sequence together; this condition has one step', e.range);
    if (e.total) this.fail('`all within …` limits a sequence; for one event write `during last …`', e.total.range);
    switch (verb) {
      case 'did':
      case 'never':
        if (e.quietFor) notWith('`for …`', e.quietFor.range, 'for customers who stopped write `stopped "event" for 30 days`');
        if (e.gapAfter) notWith('`after …`', e.gapAfter.range, 'for customers who came back write `restarted "event" after 30 days during last 7 days`');
        if (e.firstTime && !e.window) this.fail('`for the first time` needs a window, e.g. `during last 7 days`', e.firstTime);
        if (e.firstTime && e.frequency) this.fail('a first time happens once; drop how often', e.frequency.range);
        if (e.firstTime && e.regularly) this.fail('a first time happens once; drop `in at least …`', e.regularly.range);
        if (e.regularly && e.frequency) this.fail('say how often once: `in at least … of …` or `at least … times`', e.frequency.range);
        if (e.regularly && e.window) this.fail('`in at least N of the last M weeks` is its own window; drop `during …`', e.window.range);
        break;
      case 'stopped':
        if (!e.quietFor) this.fail('say how long they have stopped: `stopped "event" for 30 days`', e.range);
        if (e.frequency) notWith('how often', e.frequency.range, 'write the count as its own condition');
        if (e.firstTime) notWith('`for the first time`', e.firstTime, 'drop it');
        if (e.regularly) notWith('`in at least …`', e.regularly.range, 'drop it');
        if (e.gapAfter) notWith('`after …`', e.gapAfter.range, 'stopped takes `for …`');
        break;
      case 'restarted':
        if (!e.gapAfter) this.fail('say how long the break was: `restarted "event" after 30 days during last 7 days`', e.range);
        if (!e.window) this.fail('say when they came back: `during last 7 days`', e.range);
        if (e.frequency) notWith('how often', e.frequency.range, 'write the count as its own condition');
        if (e.firstTime) notWith('`for the first time`', e.firstTime, 'drop it');
        if (e.regularly) notWith('`in at least …`', e.regularly.range, 'drop it');
        if (e.quietFor) notWith('`for …`', e.quietFor.range, 'restarted takes `after …`');
        break;
    }
  }

  private step(s: b.StepAst, source: IRSource): IRStep | undefined {
    const out: IRStep = {};
    const m = this.events(s.events, s.filter, source);
    if (m === 'error') return undefined;
    if (m) out.match = m;
    if (s.within) {
      const d = this.duration(s.within);
      if (!d) return undefined;
      out.within = d;
    }
    const without: IRExpr[] = [];
    for (const w of s.without) {
      const x = this.events(w.events, w.filter, source);
      if (x === 'error') return undefined;
      if (!x) {
        this.fail('`without anything` leaves nothing to happen; name the events to exclude', w.range);
        return undefined;
      }
      without.push(x);
    }
    if (without.length > 0) out.without = without.reduce((a, x) => or(a, x));
    return out;
  }

  /** The condition an event meets to count: its type and filter; undefined for any event. */
  private events(events: b.EventsAst, filter: ast.Expr | undefined, source: IRSource): IRExpr | undefined | 'error' {
    const parts: IRExpr[] = [];
    if (!events.anything) {
      const column = source.event ?? defaultEventColumn;
      const known = source.columns.length === 0 || source.columns.some((c) => c.name === column);
      if (!known) {
        this.fail(
          `source \`${source.name}\` has no \`${column}\` column naming event types; say which column does with \`event COLUMN\` in its definition, or match events with \`anything where …\``,
          events.range,
          'unknown-column',
        );
        return 'error';
      }
      const col: IRExpr = { kind: 'column', name: column, type: 'string' };
      const literals: IRExpr[] = events.names.map((n) => ({ kind: 'literal', type: 'string', value: { kind: 'string', value: n.value } }));
      parts.push(literals.length === 1 ? { kind: 'binary', op: '=', left: col, right: literals[0]!, type: 'boolean' } : { kind: 'in', negated: false, operand: col, list: literals, type: 'boolean' });
    }
    if (filter) {
      const f = this.exprs.check(filter, { rows: { kind: 'events', source }, noAggregateReason: 'a step filter tests one event' });
      if (f.failed) {
        this.ok = false;
        return 'error';
      }
      if (f.type !== 'boolean' && f.type !== 'unknown') {
        this.fail(`a step filter needs a condition, but this is ${article(f.type)}`, filter.range);
        return 'error';
      }
      parts.push(f.ir);
    }
    if (parts.length === 0) return undefined;
    return parts.reduce((a, x) => ({ kind: 'binary', op: 'and', left: a, right: x, type: 'boolean' }));
  }

  private column(n: ast.Name, source: IRSource): string | undefined {
    if (source.columns.length === 0) return n.text;
    const c = source.columns.find((x) => x.name === n.text) ?? source.columns.find((x) => x.name.toLowerCase() === n.text.toLowerCase());
    if (c) return c.name;
    const hints = suggest(n.text, source.columns.map((x) => x.name)).map((s) => `did you mean \`${s}\`?`);
    this.fail(`unknown column \`${n.text}\` in source \`${source.name}\``, n.range, 'unknown-column', hints);
    return undefined;
  }

  private duration(d: b.DurationAst): IRDuration | undefined {
    const unit = durationUnits[d.unit.text.toLowerCase()];
    if (!unit) {
      this.fail(`unknown time unit \`${d.unit.text}\`; use minutes, hours, days or weeks`, d.unit.range);
      return undefined;
    }
    if (!Number.isInteger(d.amount.value) || d.amount.value <= 0) {
      this.fail(`a length of time is a positive whole number of ${unit}s, not ${d.amount.text}`, d.amount.range);
      return undefined;
    }
    return { amount: d.amount.value, unit };
  }

  private regularly(r: b.RegularlyAst): { atLeast: number; periods: number; unit: 'day' | 'week' | 'month' } | undefined {
    const unit = periodUnits[r.unit.text.toLowerCase()];
    if (!unit) this.fail(`regular periods are days, weeks or months, not \`${r.unit.text}\``, r.unit.range);
    for (const n of [r.atLeast, r.periods]) {
      if (!Number.isInteger(n.value) || n.value <= 0) this.fail(`a number of periods is a positive whole number, not ${n.text}`, n.range);
    }
    if (r.atLeast.value > r.periods.value) this.fail(`at least ${r.atLeast.text} of ${r.periods.text} periods can never happen; the first number is at most the second`, r.range);
    if (!this.ok || !unit) return undefined;
    return { atLeast: r.atLeast.value, periods: r.periods.value, unit };
  }

  /** Bounds on the count of events; `did X` alone means at least once. */
  private frequency(f: b.FrequencyAst | undefined): { min: number; max?: number } | undefined {
    if (!f) return { min: 1 };
    for (const n of f.high ? [f.low, f.high] : [f.low]) {
      if (!Number.isInteger(n.value) || n.value < 0) {
        this.fail(`a number of times is a whole number (0, 1, 2, …), not ${n.text}`, n.range);
        return undefined;
      }
    }
    const low = f.low.value;
    switch (f.op) {
      case 'at-least':
        return { min: low };
      case 'at-most':
        return { min: 0, max: low };
      case 'exactly':
        return { min: low, max: low };
      case 'between':
        return { min: low, max: f.high!.value };
    }
  }

  private sourceOf(from: ast.Name | undefined, at: Range, what: string): IRSource | undefined {
    if (!from) return this.resolver.defaultSource(at, what);
    const source = this.names.source(from.text);
    if (!source) this.fail(`unknown source \`${from.text}\``, from.range, 'unknown-source');
    return source;
  }

  // --- top 10% by …, above median ----------------------------------------------------------------

  rank(e: b.RankAst): CheckedExpr {
    const by = this.exprs.check(e.by, this.ctx);
    if (by.failed) return failed();
    if (by.type !== 'number' && by.type !== 'unknown') this.fail(`customers are ranked by a number, but this is ${article(by.type)}`, e.by.range);
    let amount: Extract<IRBehaviour, { kind: 'rank' }>['amount'];
    if (e.percent) {
      if (!(e.amount.value > 0 && e.amount.value <= 100)) this.fail(`a share of customers is a percentage above 0 and at most 100, not ${e.amount.text}%`, e.amount.range, 'invalid-percentage');
      amount = { kind: 'percent', text: e.amount.text };
    } else {
      if (!Number.isInteger(e.amount.value) || e.amount.value <= 0) this.fail(`a number of customers is a positive whole number, not ${e.amount.text}; for a share write ${e.amount.text}%`, e.amount.range);
      amount = { kind: 'count', n: e.amount.value };
    }
    const source = this.entitySource(by, e.range, `\`${e.direction}\``);
    if (!this.ok || !source) return failed();
    return result({ kind: 'rank', source, direction: e.direction, value: by.ir, amount }, by.reads);
  }

  quantile(e: b.QuantileAst): CheckedExpr {
    const value = this.exprs.check(e.operand, this.ctx);
    if (value.failed) return failed();
    if (value.type !== 'number' && value.type !== 'unknown') this.fail(`\`${e.above ? 'above' : 'below'}\` compares a number with all customers' numbers, but this is ${article(value.type)}`, e.operand.range);
    let fraction = '0.5';
    if (e.percentile) {
      if (!(e.percentile.value >= 0 && e.percentile.value <= 100)) this.fail(`a percentile is from 0 to 100, not ${e.percentile.text}`, e.percentile.range, 'invalid-percentage');
      else fraction = percentToFraction(e.percentile.text);
    }
    const source = this.entitySource(value, e.range, `\`${e.above ? 'above' : 'below'}\``);
    if (!this.ok || !source) return failed();
    return result({ kind: 'quantile', source, value: value.ir, above: e.above, fraction }, value.reads);
  }

  private entitySource(checked: CheckedExpr, at: Range, what: string): string | undefined {
    const sources = [...checked.sources];
    if (sources.length === 1) return sources[0];
    if (sources.length > 1) {
      this.fail(`${what} ranks customers of one source, but this reads several (${sources.join(', ')})`, at);
      return undefined;
    }
    return this.resolver.defaultSource(at, what)?.name;
  }

  // --- entered, left, was ------------------------------------------------------------------------

  membership(e: b.MembershipAst): CheckedExpr {
    const segment = this.resolver.segment(e.segment.text);
    if (!segment) {
      const hints = suggest(e.segment.text, this.resolver.segmentNames()).map((s) => `did you mean \`${s}\`?`);
      this.fail(`unknown segment \`${e.segment.text}\`; \`${e.change}\` reads the membership history of a segment of this notebook`, e.segment.range, 'unknown-name', hints);
      return failed();
    }
    const source = segment.source ? this.names.source(segment.source) : this.resolver.defaultSource(e.segment.range, `\`${e.change} ${segment.name}\``);
    if (!source) return failed();
    if (e.window && e.on) this.fail('say when once: `on …` or `during …`', e.range);
    if (e.change === 'was' && !e.window && !e.on) this.fail(`say when: \`was ${segment.name} on date "2019-10-15"\` or \`was ${segment.name} during last 30 days\``, e.range);
    const window = e.window ? this.resolver.window(e.window, source) : undefined;
    if (e.window && !window) this.ok = false;
    let on: Extract<IRBehaviour, { kind: 'membership' }>['on'];
    if (e.on) {
      const at = this.exprs.check(e.on, { rows: { kind: 'constant' }, noAggregateReason: 'a date is a fixed time' });
      if (at.failed) this.ok = false;
      else if (at.ir.kind === 'literal' && (at.ir.value.kind === 'date' || at.ir.value.kind === 'timestamp')) on = at.ir.value;
      else this.fail(`\`on\` takes a date "YYYY-MM-DD" or a timestamp "YYYY-MM-DD hh:mm:ss", not ${article(at.type)}`, e.on.range);
    }
    if (!this.ok) return failed();
    return result({
      kind: 'membership',
      source: source.name,
      key: source.key,
      segment: segment.name,
      file: this.resolver.membershipFile(segment.name),
      change: e.change,
      ...(window ? { window } : {}),
      ...(on ? { on } : {}),
    }, [source.name]);
  }
}

/** A step's event and filter, without its clauses: where a message about the step itself goes. */
function stepHead(s: b.StepAst): Range {
  return { start: s.range.start, end: (s.filter ?? s.events).range.end };
}

function match(step: IRStep): { match?: IRExpr } {
  return step.match ? { match: step.match } : {};
}

function or(a: IRExpr, b: IRExpr): IRExpr {
  return { kind: 'binary', op: 'or', left: a, right: b, type: 'boolean' };
}

/** `12.5` → `0.125`, exactly (by moving the decimal point, not through a float). */
export function percentToFraction(text: string): string {
  if (/e/i.test(text)) return String(Number(text) / 100);
  const [whole = '', decimals = ''] = text.split('.');
  const scale = decimals.length + 2;
  const digits = ((whole + decimals).replace(/^0+/, '') || '0').padStart(scale + 1, '0');
  const integer = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  return fraction ? `${integer}.${fraction}` : integer;
}
