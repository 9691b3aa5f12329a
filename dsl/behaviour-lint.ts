import type * as ast from './ast.js';
import type * as b from './behaviour-ast.js';
import { diagnostic, type Diagnostic, type Range } from './diagnostics.js';
import type { IRMetric } from './ir.js';

/**
 * Semantic warnings about segment rules, found on the syntax tree (for exact places) with the
 * checked metrics beside it: conditions that can never hold, counts compared with fractions,
 * rules made only of negations (whose members come from the whole source), windows longer than
 * the data, and sequence steps allowed more time than the whole sequence. Warnings only: the SQL
 * still runs, it just cannot give what the author meant.
 */

export interface LintScope {
  report(d: Diagnostic): void;
  /** A checked metric by name. */
  metric(name: string): IRMetric | undefined;
  /** The first and last event time of a source's data (ISO text), when the engine gave them. */
  timeRange(source: string): { min: string; max: string } | undefined;
}

const unitMs: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000, month: 30 * 86_400_000 };
const dayMs = unitMs.day!;

function unitOf(word: string): string | undefined {
  const w = word.toLowerCase().replace(/s$/, '');
  return unitMs[w] !== undefined ? w : undefined;
}

/** Lints one checked segment rule over `source`. */
export function lintSegment(node: ast.SegmentDefinition, source: string, scope: LintScope): void {
  new SegmentLint(scope, source).run(node);
}

/** Warns when a metric's `during last …` window is longer than its source's data. */
export function lintMetricWindow(window: ast.Window | undefined, source: string, scope: LintScope): void {
  if (window?.kind === 'last') longerThanData(window.amount, window.unit, `\`last ${window.amount} ${window.unit}s\``, window.range, source, scope);
}

function longerThanData(amount: number, unit: string, what: string, range: Range, source: string, scope: LintScope): void {
  const span = scope.timeRange(source);
  if (!span) return;
  const ms = amount * (unitMs[unit] ?? 0);
  const start = Date.parse(`${span.min.replace(' ', 'T').slice(0, 19)}Z`);
  const end = Date.parse(`${span.max.replace(' ', 'T').slice(0, 19)}Z`);
  if (!Number.isFinite(start) || !Number.isFinite(end) || ms <= end - start) return;
  const days = (end - start) / dayMs;
  scope.report(
    diagnostic(
      'window-longer-than-data',
      `${what} is longer than the data of \`${source}\`, which spans ${days < 10 ? days.toFixed(1) : Math.round(days)} days (${span.min} … ${span.max}): it reaches back before the first event`,
      range,
    ),
  );
}

/** A quantity a rule bounds: a metric, or the count of a `did` condition. */
interface Quantity {
  key: string;
  label: string;
  /** Counts are whole numbers, never negative. */
  count: boolean;
}

interface Bounds {
  low: number;
  lowStrict: boolean;
  high: number;
  highStrict: boolean;
  /** Where each bound was written, for the message. */
  texts: string[];
}

type Polarity = 'positive' | 'negative' | 'unknown';

class SegmentLint {
  constructor(
    private readonly scope: LintScope,
    private readonly source: string,
  ) {}

  run(node: ast.SegmentDefinition): void {
    this.visit(node.expr);
    if (this.polarity(node.expr) === 'negative') {
      this.scope.report(
        diagnostic(
          'negation-only',
          `segment \`${node.name.text}\` is defined only by what customers did not do, so its members are drawn from all customers of source \`${this.source}\` (everyone with an event up to the as-of time)`,
          node.name.range,
          ['add a positive condition to narrow who counts, e.g. did "view" during last 30 days'],
        ),
      );
    }
  }

  /** Walks the rule: every conjunction is checked for bounds that exclude each other. */
  private visit(e: ast.Expr): void {
    if (e.kind === 'binary' && e.op === 'and') {
      this.conjunction(e);
      return;
    }
    this.leaf(e);
  }

  private conjunction(e: ast.Expr): void {
    const leaves: ast.Expr[] = [];
    const flatten = (x: ast.Expr): void => {
      if (x.kind === 'binary' && x.op === 'and') {
        flatten(x.left);
        flatten(x.right);
      } else leaves.push(x);
    };
    flatten(e);
    const bounds = new Map<string, { q: Quantity; b: Bounds; from: Range }>();
    let reported = false;
    for (const leaf of leaves) {
      this.leaf(leaf);
      for (const [q, lb] of this.constraints(leaf)) {
        const entry = bounds.get(q.key);
        const merged = entry ? intersect(entry.b, lb) : lb;
        bounds.set(q.key, { q, b: merged, from: entry?.from ?? leaf.range });
        if (!reported && entry && empty(merged, q.count)) {
          reported = true;
          // Marked from the first bound to the one that contradicts it.
          const range = { start: entry.from.start, end: leaf.range.end };
          this.scope.report(diagnostic('never-holds', `this condition can never hold: ${q.label} cannot be ${merged.texts.join(' and ')}`, range));
        }
      }
    }
  }

