import type * as ast from './ast.js';
import { checkBehaviourExpr, type BehaviourResolver, type BehaviourScope } from './behaviour.js';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { commonType, functions, lookupFunction } from './functions.js';
import type { IRExpr, IRSource } from './ir.js';
import type { ValueType } from './schema.js';
import { suggest } from './suggest.js';

/**
 * Where an expression is evaluated, which decides what its names mean:
 * - `events`: one row per event of `source`; names are columns.
 * - `entity`: one row per entity; names are metrics, segments, the key and `as_of`.
 * - `relation`: rows of another cell's table; names are its output columns.
 * - `constant`: no row at all (as-of values, window bounds).
 */
export type RowScope =
  | { kind: 'events'; source: IRSource | undefined }
  | { kind: 'entity'; source: string | undefined; key?: string; dayColumn?: boolean; only?: ReadonlySet<string> }
  | { kind: 'relation'; columns: readonly { name: string; type: ValueType }[] | undefined; what: string }
  | { kind: 'constant' };

export interface ExprContext {
  /** Rows that names outside any aggregate refer to. */
  rows: RowScope;
  /** Rows that names inside an aggregate refer to; absent when aggregates are not allowed here. */
  aggregateRows?: RowScope;
  /** Why aggregates are refused here, for the message. */
  noAggregateReason?: string;
  /** A filter added to every aggregate of this expression (`where …`, windows). */
  aggregateFilter?: IRExpr;
  /** Set in segment rules, the one place behavioural conditions (`did …`) are allowed. */
  behaviour?: BehaviourScope;
}

/** What the expression checker needs from the notebook-wide checker. */
export interface NameResolver {
  /** A metric or segment of the notebook, checked on demand (which is how cycles are found). */
  entityName(name: ast.Name): EntityName | 'error' | undefined;
  /** All metric and segment names, for "did you mean". */
  entityNames(): string[];
  /** A source's checked definition, for qualified columns like `events.price`. */
  source(name: string): IRSource | undefined;
  /** The source with a column of this name (the given one, else any): for "this is a column" messages. */
  columnOwner(column: string, preferred?: string): IRSource | undefined;
  report(d: Diagnostic): void;
  /** Lookups behavioural conditions need (dsl/behaviour.ts). */
  behaviour?: BehaviourResolver;
}

export type EntityName = { kind: 'metric'; name: string; source: string; type: ValueType } | { kind: 'segment'; name: string; source: string };

export interface CheckedExpr {
  ir: IRExpr;
  type: ValueType;
  /** Contains an aggregate call. */
  aggregated: boolean;
  /** Had an error (already reported); callers skip follow-up checks on it. */
  failed: boolean;
  /** Sources of the metrics and segments it reads. */
  sources: Set<string>;
  /** Metrics and segments it reads directly. */
  reads: Set<string>;
}

const errorExpr = (): CheckedExpr => ({
  ir: { kind: 'literal', type: 'unknown', value: { kind: 'null' } },
  type: 'unknown',
  aggregated: false,
  failed: true,
  sources: new Set(),
  reads: new Set(),
});

function merge(parts: CheckedExpr[], ir: IRExpr, type: ValueType): CheckedExpr {
  const out: CheckedExpr = { ir, type, aggregated: false, failed: false, sources: new Set(), reads: new Set() };
  for (const p of parts) {
    out.aggregated ||= p.aggregated;
    out.failed ||= p.failed;
    p.sources.forEach((s) => out.sources.add(s));
    p.reads.forEach((s) => out.reads.add(s));
  }
  return out;
}

const dateText = /^\d{4}-\d{2}-\d{2}$/;
const timestampText = /^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?(?: ?(?:UTC|Z))?$/;

/** Checks one expression in a context; reports problems through the resolver and never throws. */
export class ExprChecker {
  constructor(private readonly names: NameResolver) {}

