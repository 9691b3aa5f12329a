import type { CstNode, IToken } from 'chevrotain';
import type * as ast from './ast.js';
import type * as b from './behaviour-ast.js';
import type * as cst from './cst.js';
import { diagnostic, type Diagnostic, type Range } from './diagnostics.js';
import { suggest } from './suggest.js';
import { unquote } from './to-ast.js';

/** What the behaviour builder borrows from the CST visitor in to-ast.ts. */
export interface AstParts {
  expr(node: CstNode | undefined): ast.Expr;
  name(node: CstNode | undefined): ast.Name | undefined;
  window(node: CstNode): ast.Window | undefined;
  nodeRange(node: CstNode | undefined): Range;
  tokenRange(token: IToken): Range;
  report(d: Diagnostic): void;
}

const wordClauses = ['at least', 'at most', 'exactly', 'within', 'all within', 'for', 'after', 'for the first time', 'without'];

/** Clauses that belong to the whole condition, so they go after its last step. */
type ConditionClause = 'frequency' | 'firstTime' | 'regularly' | 'quietFor' | 'gapAfter' | 'total' | 'same' | 'window' | 'from';

const clauseText: Record<ConditionClause, string> = {
  frequency: 'how often (`at least …`)',
  firstTime: '`for the first time`',
  regularly: '`in at least … of the last …`',
  quietFor: '`for …`',
  gapAfter: '`after …`',
  total: '`all within …`',
  same: '`with same …`',
  window: 'the window (`during …`)',
  from: '`from SOURCE`',
};

/**
 * Builds behavioural conditions from their CST: sorts each step's clauses into the step's own
 * (`within`, `without`) and the condition's (how often, windows, `with same`), and rejects words
 * that are not clauses. Whether the result makes sense is the checker's business (behaviour.ts).
 */
export class BehaviourAstBuilder {
  constructor(private readonly p: AstParts) {}

  condition(ctx: cst.BehaviourConditionCstChildren, node: CstNode): ast.Expr {
    const range = this.p.nodeRange(node);
    const verbToken = ctx.verb?.[0];
    const stepNodes = ctx.steps ?? [];
    if (!verbToken || stepNodes.length === 0) return { kind: 'error', range };
    const out: b.BehaviourAst = {
      kind: 'behaviour',
      verb: verbToken.image.toLowerCase() as b.BehaviourVerb,
      verbRange: this.p.tokenRange(verbToken),
      steps: [],
      same: [],
      range,
    };
    let failed = false;
    stepNodes.forEach((stepNode, i) => {
      const step = this.step(stepNode, out, i === stepNodes.length - 1);
      if (step) out.steps.push(step);
      else failed = true;
    });
    return failed ? { kind: 'error', range } : out;
  }

  private step(node: cst.BehaviourStepCstNode, condition: b.BehaviourAst, last: boolean): b.StepAst | undefined {
    const c = node.children;
    const range = this.p.nodeRange(node);
    const events = this.events(c.eventNames?.[0], c.anything?.[0]);
    if (!events) return undefined;
    const step: b.StepAst = { negated: c.Not !== undefined, events, without: [], range };
    if (c.filter?.[0]) step.filter = this.p.expr(c.filter[0]);
    let ok = true;
    for (const clauseNode of c.behaviourClause ?? []) {
      const clause = clauseNode.children;
      const at = this.p.nodeRange(clauseNode);
      const set = <K extends ConditionClause>(key: K, value: b.BehaviourAst[K]): void => {
        if (!last) {
          this.p.report(diagnostic('syntax-error', `${clauseText[key]} is about the whole condition: put it after the last step`, at));
          ok = false;
        } else if (condition[key] !== undefined && !(Array.isArray(condition[key]) && condition[key].length === 0)) {
          this.p.report(diagnostic('syntax-error', `${clauseText[key]} is given twice`, at));
          ok = false;
        } else condition[key] = value;
      };
      if (clause.window?.[0]) {
        const w = this.p.window(clause.window[0]);
        if (w) set('window', w);
        else ok = false;
      } else if (clause.From) {
        const source = this.p.name(clause.source?.[0]);
        if (source) set('from', source);
        else ok = false;
      } else if (clause.With) {
        const same = clause.same?.[0];
        const columns = (clause.columns ?? []).map((n) => this.p.name(n)).filter((n): n is ast.Name => n !== undefined);
        if (!same || same.isInsertedInRecovery || same.image.toLowerCase() !== 'same') {
          this.p.report(diagnostic('syntax-error', 'tie the steps by a column with `with same COLUMN`, e.g. with same product_id', at));
          ok = false;
        } else set('same', columns);
      } else if (clause.Between) {
        const low = this.number(clause.low?.[0]);
        const high = this.number(clause.high?.[0]);
        if (low && high && this.times(clause.unit?.[0])) set('frequency', { op: 'between', low, high, range: at });
        else ok = false;
      } else if (clause.regularlyClause?.[0]) {
        const r = this.regularly(clause.regularlyClause[0]);
        if (r) set('regularly', r);
        else ok = false;
      } else if (clause.wordClause?.[0]) {
        ok = this.wordClause(clause.wordClause[0], step, set) && ok;
      } else ok = false;
    }
    return ok ? step : undefined;
  }