  /** Checks a single condition; `or` and `not` recurse. */
  private leaf(e: ast.Expr): void {
    if (e.kind === 'binary' && e.op === 'or') {
      this.visit(e.left);
      this.visit(e.right);
      return;
    }
    if (e.kind === 'not') {
      this.visit(e.operand);
      return;
    }
    if (e.kind === 'binary' && e.op === 'and') {
      this.conjunction(e);
      return;
    }
    const constraints = this.constraints(e);
    // A behaviour's own bounds (`between 5 and 2 times`) are reported on them, below.
    if (e.kind !== 'behaviour') for (const [q, bounds] of constraints) {
      if (empty(bounds, q.count)) this.scope.report(diagnostic('never-holds', `this condition can never hold: ${q.label} cannot be ${bounds.texts.join(' and ')}`, e.range));
    }
    if (e.kind === 'between' && !e.negated) {
      const low = numberOf(e.low);
      const high = numberOf(e.high);
      if (low !== undefined && high !== undefined && low > high && constraints.length === 0) {
        this.scope.report(diagnostic('never-holds', `this condition can never hold: nothing is between ${low} and ${high}; write the smaller bound first`, e.range));
      }
    }
    if (e.kind === 'behaviour') this.behaviour(e);
  }

  private behaviour(e: b.BehaviourAst): void {
    if (e.window?.kind === 'last') longerThanData(e.window.amount, e.window.unit, `\`during last ${e.window.amount} ${e.window.unit}s\``, e.window.range, this.source, this.scope);
    for (const d of [e.quietFor, e.gapAfter]) {
      const unit = d && unitOf(d.unit.text);
      if (d && unit) longerThanData(d.amount.value, unit, `\`${d.amount.text} ${d.unit.text}\``, d.range, this.source, this.scope);
    }
    if (e.regularly) {
      const unit = unitOf(e.regularly.unit.text);
      if (unit) longerThanData(e.regularly.periods.value, unit, `\`the last ${e.regularly.periods.text} ${e.regularly.unit.text}\``, e.regularly.range, this.source, this.scope);
    }
    if (e.frequency?.op === 'between' && e.frequency.high && e.frequency.low.value > e.frequency.high.value) {
      this.scope.report(
        diagnostic('never-holds', `this condition can never hold: nothing is between ${e.frequency.low.text} and ${e.frequency.high.text} times; write the smaller number first`, e.frequency.range),
      );
    }
    const total = e.total && durationMs(e.total);
    if (e.total && total !== undefined) {
      for (const s of e.steps) {
        const gap = s.within && durationMs(s.within);
        if (s.within && gap !== undefined && gap > total) {
          this.scope.report(
            diagnostic(
              'gap-longer-than-sequence',
              `this step may follow the previous one within ${s.within.amount.text} ${s.within.unit.text}, but the whole sequence must fit in ${e.total.amount.text} ${e.total.unit.text}`,
              s.within.range,
              [`shorten the gap to at most ${e.total.amount.text} ${e.total.unit.text}, or lengthen \`all within\``],
            ),
          );
        }
      }
    }
  }

  /** The bounds one condition puts on quantities (`views > 5` → views in (5, ∞)). */
  private constraints(e: ast.Expr): [Quantity, Bounds][] {
    if (e.kind === 'binary' && ['=', '<', '<=', '>', '>='].includes(e.op)) {
      let q = this.quantity(e.left);
      let n = numberOf(e.right);
      let text = literalText(e.right);
      let op = e.op;
      if (!q || n === undefined) {
        q = this.quantity(e.right);
        n = numberOf(e.left);
        text = literalText(e.left);
        op = flip(e.op);
      }
      if (!q || n === undefined || text === undefined) return [];
      if (q.count && !Number.isInteger(n)) {
        const fix = op === '>' || op === '>=' ? `${q.label.replace(/`/g, '')} >= ${Math.ceil(n)}` : op === '<' || op === '<=' ? `${q.label.replace(/`/g, '')} <= ${Math.floor(n)}` : undefined;
        this.scope.report(
          diagnostic('count-not-integer', `${q.label} is a count, a whole number, but it is compared with ${text}`, e.range, fix ? [`did you mean ${fix}?`] : undefined),
        );
      }
      const bounds = open();
      const say = `${symbol(op)} ${text}`;
      if (op === '=' || op === '>' || op === '>=') Object.assign(bounds, { low: n, lowStrict: op === '>' });
      if (op === '=' || op === '<' || op === '<=') Object.assign(bounds, { high: n, highStrict: op === '<' });
      bounds.texts = [say];
      return [[q, bounds]];
    }
    if (e.kind === 'between' && !e.negated) {
      const q = this.quantity(e.operand);
      const low = numberOf(e.low);
      const high = numberOf(e.high);
      if (!q || low === undefined || high === undefined) return [];
      return [[q, { low, lowStrict: false, high, highStrict: false, texts: [`between ${low} and ${high}`] }]];
    }
    if (e.kind === 'behaviour' && e.verb === 'did' && e.steps.length === 1 && !e.firstTime && !e.regularly && e.frequency) {
      const f = e.frequency;
      const q: Quantity = { key: `did:${canonical({ s: e.steps, w: e.window, f: e.from })}`, label: `the number of \`${e.steps[0]!.events.anything ? 'anything' : e.steps[0]!.events.names.map((n) => n.value).join('/')}\` events`, count: true };
      const bounds = open();
      if (f.op === 'at-least' || f.op === 'exactly' || f.op === 'between') bounds.low = f.low.value;
      if (f.op === 'at-most' || f.op === 'exactly') bounds.high = f.low.value;
      if (f.op === 'between') bounds.high = f.high!.value;
      const words = { 'at-least': 'at least', 'at-most': 'at most', exactly: 'exactly', between: 'between' }[f.op];
      bounds.texts = [`${words} ${f.low.text}${f.high ? ` and ${f.high.text}` : ''}`];
      return [[q, bounds]];
    }
    return [];
  }