  check(e: ast.Expr, ctx: ExprContext, inAggregate = false): CheckedExpr {
    const rows = inAggregate ? ctx.aggregateRows ?? ctx.rows : ctx.rows;
    switch (e.kind) {
      case 'error':
        return errorExpr();
      case 'number':
        return this.leaf({ kind: 'literal', type: 'number', value: { kind: 'number', text: e.text } }, 'number');
      case 'string':
        return this.leaf({ kind: 'literal', type: 'string', value: { kind: 'string', value: e.value } }, 'string');
      case 'boolean':
        return this.leaf({ kind: 'literal', type: 'boolean', value: { kind: 'boolean', value: e.value } }, 'boolean');
      case 'null':
        return this.leaf({ kind: 'literal', type: 'unknown', value: { kind: 'null' } }, 'unknown');
      case 'typed': {
        const ok = e.type === 'date' ? dateText.test(e.value) && isRealDate(e.value) : timestampText.test(e.value) && isRealDate(e.value.slice(0, 10));
        if (!ok) {
          this.names.report(
            diagnostic('invalid-literal', `\`${e.value}\` is not a valid ${e.type}; write ${e.type === 'date' ? '"YYYY-MM-DD"' : '"YYYY-MM-DD hh:mm:ss"'}`, e.range),
          );
          return errorExpr();
        }
        const value = e.type === 'date' ? e.value : e.value.replace(/ ?(UTC|Z)$/, '').replace('T', ' ');
        return this.leaf({ kind: 'literal', type: e.type, value: { kind: e.type, value } }, e.type);
      }
      case 'ref':
        return this.ref(e, rows, inAggregate, ctx);
      case 'call':
        return this.call(e, ctx, inAggregate);
      case 'negate': {
        const operand = this.check(e.operand, ctx, inAggregate);
        this.expectType(operand, 'number', e.operand, 'a number');
        return merge([operand], { kind: 'unary', op: 'negate', operand: operand.ir, type: 'number' }, 'number');
      }
      case 'not': {
        const operand = this.check(e.operand, ctx, inAggregate);
        this.expectType(operand, 'boolean', e.operand, 'a condition');
        return merge([operand], { kind: 'unary', op: 'not', operand: operand.ir, type: 'boolean' }, 'boolean');
      }
      case 'binary':
        return this.binary(e, ctx, inAggregate);
      case 'between': {
        const [operand, low, high] = [e.operand, e.low, e.high].map((x) => this.check(x, ctx, inAggregate)) as [CheckedExpr, CheckedExpr, CheckedExpr];
        this.expectComparable(operand, low, e.low);
        this.expectComparable(operand, high, e.high);
        return merge([operand, low, high], { kind: 'between', negated: e.negated, operand: operand.ir, low: low.ir, high: high.ir, type: 'boolean' }, 'boolean');
      }
      case 'in': {
        const operand = this.check(e.operand, ctx, inAggregate);
        const list = e.list.map((x) => this.check(x, ctx, inAggregate));
        list.forEach((item, i) => this.expectComparable(operand, item, e.list[i]!));
        return merge([operand, ...list], { kind: 'in', negated: e.negated, operand: operand.ir, list: list.map((l) => l.ir), type: 'boolean' }, 'boolean');
      }
      case 'is-null': {
        const operand = this.check(e.operand, ctx, inAggregate);
        return merge([operand], { kind: 'is-null', negated: e.negated, operand: operand.ir, type: 'boolean' }, 'boolean');
      }
      case 'match': {
        const operand = this.check(e.operand, ctx, inAggregate);
        const pattern = this.check(e.pattern, ctx, inAggregate);
        this.expectType(operand, 'string', e.operand, 'text');
        this.expectType(pattern, 'string', e.pattern, 'text');
        return merge([operand, pattern], { kind: 'match', op: e.op, negated: e.negated, operand: operand.ir, pattern: pattern.ir, type: 'boolean' }, 'boolean');
      }
      case 'behaviour':
      case 'rank':
      case 'quantile':
      case 'membership':
        return checkBehaviourExpr(e, ctx, this, this.names);
      case 'case': {
        const parts: CheckedExpr[] = [];
        let type: ValueType = 'unknown';
        const whens = e.whens.map((w) => {
          const condition = this.check(w.condition, ctx, inAggregate);
          const result = this.check(w.result, ctx, inAggregate);
          this.expectType(condition, 'boolean', w.condition, 'a condition');
          type = this.unify(type, result, w.result);
          parts.push(condition, result);
          return { condition: condition.ir, result: result.ir };
        });
        const ir: IRExpr = { kind: 'case', whens, type: 'unknown' };
        if (e.otherwise) {
          const otherwise = this.check(e.otherwise, ctx, inAggregate);
          type = this.unify(type, otherwise, e.otherwise);
          parts.push(otherwise);
          ir.otherwise = otherwise.ir;
        }
        ir.type = type;
        return merge(parts, ir, type);
      }
    }
  }

  private leaf(ir: IRExpr, type: ValueType): CheckedExpr {
    return { ir, type, aggregated: false, failed: false, sources: new Set(), reads: new Set() };
  }

  private unify(acc: ValueType, next: CheckedExpr, at: ast.Expr): ValueType {
    if (next.failed) return acc;
    const t = commonType(acc, next.type);
    if (t === undefined) {
      this.names.report(diagnostic('type-mismatch', `this is ${article(next.type)}, but earlier results are ${article(acc)}`, at.range));
      return acc;
    }
    return t;
  }