  private wordClause(
    node: cst.WordClauseCstNode,
    step: b.StepAst,
    set: <K extends ConditionClause>(key: K, value: b.BehaviourAst[K]) => void,
  ): boolean {
    const c = node.children;
    const range = this.p.nodeRange(node);
    if (c.words.some((w) => w.isInsertedInRecovery)) return false;
    const words = c.words.map((w) => w.image.toLowerCase()).join(' ');
    const amount = c.amount?.[0];
    const duration = (): b.DurationAst | undefined => {
      const n = this.number(amount);
      const unit = c.unit?.[0];
      if (!n || !unit || unit.isInsertedInRecovery) return undefined;
      return { amount: n, unit: { text: unit.image, range: this.p.tokenRange(unit) }, range };
    };
    const frequency = (op: b.FrequencyAst['op']): boolean => {
      const low = this.number(amount);
      if (!low || !this.times(c.unit?.[0])) return false;
      set('frequency', { op, low, range });
      return true;
    };
    if (c.eventNames?.[0]) {
      if (words !== 'without') return this.unknown(c.words, range);
      const events = this.events(c.eventNames[0], undefined);
      if (!events) return false;
      step.without.push({ events, ...(c.filter?.[0] ? { filter: this.p.expr(c.filter[0]) } : {}), range });
      return true;
    }
    if (amount) {
      switch (words) {
        case 'at least':
          return frequency('at-least');
        case 'at most':
          return frequency('at-most');
        case 'exactly':
          return frequency('exactly');
        case 'within': {
          const d = duration();
          if (!d) return false;
          if (step.within) {
            this.p.report(diagnostic('syntax-error', '`within` is given twice for this step', range));
            return false;
          }
          step.within = d;
          return true;
        }
        case 'all within':
        case 'for':
        case 'after': {
          const d = duration();
          if (!d) return false;
          set(words === 'all within' ? 'total' : words === 'for' ? 'quietFor' : 'gapAfter', d);
          return true;
        }
      }
      return this.unknown(c.words, range);
    }
    if (words === 'for the first time') {
      set('firstTime', range);
      return true;
    }
    return this.unknown(c.words, range);
  }

  private unknown(words: IToken[], range: Range): false {
    const written = words.map((w) => w.image.toLowerCase()).join(' ');
    const hints = suggest(written, wordClauses).map((s) => `did you mean \`${s}\`?`);
    this.p.report(
      diagnostic(
        'syntax-error',
        `\`${written}\` is not a clause; a step takes at least/at most/exactly N times, within/for/after N days, all within …, for the first time, without "event", with same COLUMN or during …`,
        range,
        hints,
      ),
    );
    return false;
  }

  private regularly(node: cst.RegularlyClauseCstNode): b.RegularlyAst | undefined {
    const c = node.children;
    const range = this.p.nodeRange(node);
    const words = (c.words ?? []).map((w) => w.image.toLowerCase());
    const expected = words.length === 4 ? ['at', 'least', 'the', 'last'] : ['at', 'least', 'last'];
    const atLeast = this.number(c.atLeast?.[0]);
    const periods = this.number(c.periods?.[0]);
    const unit = c.unit?.[0];
    if (words.join(' ') !== expected.join(' ')) {
      this.p.report(diagnostic('syntax-error', 'write regularity as `in at least N of the last M weeks` (or days, months)', range));
      return undefined;
    }
    if (!atLeast || !periods || !unit || unit.isInsertedInRecovery) return undefined;
    return { atLeast, periods, unit: { text: unit.image, range: this.p.tokenRange(unit) }, range };
  }