  private quantity(e: ast.Expr): Quantity | undefined {
    if (e.kind !== 'ref' || e.qualifier) return undefined;
    const m = this.scope.metric(e.name.text);
    if (!m) return undefined;
    return { key: `metric:${m.name}`, label: `\`${m.name}\``, count: isCount(m) };
  }

  /** Whether the rule needs customers to have done something (positive), or holds for those who did nothing. */
  private polarity(e: ast.Expr): Polarity {
    switch (e.kind) {
      case 'not': {
        const p = this.polarity(e.operand);
        return p === 'positive' ? 'negative' : p === 'negative' ? 'positive' : 'unknown';
      }
      case 'binary': {
        if (e.op === 'and' || e.op === 'or') {
          const [l, r] = [this.polarity(e.left), this.polarity(e.right)];
          if (e.op === 'and') return l === 'positive' || r === 'positive' ? 'positive' : l === 'negative' && r === 'negative' ? 'negative' : 'unknown';
          return l === 'negative' || r === 'negative' ? 'negative' : l === 'positive' && r === 'positive' ? 'positive' : 'unknown';
        }
        const c = this.constraints(e)[0];
        if (!c || !c[0].count) return 'unknown';
        return includesZero(c[1]) ? 'negative' : 'positive';
      }
      case 'behaviour': {
        if (e.verb === 'never') return 'negative';
        if (e.verb !== 'did' || e.steps.length > 1) return 'positive';
        const f = e.frequency;
        if (f && (f.op === 'at-most' || ((f.op === 'exactly' || f.op === 'between') && f.low.value === 0))) return 'negative';
        return 'positive';
      }
      case 'membership':
        return 'positive';
      default:
        return 'unknown';
    }
  }
}

function isCount(m: IRMetric): boolean {
  return m.level === 'aggregate' && m.expr.kind === 'aggregate' && m.expr.fn === 'count';
}

function durationMs(d: b.DurationAst): number | undefined {
  const unit = unitOf(d.unit.text);
  return unit ? d.amount.value * unitMs[unit]! : undefined;
}

function numberOf(e: ast.Expr): number | undefined {
  return e.kind === 'number' ? Number(e.text) : undefined;
}

function literalText(e: ast.Expr): string | undefined {
  return e.kind === 'number' ? e.text : undefined;
}

function flip(op: ast.BinaryOperator): ast.BinaryOperator {
  return op === '<' ? '>' : op === '<=' ? '>=' : op === '>' ? '<' : op === '>=' ? '<=' : op;
}

function symbol(op: ast.BinaryOperator): string {
  return op === '=' ? '=' : op;
}

function open(): Bounds {
  return { low: -Infinity, lowStrict: false, high: Infinity, highStrict: false, texts: [] };
}

function intersect(a: Bounds, x: Bounds): Bounds {
  const out = { ...a, texts: [...a.texts, ...x.texts] };
  if (x.low > a.low || (x.low === a.low && x.lowStrict)) Object.assign(out, { low: x.low, lowStrict: x.lowStrict || (x.low === a.low && a.lowStrict) });
  if (x.high < a.high || (x.high === a.high && x.highStrict)) Object.assign(out, { high: x.high, highStrict: x.highStrict || (x.high === a.high && a.highStrict) });
  return out;
}

/** No value fits the bounds (counts: no whole number ≥ 0 fits). */
function empty(x: Bounds, count: boolean): boolean {
  let { low, high } = x;
  if (count) {
    low = Math.max(0, x.lowStrict ? Math.floor(low) + 1 : Math.ceil(low));
    high = x.highStrict ? Math.ceil(high) - 1 : Math.floor(high);
    return low > high;
  }
  return low > high || (low === high && (x.lowStrict || x.highStrict));
}

function includesZero(x: Bounds): boolean {
  return (x.low < 0 || (x.low === 0 && !x.lowStrict)) && (x.high > 0 || (x.high === 0 && !x.highStrict));
}

/** Text of a syntax subtree without its places, to compare two conditions. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (key, v: unknown) => (key === 'range' || key === 'verbRange' ? undefined : v));
}