  private expectType(x: CheckedExpr, type: ValueType, at: ast.Expr, what: string): void {
    if (x.failed || x.type === 'unknown' || x.type === type) return;
    if (type === 'boolean') {
      this.names.report(diagnostic('not-boolean', `expected ${what}, but this is ${article(x.type)}`, at.range));
      return;
    }
    this.names.report(diagnostic('type-mismatch', `expected ${what}, but this is ${article(x.type)}`, at.range));
  }

  private expectComparable(a: CheckedExpr, b: CheckedExpr, at: ast.Expr): void {
    if (a.failed || b.failed) return;
    if (commonType(a.type, b.type) === undefined) {
      this.names.report(diagnostic('type-mismatch', `cannot compare ${article(a.type)} with ${article(b.type)}`, at.range));
    }
  }

  private binary(e: Extract<ast.Expr, { kind: 'binary' }>, ctx: ExprContext, inAggregate: boolean): CheckedExpr {
    const left = this.check(e.left, ctx, inAggregate);
    const right = this.check(e.right, ctx, inAggregate);
    let type: ValueType;
    switch (e.op) {
      case 'and':
      case 'or':
        this.expectType(left, 'boolean', e.left, 'a condition');
        this.expectType(right, 'boolean', e.right, 'a condition');
        type = 'boolean';
        break;
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
        this.expectType(left, 'number', e.left, 'a number');
        this.expectType(right, 'number', e.right, 'a number');
        type = 'number';
        break;
      default:
        this.expectComparable(left, right, e);
        type = 'boolean';
    }
    return merge([left, right], { kind: 'binary', op: e.op, left: left.ir, right: right.ir, type }, type);
  }

  private call(e: Extract<ast.Expr, { kind: 'call' }>, ctx: ExprContext, inAggregate: boolean): CheckedExpr {
    const fn = lookupFunction(e.name.text);
    if (!fn) {
      const hints = suggest(e.name.text, Object.keys(functions)).map((s) => `did you mean \`${s}\`?`);
      // Its arguments are not checked: whether they are per event or per customer depends on the function.
      this.names.report(diagnostic('unknown-function', `unknown function \`${e.name.text}\``, e.name.range, hints));
      return errorExpr();
    }
    const fnName = e.name.text.toLowerCase();
    const arity = e.star ? 0 : e.args.length;
    if ((e.star && !fn.star) || (e.distinct && !fn.distinct) || arity < fn.minArgs || arity > fn.maxArgs) {
      this.names.report(diagnostic('wrong-arity', `wrong arguments for \`${fnName}\`: write ${fn.usage}`, e.range));
      return errorExpr();
    }
    if (fn.kind === 'aggregate') {
      if (inAggregate) {
        this.names.report(diagnostic('nested-aggregate', `\`${fnName}\` is inside another aggregate; aggregates cannot be nested`, e.name.range));
        return errorExpr();
      }
      if (!ctx.aggregateRows) {
        this.names.report(diagnostic('aggregate-not-allowed', `\`${fnName}\` aggregates, which is not allowed here${ctx.noAggregateReason ? `: ${ctx.noAggregateReason}` : ''}`, e.name.range));
        return errorExpr();
      }
    }
    const args = e.args.map((a) => this.check(a, ctx, inAggregate || fn.kind === 'aggregate'));
    const parts = [...args];
    let type: ValueType = 'unknown';
    if (!args.some((a) => a.failed)) {
      const result = fn.result(args.map((a) => a.type));
      if (typeof result === 'string') type = result;
      else {
        const at = e.args[result.argument] ?? e;
        this.names.report(diagnostic('type-mismatch', `\`${fnName}\` expects ${result.expected} here, not ${article(args[result.argument]?.type ?? 'unknown')}`, at.range));
        return merge(parts, { kind: 'literal', type: 'unknown', value: { kind: 'null' } }, 'unknown');
      }
    }
    if (fn.kind === 'aggregate') {
      const ir: IRExpr = { kind: 'aggregate', fn: fnName, args: args.map((a) => a.ir), distinct: e.distinct, type };
      if (ctx.aggregateFilter) ir.filter = ctx.aggregateFilter;
      const out = merge(parts, ir, type);
      out.aggregated = true;
      return out;
    }
    return merge(parts, { kind: 'call', fn: fnName, args: args.map((a) => a.ir), type }, type);
  }