  private events(node: cst.EventNamesCstNode | undefined, anything: IToken | undefined): b.EventsAst | undefined {
    if (anything) {
      const range = this.p.tokenRange(anything);
      if (anything.isInsertedInRecovery) return undefined;
      if (anything.image.toLowerCase() !== 'anything') {
        this.p.report(
          diagnostic('syntax-error', `an event is named in quotes ("${anything.image}") or is \`anything\`; \`${anything.image}\` is neither`, range, [`did you mean "${anything.image}"?`]),
        );
        return undefined;
      }
      return { names: [], anything: true, range };
    }
    if (!node) return undefined;
    const names = (node.children.names ?? []).filter((x) => !x.isInsertedInRecovery).map((x) => ({ value: unquote(x.image), range: this.p.tokenRange(x) }));
    if (names.length === 0) return undefined;
    return { names, anything: false, range: this.p.nodeRange(node) };
  }

  private number(token: IToken | undefined): b.NumberText | undefined {
    if (!token || token.isInsertedInRecovery) return undefined;
    return { text: token.image, value: Number(token.image), range: this.p.tokenRange(token) };
  }

  /** The unit of a frequency: `times` (or `time`). */
  private times(unit: IToken | undefined): boolean {
    if (!unit || unit.isInsertedInRecovery) return false;
    if (/^times?$/i.test(unit.image)) return true;
    this.p.report(diagnostic('syntax-error', `how often is counted in times (\`3 times\`), not \`${unit.image}\``, this.p.tokenRange(unit)));
    return false;
  }

  rank(ctx: cst.RankConditionCstChildren, node: CstNode): ast.Expr {
    const range = this.p.nodeRange(node);
    const direction = ctx.direction?.[0];
    const amount = this.number(ctx.amount?.[0]);
    if (!direction || !amount) return { kind: 'error', range };
    const word = direction.image.toLowerCase();
    if (word !== 'top' && word !== 'bottom') {
      this.p.report(diagnostic('syntax-error', `expected \`top\` or \`bottom\` before a number, found \`${direction.image}\``, this.p.tokenRange(direction)));
      return { kind: 'error', range };
    }
    return { kind: 'rank', direction: word, amount, percent: ctx.Percent !== undefined, by: this.p.expr(ctx.by?.[0]), range };
  }

  membership(ctx: cst.MembershipConditionCstChildren, node: CstNode): ast.Expr {
    const range = this.p.nodeRange(node);
    const change = ctx.change?.[0]?.image.toLowerCase();
    const segment = this.p.name(ctx.segment?.[0]);
    if (!segment || (change !== 'entered' && change !== 'left' && change !== 'was')) return { kind: 'error', range };
    const out: b.MembershipAst = { kind: 'membership', change, segment, range };
    const window = ctx.window?.[0];
    if (window) {
      const w = this.p.window(window);
      if (!w) return { kind: 'error', range };
      out.window = w;
    }
    const on = ctx.on?.[0];
    if (on) {
      if (on.image.toLowerCase() !== 'on') {
        this.p.report(diagnostic('syntax-error', `expected \`on\` or \`during\` after \`${change} ${segment.text}\`, found \`${on.image}\``, this.p.tokenRange(on)));
        return { kind: 'error', range };
      }
      out.on = this.p.expr(ctx.at?.[0]);
    }
    return out;
  }

  /** `revenue above median` / `below percentile 25`, the rest of a predicate after its left value. */
  quantile(ctx: cst.PredicateCstChildren, operand: ast.Expr, range: Range): ast.Expr {
    const position = ctx.position?.[0];
    const statistic = ctx.statistic?.[0];
    if (!position || !statistic || statistic.isInsertedInRecovery) return { kind: 'error', range };
    const stat = statistic.image.toLowerCase();
    const percentile = this.number(ctx.percentile?.[0]);
    const out: b.QuantileAst = { kind: 'quantile', operand, above: position.image.toLowerCase() === 'above', range };
    if (stat === 'median' && !percentile) return out;
    if (stat === 'percentile' && percentile) return { ...out, percentile };
    this.p.report(
      diagnostic('syntax-error', `after \`${position.image}\` write \`median\` or \`percentile N\` (0–100), e.g. revenue ${position.image.toLowerCase()} percentile 90`, this.p.tokenRange(statistic)),
    );
    return { kind: 'error', range };
  }
}