  private ref(e: Extract<ast.Expr, { kind: 'ref' }>, rows: RowScope, inAggregate: boolean, ctx: ExprContext): CheckedExpr {
    const name = e.name.text;
    if (e.qualifier) return this.qualified(e, rows);
    switch (rows.kind) {
      case 'events': {
        const column = rows.source?.columns.find((c) => c.name === name) ?? rows.source?.columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
        if (column) return this.leaf({ kind: 'column', name: column.name, type: column.type }, column.type);
        if (rows.source && rows.source.columns.length === 0) {
          // No schema: accept the column unchecked (a missing-schema warning was given for the source).
          return this.leaf({ kind: 'column', name, type: 'unknown' }, 'unknown');
        }
        if (name === 'as_of') return this.leaf({ kind: 'as-of', type: 'timestamp' }, 'timestamp');
        const entity = this.names.entityName(e.name);
        if (entity && entity !== 'error') {
          this.names.report(
            diagnostic(
              inAggregate ? 'nested-aggregate' : 'unknown-column',
              inAggregate
                ? `\`${name}\` is a ${entity.kind}, already one value per customer; aggregate a column of the source instead`
                : `\`${name}\` is a ${entity.kind} (one value per customer), not a column of the events`,
              e.name.range,
            ),
          );
          return errorExpr();
        }
        const where = rows.source ? `source \`${rows.source.name}\`` : 'the source';
        const hints = suggest(name, rows.source?.columns.map((c) => c.name) ?? []).map((s) => `did you mean \`${s}\`?`);
        this.names.report(diagnostic('unknown-column', `unknown column \`${name}\` in ${where}`, e.name.range, hints));
        return errorExpr();
      }
      case 'entity': {
        if (name === 'as_of') return this.leaf({ kind: 'as-of', type: 'timestamp' }, 'timestamp');
        if (rows.key && name === rows.key) return this.leaf({ kind: 'column', name, type: 'unknown' }, 'unknown');
        if (rows.dayColumn && name === 'day') return this.leaf({ kind: 'column', name: 'day', type: 'date' }, 'date');
        const entity = this.names.entityName(e.name);
        if (entity === 'error') return errorExpr();
        if (entity) {
          if (rows.only && !rows.only.has(entity.name)) {
            this.names.report(diagnostic('unknown-name', `\`${name}\` is not a column of this per-day profile; add it to the profile's list`, e.name.range));
            return errorExpr();
          }
          const out = entity.kind === 'metric'
            ? this.leaf({ kind: 'metric', name: entity.name, type: entity.type }, entity.type)
            : this.leaf({ kind: 'segment', name: entity.name, type: 'boolean' }, 'boolean');
          out.sources.add(entity.source);
          out.reads.add(entity.name);
          return out;
        }
        const column = this.names.columnOwner(name, rows.source);
        if (column) {
          const fix = ctx.aggregateRows ? `wrap it in an aggregate such as count(${name}) or max(${name})` : `define a metric such as \`metric last_${name} = last(${name})\``;
          this.names.report(diagnostic('column-outside-aggregate', `column \`${name}\` has a value per event, not per customer; ${fix}`, e.name.range));
          return errorExpr();
        }
        const hints = suggest(name, this.names.entityNames()).map((s) => `did you mean \`${s}\`?`);
        this.names.report(diagnostic('unknown-name', `unknown metric or segment \`${name}\``, e.name.range, hints));
        return errorExpr();
      }
      case 'relation': {
        if (!rows.columns) return this.leaf({ kind: 'column', name, type: 'unknown' }, 'unknown');
        const column = rows.columns.find((c) => c.name === name);
        if (column) return this.leaf({ kind: 'column', name: column.name, type: column.type }, column.type);
        const hints = suggest(name, rows.columns.map((c) => c.name)).map((s) => `did you mean \`${s}\`?`);
        this.names.report(diagnostic('unknown-column', `unknown column \`${name}\` in ${rows.what}`, e.name.range, hints));
        return errorExpr();
      }
      case 'constant': {
        if (name === 'as_of') return this.leaf({ kind: 'as-of', type: 'timestamp' }, 'timestamp');
        this.names.report(diagnostic('unknown-name', `\`${name}\` cannot be used here; write a literal such as date "2019-10-31"`, e.name.range));
        return errorExpr();
      }
    }
  }

  private qualified(e: Extract<ast.Expr, { kind: 'ref' }>, rows: RowScope): CheckedExpr {
    const qualifier = e.qualifier!;
    const source = this.names.source(qualifier.text);
    if (!source) {
      this.names.report(diagnostic('unknown-source', `unknown source \`${qualifier.text}\``, qualifier.range));
      return errorExpr();
    }
    if (rows.kind !== 'events' || rows.source?.name !== source.name) {
      this.names.report(diagnostic('unknown-column', `columns of \`${source.name}\` cannot be used here`, e.range));
      return errorExpr();
    }
    return this.ref({ kind: 'ref', name: e.name, range: e.range }, rows, false, { rows });
  }
}

function isRealDate(text: string): boolean {
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

export function article(t: ValueType): string {
  switch (t) {
    case 'number':
      return 'a number';
    case 'string':
      return 'text';
    case 'boolean':
      return 'a condition (true/false)';
    case 'timestamp':
      return 'a time';
    case 'date':
      return 'a date';
    case 'unknown':
      return 'a value';
  }
}
