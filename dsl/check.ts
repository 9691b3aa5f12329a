import type * as ast from './ast.js';
import { ExprChecker, article, type CheckedExpr, type EntityName, type ExprContext, type NameResolver, type RowScope } from './check-expr.js';
import { dedupe, diagnostic, type Diagnostic, type Range } from './diagnostics.js';
import type { IRAsOf, IRDefinition, IRExpr, IRMetric, IRNotebook, IRQuery, IRQueryInput, IRSource } from './ir.js';
import type { SchemaCatalog, ValueType } from './schema.js';
import { suggest } from './suggest.js';
import { checkDestination, checkSchedule, type OperationScope } from './check-operations.js';
import { referencedNames } from './sql-references.js';
import { checkEventColumn, type BehaviourResolver } from './behaviour.js';
import { lintMetricWindow, lintSegment, type LintScope } from './behaviour-lint.js';
import { membershipFile } from './history-paths.js';

/** A definition with the notebook cell it sits in. */
export interface Located<T> {
  node: T;
  cellIndex: number;
}

export interface CheckInput {
  statements: Located<ast.Statement>[];
  sqlCells: Located<ast.SqlCell>[];
  schemas?: SchemaCatalog;
  /** Resolves a source's location to an absolute path (the dsl does no I/O, only path arithmetic). */
  resolveLocation(location: ast.SourceDefinition['location']): string;
  /** The lake file of a segment's membership history (default: under a lake named `lake`, notebook `notebook`). */
  membershipFile?(segment: string): string;
}

export interface CheckResult {
  ir: IRNotebook;
  diagnostics: Diagnostic[];
  /** Every name the notebook defines, checked or not, with its kind and cell: for the API, hovers and completion. */
  names: Map<string, { kind: IRDefinition['kind']; cellIndex: number; range: Range; nameRange: Range; ok: boolean }>;
}

/** Names the compiler keeps for itself. */
export const reservedNames = new Set(['as_of', 'latest', 'day']);

type AnyDefinition = ast.Definition | ast.SqlCell;

/**
 * Resolves names across cells, infers types, separates aggregates from row expressions and finds
 * cycles. Definitions are checked on demand, so a reference checks what it refers to first; a
 * definition met again while it is being checked closes a cycle.
 */
export function check(input: CheckInput): CheckResult {
  return new Checker(input).run();
}

class Checker implements NameResolver {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly defs = new Map<string, Located<AnyDefinition>>();
  private readonly done = new Map<string, IRDefinition | 'error'>();
  private readonly inProgress: string[] = [];
  private readonly exprs = new ExprChecker(this);
  private readonly sources: Located<ast.SourceDefinition>[] = [];
  private readonly reportedCycles = new Set<string>();
  private readonly names: CheckResult['names'] = new Map();

  constructor(private readonly input: CheckInput) {}

  run(): CheckResult {
    let asOf: Located<ast.AsOfDefinition> | undefined;
    const all: Located<AnyDefinition>[] = [];
    for (const s of this.input.statements) {
      if (s.node.kind === 'as-of') {
        if (asOf) this.report(diagnostic('duplicate-name', 'the as-of time is set twice; keep one `as of`', s.node.range));
        else asOf = s as Located<ast.AsOfDefinition>;
        continue;
      }
      all.push(s as Located<ast.Definition>);
    }
    all.push(...this.input.sqlCells);
    all.sort((a, b) => a.node.range.start.offset - b.node.range.start.offset);

    for (const d of all) {
      const name = d.node.name.text;
      if (reservedNames.has(name.toLowerCase())) {
        this.report(diagnostic('duplicate-name', `\`${name}\` is a reserved name; choose another`, d.node.name.range));
        continue;
      }
      const existing = this.defs.get(name.toLowerCase());
      if (existing) {
        this.report(
          diagnostic('duplicate-name', `\`${name}\` is already defined (line ${existing.node.name.range.start.line}); names must be unique across the notebook`, d.node.name.range),
        );
        continue;
      }
      this.defs.set(name.toLowerCase(), d);
      this.names.set(name, { kind: d.node.kind, cellIndex: d.cellIndex, range: d.node.range, nameRange: d.node.name.range, ok: false });
      if (d.node.kind === 'source') this.sources.push(d as Located<ast.SourceDefinition>);
    }

    const definitions: IRDefinition[] = [];
    for (const d of all) {
      const result = this.definition(d.node.name.text);
      if (result && result !== 'error' && !definitions.includes(result)) definitions.push(result);
    }
    definitions.sort((a, b) => a.range.start.offset - b.range.start.offset);
    for (const d of definitions) {
      const n = this.names.get(d.name);
      if (n) n.ok = true;
    }

    const ir: IRNotebook = { asOf: this.asOf(asOf?.node), definitions };
    return { ir, diagnostics: dedupe(this.diagnostics), names: this.names };
  }

  report(d: Diagnostic): void {
    this.diagnostics.push(d);
  }

  // --- NameResolver -------------------------------------------------------------------------------

  entityName(name: ast.Name): EntityName | 'error' | undefined {
    const def = this.defs.get(name.text.toLowerCase());
    if (!def || (def.node.kind !== 'metric' && def.node.kind !== 'segment')) return undefined;
    const checked = this.definition(def.node.name.text, name.range);
    if (!checked || checked === 'error') return 'error';
    if (checked.kind === 'metric') return { kind: 'metric', name: checked.name, source: checked.source, type: checked.type };
    if (checked.kind === 'segment') return { kind: 'segment', name: checked.name, source: checked.source };
    return undefined;
  }

  entityNames(): string[] {
    return [...this.defs.values()].filter((d) => d.node.kind === 'metric' || d.node.kind === 'segment').map((d) => d.node.name.text);
  }

  source(name: string): IRSource | undefined {
    const def = this.defs.get(name.toLowerCase());
    if (!def || def.node.kind !== 'source') return undefined;
    const checked = this.definition(def.node.name.text);
    return checked && checked !== 'error' && checked.kind === 'source' ? checked : undefined;
  }

  columnOwner(column: string, preferred?: string): IRSource | undefined {
    const candidates = preferred ? [preferred] : this.sources.map((s) => s.node.name.text);
    for (const name of candidates) {
      const source = this.source(name);
      if (source?.columns.some((c) => c.name === column)) return source;
    }
    return undefined;
  }

  // --- definitions --------------------------------------------------------------------------------

  /** Checks a definition once; `from` is where it was referenced (for cycle messages). */
  private definition(name: string, from?: Range): IRDefinition | 'error' | undefined {
    const key = name.toLowerCase();
    const def = this.defs.get(key);
    if (!def) return undefined;
    const canonical = def.node.name.text;
    const cached = this.done.get(key);
    if (cached) return cached;
    const cycleStart = this.inProgress.indexOf(canonical);
    if (cycleStart >= 0) {
      const cycle = [...this.inProgress.slice(cycleStart), canonical];
      const id = [...cycle].sort().join(',');
      if (!this.reportedCycles.has(id)) {
        this.reportedCycles.add(id);
        this.report(diagnostic('cyclic-definition', `\`${canonical}\` depends on itself: ${cycle.join(' → ')}`, from ?? def.node.name.range));
      }
      return 'error';
    }
    this.inProgress.push(canonical);
    let result: IRDefinition | 'error';
    try {
      result = this.checkDefinition(def.node) ?? 'error';
    } finally {
      this.inProgress.pop();
    }
    this.done.set(key, result);
    return result;
  }

  private checkDefinition(node: AnyDefinition): IRDefinition | undefined {
    if (node.kind !== 'sql' && node.broken) return undefined;
    switch (node.kind) {
      case 'source':
        return this.checkSource(node);
      case 'metric':
        return this.checkMetric(node);
      case 'profile':
        return this.checkProfile(node);
      case 'segment':
        return this.checkSegment(node);
      case 'query':
        return this.checkQuery(node);
      case 'plot':
        return this.checkPlot(node);
      case 'pipeline':
        return this.checkPipeline(node);
      case 'schedule':
        return checkSchedule(node, this.operationScope);
      case 'destination':
        return checkDestination(node, this.operationScope);
      case 'sql':
        return this.checkSql(node);
    }
  }

  private checkSource(node: ast.SourceDefinition): IRDefinition | undefined {
    const schema = this.input.schemas?.[node.name.text];
    const columns = schema?.columns ?? [];
    let ok = true;
    if (!schema) {
      this.report(
        diagnostic('missing-schema', `the columns of source \`${node.name.text}\` are unknown, so they are not checked; point kohort at the data (--lake) to check them`, node.name.range),
      );
    }
    const column = (n: ast.Name | undefined, role: 'key' | 'time'): string | undefined => {
      if (!n) {
        this.report(diagnostic('syntax-error', `source \`${node.name.text}\` needs \`${role} COLUMN\` (${role === 'key' ? 'the customer id, e.g. key user_id' : 'the event time, e.g. time event_time'})`, node.name.range));
        ok = false;
        return undefined;
      }
      if (!schema) return n.text;
      const c = columns.find((x) => x.name === n.text);
      if (!c) {
        const hints = suggest(n.text, columns.map((x) => x.name)).map((s) => `did you mean \`${s}\`?`);
        this.report(diagnostic('unknown-column', `source \`${node.name.text}\` has no column \`${n.text}\``, n.range, hints));
        ok = false;
        return undefined;
      }
      if (role === 'time' && c.type !== 'timestamp' && c.type !== 'date' && c.type !== 'unknown') {
        this.report(diagnostic('type-mismatch', `the time column must be a timestamp or date, but \`${n.text}\` is ${article(c.type)}`, n.range));
        ok = false;
      }
      return c.name;
    };
    const key = column(node.key, 'key');
    const time = column(node.time, 'time');
    const event = node.event ? checkEventColumn(node.event, node.name.text, schema ? columns : undefined, (d) => this.report(d)) : undefined;
    if (!ok || !key || !time || event === 'error') return undefined;
    return {
      kind: 'source',
      name: node.name.text,
      location: { kind: node.location.kind, path: this.input.resolveLocation(node.location) },
      key,
      time,
      ...(event ? { event } : {}),
      columns,
      range: node.range,
    };
  }

  /** The source a metric without `from` reads: the only one there is. */
  private defaultSource(at: Range, what: string): IRSource | undefined {
    if (this.sources.length === 1) return this.source(this.sources[0]!.node.name.text);
    if (this.sources.length === 0) {
      this.report(diagnostic('unknown-source', `${what} needs a source of events; define one, e.g. source events = lake "events" key user_id time event_time`, at));
    } else {
      this.report(
        diagnostic('ambiguous-source', `${what} could read any of ${this.sources.map((s) => `\`${s.node.name.text}\``).join(', ')}; say which with \`from SOURCE\``, at),
      );
    }
    return undefined;
  }

  private checkMetric(node: ast.MetricDefinition): IRDefinition | undefined {
    let source: IRSource | undefined;
    if (node.from) {
      source = this.source(node.from.text);
      if (!source) {
        if (!this.defs.has(node.from.text.toLowerCase())) {
          const hints = suggest(node.from.text, this.sources.map((s) => s.node.name.text)).map((s) => `did you mean \`${s}\`?`);
          this.report(diagnostic('unknown-source', `unknown source \`${node.from.text}\``, node.from.range, hints));
        }
        return undefined;
      }
    }
    const aggregates = containsAggregate(node.expr);
    if (aggregates && !source) source = this.defaultSource(node.name.range, `metric \`${node.name.text}\``);
    if (aggregates && !source) return undefined;

    const filters: IRExpr[] = [];
    let failed = false;
    const eventRows: RowScope = { kind: 'events', source };
    if (node.where) {
      if (!aggregates) {
        this.report(diagnostic('aggregate-not-allowed', '`where` filters the events an aggregate reads; this metric has no aggregate', node.where.range));
        failed = true;
      } else {
        const where = this.exprs.check(node.where, { rows: eventRows, noAggregateReason: 'a where clause filters single events' });
        if (!where.failed && where.type !== 'boolean' && where.type !== 'unknown') {
          this.report(diagnostic('not-boolean', `a where clause needs a condition, but this is ${article(where.type)}`, node.where.range));
        }
        failed ||= where.failed;
        filters.push(where.ir);
      }
    }
    if (node.window) {
      if (!aggregates || !source) {
        this.report(diagnostic('invalid-window', 'a window limits the events an aggregate reads; this metric has no aggregate', node.window.range));
        failed = true;
      } else {
        const w = this.window(node.window, source);
        if (w) filters.push(w);
        else failed = true;
      }
    }
    const filter = filters.reduce<IRExpr | undefined>((acc, f) => (acc ? { kind: 'binary', op: 'and', left: acc, right: f, type: 'boolean' } : f), undefined);
    const ctx: ExprContext = aggregates
      ? { rows: { kind: 'entity', source: source?.name, key: source?.key }, aggregateRows: eventRows, ...(filter ? { aggregateFilter: filter } : {}) }
      : { rows: { kind: 'entity', source: source?.name, key: source?.key }, noAggregateReason: '' };
    const checked = this.exprs.check(node.expr, ctx);
    if (checked.failed || failed) return undefined;
    if (aggregates && checked.reads.size > 0) {
      this.report(
        diagnostic(
          'aggregate-not-allowed',
          `this metric mixes aggregates with other metrics (${[...checked.reads].map((r) => `\`${r}\``).join(', ')}); define the aggregate as its own metric and combine the two`,
          node.expr.range,
        ),
      );
      return undefined;
    }
    const metricSource = aggregates ? source!.name : this.singleSource(checked, node) ?? undefined;
    if (!metricSource) return undefined;
    lintMetricWindow(node.window, metricSource, this.lintScope);
    const metric: IRMetric = {
      name: node.name.text,
      source: metricSource,
      level: aggregates ? 'aggregate' : 'derived',
      expr: checked.ir,
      type: checked.type,
      windowed: node.window !== undefined || (!aggregates && [...checked.reads].some((r) => this.isWindowed(r))),
      dependsOn: aggregates ? [metricSource] : [...checked.reads],
      range: node.range,
    };
    return { kind: 'metric', ...metric };
  }

  private isWindowed(name: string): boolean {
    const d = this.done.get(name.toLowerCase());
    return !!d && d !== 'error' && d.kind === 'metric' && d.windowed;
  }

  /** The one source of the metrics an entity-level expression reads. */
  private singleSource(checked: CheckedExpr, node: { name: ast.Name; range: Range }): string | undefined {
    const sources = [...checked.sources];
    if (sources.length > 1) {
      this.report(diagnostic('mixed-sources', `\`${node.name.text}\` combines metrics of different sources (${sources.join(', ')}); kohort v1 keeps each to one source`, node.range));
      return undefined;
    }
    if (sources.length === 1) return sources[0];
    const fallback = this.defaultSource(node.name.range, `\`${node.name.text}\``);
    return fallback?.name;
  }

  private window(w: ast.Window, source: IRSource): IRExpr | undefined {
    if (w.kind === 'last') return { kind: 'window-last', time: source.time, amount: w.amount, unit: w.unit, type: 'boolean' };
    const ctx: ExprContext = { rows: { kind: 'constant' }, noAggregateReason: 'window bounds are fixed times' };
    const low = this.exprs.check(w.low, ctx);
    const high = this.exprs.check(w.high, ctx);
    for (const [b, at] of [[low, w.low], [high, w.high]] as const) {
      if (!b.failed && b.type !== 'date' && b.type !== 'timestamp') {
        this.report(diagnostic('invalid-window', `a window bound is a date or time, e.g. date "2019-10-01", not ${article(b.type)}`, at.range));
        return undefined;
      }
    }
    if (low.failed || high.failed) return undefined;
    const l = low.ir.kind === 'literal' ? literalText(low.ir) : undefined;
    const h = high.ir.kind === 'literal' ? literalText(high.ir) : undefined;
    if (l && h && l > h) {
      this.report(diagnostic('invalid-window', `this window is empty: ${l} is after ${h}`, w.range));
      return undefined;
    }
    return { kind: 'window-between', time: source.time, low: low.ir, high: high.ir, type: 'boolean' };
  }

  private checkProfile(node: ast.ProfileDefinition): IRDefinition | undefined {
    const columns: { name: string; expr: IRExpr }[] = [];
    const sources = new Set<string>();
    const dependsOn: string[] = [];
    let failed = false;
    const seen = new Set<string>();
    for (const c of node.columns) {
      if (seen.has(c.text)) {
        this.report(diagnostic('duplicate-name', `\`${c.text}\` is listed twice`, c.range));
        continue;
      }
      seen.add(c.text);
      const entity = this.entityName(c);
      if (entity === 'error') {
        failed = true;
        continue;
      }
      if (!entity) {
        const def = this.defs.get(c.text.toLowerCase());
        if (def) this.report(diagnostic('wrong-cell-kind', `\`${c.text}\` is a ${def.node.kind}; a profile lists metrics${node.grain === 'entity' ? ' and segments' : ''}`, c.range));
        else {
          const hints = suggest(c.text, this.entityNames()).map((s) => `did you mean \`${s}\`?`);
          this.report(diagnostic('unknown-name', `unknown metric \`${c.text}\``, c.range, hints));
        }
        failed = true;
        continue;
      }
      if (node.grain === 'day') {
        if (entity.kind === 'segment') {
          this.report(diagnostic('wrong-cell-kind', `\`${c.text}\` is a segment; a per-day profile lists metrics`, c.range));
          failed = true;
          continue;
        }
        if (this.isWindowed(entity.name)) {
          this.report(
            diagnostic('window-in-daily-profile', `\`${c.text}\` has a window (during …); a per-day profile computes each metric over that day's events`, c.range),
          );
          failed = true;
          continue;
        }
        if (this.usesAsOf(entity.name)) {
          this.report(diagnostic('window-in-daily-profile', `\`${c.text}\` depends on the as-of time, which has no meaning per day`, c.range));
          failed = true;
          continue;
        }
      }
      sources.add(entity.source);
      dependsOn.push(entity.name);
      columns.push({ name: entity.name, expr: entity.kind === 'metric' ? { kind: 'metric', name: entity.name, type: entity.type } : { kind: 'segment', name: entity.name, type: 'boolean' } });
    }
    if (failed) return undefined;
    if (sources.size > 1) {
      this.report(diagnostic('mixed-sources', `profile \`${node.name.text}\` mixes metrics of different sources (${[...sources].join(', ')})`, node.name.range));
      return undefined;
    }
    const source = [...sources][0] ?? this.defaultSource(node.name.range, `profile \`${node.name.text}\``)?.name;
    if (!source) return undefined;
    return { kind: 'profile', name: node.name.text, source, grain: node.grain, columns, dependsOn, range: node.range };
  }

  private usesAsOf(metric: string): boolean {
    const d = this.done.get(metric.toLowerCase());
    if (!d || d === 'error' || d.kind !== 'metric') return false;
    if (exprUses(d.expr, (e) => e.kind === 'as-of' || (e.kind === 'call' && (e.fn === 'days_since' || e.fn === 'hours_since')))) return true;
    return d.dependsOn.some((dep) => dep !== d.source && this.usesAsOf(dep));
  }

  private checkSegment(node: ast.SegmentDefinition): IRDefinition | undefined {
    const ctx: ExprContext = {
      rows: { kind: 'entity', source: undefined },
      noAggregateReason: 'a segment tests metrics; define the aggregate as a metric and use its name',
      behaviour: { segment: node.name.text, count: 0 },
    };
    const checked = this.exprs.check(node.expr, ctx);
    if (checked.failed) return undefined;
    if (checked.type !== 'boolean' && checked.type !== 'unknown') {
      this.report(diagnostic('not-boolean', `a segment is a condition, but this is ${article(checked.type)}; compare it, e.g. ${node.name.text} > 0`, node.expr.range));
      return undefined;
    }
    const source = this.singleSource(checked, node);
    if (!source) return undefined;
    lintSegment(node, source, this.lintScope);
    const metrics = [...checked.reads].filter((r) => {
      const d = this.done.get(r.toLowerCase());
      return d && d !== 'error' && d.kind === 'metric';
    });
    return { kind: 'segment', name: node.name.text, source, condition: checked.ir, shows: metrics, dependsOn: [...checked.reads], range: node.range };
  }

  private checkQuery(node: ast.QueryDefinition): IRDefinition | undefined {
    const input = this.queryInput(node.from);
    if (!input) return undefined;
    const { scope, inputIR, defaultColumns, dependsOn } = input;
    let failed = false;
    const rowCtx: ExprContext = { rows: scope, noAggregateReason: 'aggregates go in select' };

    let where: IRExpr | undefined;
    if (node.where) {
      const w = this.exprs.check(node.where, rowCtx);
      failed ||= w.failed;
      if (!w.failed && w.type !== 'boolean' && w.type !== 'unknown') {
        this.report(diagnostic('not-boolean', `where needs a condition, but this is ${article(w.type)}`, node.where.range));
        failed = true;
      }
      where = w.ir;
      w.reads.forEach((r) => dependsOn.add(r));
    }

    const outputs = new Map<string, ValueType>();
    const addOutput = (name: string, type: ValueType, at: Range): void => {
      if (outputs.has(name)) {
        this.report(diagnostic('duplicate-name', `the query has two columns named \`${name}\`; name one with \`NAME = …\``, at));
        failed = true;
      }
      outputs.set(name, type);
    };

    const groupBy = node.groupBy.map((g) => {
      const c = this.exprs.check(g.expr, { rows: scope, noAggregateReason: 'group by takes row values; aggregates go in select' });
      failed ||= c.failed;
      c.reads.forEach((r) => dependsOn.add(r));
      const name = g.alias?.text ?? defaultName(g.expr);
      if (!name) {
        this.report(diagnostic('syntax-error', 'name this column: `NAME = expression`', g.range));
        failed = true;
      } else addOutput(name, c.type, g.range);
      if (g.filter) {
        this.report(diagnostic('syntax-error', 'a group by item takes no where; filter the query with its where clause', g.filter.range));
        failed = true;
      }
      return { name: name ?? '', expr: c.ir };
    });
    const groupNames = new Map(groupBy.map((g) => [g.name, g.expr]));

    const aggregated = node.groupBy.length > 0 || node.select.some((s) => containsAggregate(s.expr));
    const select = node.select.map((s) => {
      let filter: IRExpr | undefined;
      if (s.filter) {
        const f = this.exprs.check(s.filter, rowCtx);
        failed ||= f.failed;
        f.reads.forEach((r) => dependsOn.add(r));
        filter = f.ir;
        if (!containsAggregate(s.expr)) {
          this.report(diagnostic('aggregate-not-allowed', 'where after a select item filters its aggregate; this item has none', s.filter.range));
          failed = true;
        }
      }
      let c: CheckedExpr;
      if (aggregated) {
        // Outside aggregates, only the groups' columns are visible.
        const groupScope: RowScope = { kind: 'relation', columns: groupBy.map((g) => ({ name: g.name, type: typeOfIR(g.expr) })), what: 'the group by columns (aggregate other values, e.g. sum(x))' };
        c = this.exprs.check(s.expr, { rows: groupScope, aggregateRows: scope, ...(filter ? { aggregateFilter: filter } : {}) });
        c.ir = substituteGroups(c.ir, groupNames);
      } else {
        c = this.exprs.check(s.expr, rowCtx);
      }
      failed ||= c.failed;
      c.reads.forEach((r) => dependsOn.add(r));
      const name = s.alias?.text ?? defaultName(s.expr);
      if (!name) {
        this.report(diagnostic('syntax-error', 'name this column: `NAME = expression`', s.range));
        failed = true;
      } else addOutput(name, c.type, s.range);
      return { name: name ?? '', expr: c.ir };
    });

    const columns = node.select.length === 0 && node.groupBy.length === 0
      ? defaultColumns
      : [...outputs].map(([name, type]) => ({ name, type }));

    const orderBy = node.orderBy.map((o) => {
      if (o.expr.kind === 'ref' && !o.expr.qualifier && outputs.has(o.expr.name.text)) {
        const name = o.expr.name.text;
        return { expr: { kind: 'column', name, type: outputs.get(name)! } as IRExpr, descending: o.descending };
      }
      if (aggregated) {
        this.report(diagnostic('unknown-column', `order by one of the query's columns: ${[...outputs.keys()].map((k) => `\`${k}\``).join(', ')}`, o.expr.range));
        failed = true;
        return { expr: { kind: 'literal', type: 'unknown', value: { kind: 'null' } } as IRExpr, descending: o.descending };
      }
      const c = this.exprs.check(o.expr, rowCtx);
      failed ||= c.failed;
      c.reads.forEach((r) => dependsOn.add(r));
      return { expr: c.ir, descending: o.descending };
    });

    if (failed) return undefined;
    const query: IRQuery = { name: node.name.text, input: inputIR, groupBy, select, orderBy, columns, dependsOn: [...dependsOn], range: node.range };
    if (where) query.where = where;
    if (node.limit) query.limit = node.limit.value;
    return { kind: 'query', ...query };
  }

  private queryInput(from: ast.Name):
    | { scope: RowScope; inputIR: IRQueryInput; defaultColumns: { name: string; type: ValueType }[]; dependsOn: Set<string> }
    | undefined {
    const def = this.defs.get(from.text.toLowerCase());
    if (!def) {
      const candidates = [...this.defs.values()].filter((d) => d.node.kind !== 'metric').map((d) => d.node.name.text);
      const hints = suggest(from.text, candidates).map((s) => `did you mean \`${s}\`?`);
      this.report(diagnostic('unknown-name', `unknown source, profile, segment or query \`${from.text}\``, from.range, hints));
      return undefined;
    }
    const checked = this.definition(def.node.name.text, from.range);
    if (!checked || checked === 'error') return undefined;
    const dependsOn = new Set<string>([checked.name]);
    switch (checked.kind) {
      case 'source':
        return {
          scope: { kind: 'events', source: checked },
          inputIR: { kind: 'events', source: checked.name },
          defaultColumns: checked.columns.map((c) => ({ name: c.name, type: c.type })),
          dependsOn,
        };
      case 'profile': {
        const src = this.source(checked.source);
        const keyType = src?.columns.find((c) => c.name === src.key)?.type ?? 'unknown';
        const cols = [{ name: src?.key ?? 'key', type: keyType }, ...(checked.grain === 'day' ? [{ name: 'day', type: 'date' as ValueType }] : []), ...checked.columns.map((c) => ({ name: c.name, type: typeOfIR(c.expr) }))];
        if (checked.grain === 'day') {
          return {
            scope: { kind: 'entity', source: checked.source, key: src?.key, dayColumn: true, only: new Set(checked.columns.map((c) => c.name)) },
            inputIR: { kind: 'days', source: checked.source, profile: checked.name },
            defaultColumns: cols,
            dependsOn,
          };
        }
        return { scope: { kind: 'entity', source: checked.source, key: src?.key }, inputIR: { kind: 'entities', source: checked.source }, defaultColumns: cols, dependsOn };
      }
      case 'segment': {
        const src = this.source(checked.source);
        const keyType = src?.columns.find((c) => c.name === src.key)?.type ?? 'unknown';
        const cols = [{ name: src?.key ?? 'key', type: keyType }, ...checked.shows.map((m) => ({ name: m, type: this.metricType(m) }))];
        return {
          scope: { kind: 'entity', source: checked.source, key: src?.key },
          inputIR: { kind: 'entities', source: checked.source, segment: checked.name },
          defaultColumns: cols,
          dependsOn,
        };
      }
      case 'query':
        return { scope: { kind: 'relation', columns: checked.columns, what: `query \`${checked.name}\`` }, inputIR: { kind: 'relation', name: checked.name }, defaultColumns: checked.columns, dependsOn };
      case 'sql':
        return { scope: { kind: 'relation', columns: undefined, what: `sql cell \`${checked.name}\`` }, inputIR: { kind: 'relation', name: checked.name }, defaultColumns: [], dependsOn };
      default:
        this.report(diagnostic('wrong-cell-kind', `\`${from.text}\` is a ${checked.kind}; a query reads a source, profile, segment, query or sql cell`, from.range));
        return undefined;
    }
  }

  private metricType(name: string): ValueType {
    const d = this.done.get(name.toLowerCase());
    return d && d !== 'error' && d.kind === 'metric' ? d.type : 'unknown';
  }

  private checkPlot(node: ast.PlotDefinition): IRDefinition | undefined {
    const marks = ['line', 'bar', 'area', 'dot'] as const;
    const mark = marks.find((m) => m === node.mark.text.toLowerCase());
    let failed = false;
    if (!mark) {
      this.report(diagnostic('syntax-error', `unknown mark \`${node.mark.text}\`; a plot is a line, bar, area or dot`, node.mark.range));
      failed = true;
    }
    const def = this.defs.get(node.data.text.toLowerCase());
    if (!def) {
      const hints = suggest(node.data.text, [...this.defs.values()].filter((d) => d.node.kind === 'query' || d.node.kind === 'sql').map((d) => d.node.name.text)).map((s) => `did you mean \`${s}\`?`);
      this.report(diagnostic('unknown-name', `unknown query \`${node.data.text}\``, node.data.range, hints));
      return undefined;
    }
    const data = this.definition(def.node.name.text, node.data.range);
    if (!data || data === 'error') return undefined;
    if (data.kind !== 'query' && data.kind !== 'sql' && data.kind !== 'profile' && data.kind !== 'segment') {
      this.report(diagnostic('wrong-cell-kind', `\`${node.data.text}\` is a ${data.kind}; a plot draws a query, sql cell, profile or segment`, node.data.range));
      return undefined;
    }
    const known = data.kind === 'query' ? data.columns.map((c) => c.name) : undefined;
    const channels: Record<string, string> = {};
    for (const { channel, value } of node.channels) {
      const ch = channel.text.toLowerCase();
      if (ch !== 'x' && ch !== 'y' && ch !== 'color') {
        this.report(diagnostic('syntax-error', `unknown channel \`${channel.text}\`; a plot takes x, y and color`, channel.range));
        failed = true;
        continue;
      }
      if (known && !known.includes(value.text)) {
        const hints = suggest(value.text, known).map((s) => `did you mean \`${s}\`?`);
        this.report(diagnostic('unknown-column', `\`${data.name}\` has no column \`${value.text}\``, value.range, hints));
        failed = true;
      }
      channels[ch] = value.text;
    }
    for (const required of ['x', 'y']) {
      if (!channels[required]) {
        this.report(diagnostic('syntax-error', `a plot needs \`${required} = COLUMN\``, node.name.range));
        failed = true;
      }
    }
    if (failed || !mark) return undefined;
    const spec: IRDefinition & { kind: 'plot' } = {
      kind: 'plot',
      name: node.name.text,
      spec: { mark, data: data.name, x: channels.x!, y: channels.y!, ...(channels.color ? { color: channels.color } : {}) },
      dependsOn: [data.name],
      range: node.range,
    };
    return spec;
  }

  /** Lookups for behavioural conditions (dsl/behaviour.ts). */
  readonly behaviour: BehaviourResolver = {
    defaultSource: (at, what) => this.defaultSource(at, what),
    segment: (name) => {
      const def = this.defs.get(name.toLowerCase());
      if (def?.node.kind !== 'segment') return undefined;
      // A segment's history does not depend on its rule, so it is not checked here (a rule may read its own history).
      const done = this.done.get(name.toLowerCase());
      return { name: def.node.name.text, ...(done && done !== 'error' && done.kind === 'segment' ? { source: done.source } : {}) };
    },
    segmentNames: () => [...this.defs.values()].filter((d) => d.node.kind === 'segment').map((d) => d.node.name.text),
    membershipFile: (segment) => this.input.membershipFile?.(segment) ?? membershipFile('lake', 'notebook', segment),
    window: (w, source) => {
      const checked = this.window(w, source);
      return checked?.kind === 'window-last' || checked?.kind === 'window-between' ? checked : undefined;
    },
  };

  private readonly lintScope: LintScope = {
    report: (d) => this.report(d),
    metric: (name) => {
      const d = this.done.get(name.toLowerCase());
      return d && d !== 'error' && d.kind === 'metric' ? d : undefined;
    },
    timeRange: (source) => this.input.schemas?.[source]?.timeRange,
  };

  private readonly operationScope: OperationScope = {
    report: (d) => this.report(d),
    lookup: (name) => {
      const def = this.defs.get(name.toLowerCase());
      return def ? { name: def.node.name.text, kind: def.node.kind } : undefined;
    },
    names: () => [...this.defs.values()].map((d) => d.node.name.text),
    sourceKind: (name) => {
      const def = this.defs.get(name.toLowerCase());
      return def?.node.kind === 'source' ? def.node.location.kind : undefined;
    },
  };

  private checkPipeline(node: ast.PipelineDefinition): IRDefinition | undefined {
    let failed = false;
    const fail = (message: string, range: Range, hints?: string[]) => {
      this.report(diagnostic('invalid-pipeline', message, range, hints));
      failed = true;
    };
    if (node.connector.text.toLowerCase() !== 'kafka') fail(`unknown connector \`${node.connector.text}\`; pipelines read kafka`, node.connector.range);
    const topics = node.topics.map((x) => x.value);
    for (const x of node.topics) if (!/^[A-Za-z0-9._-]{1,249}$/.test(x.value)) fail(`\`${x.value}\` is not a Kafka topic name (letters, digits, . _ -)`, x.range);
    const spec = { brokers: [] as string[], format: 'json' as 'json' | 'csv', source: undefined as string | undefined, lake: undefined as string | undefined, group: undefined as string | undefined, flush: { rows: 100_000, bytes: 64 * 1024 * 1024, seconds: 2 } };
    const seen = new Set<string>();
    for (const c of node.clauses) {
      const clause = c.clause.text.toLowerCase();
      if (seen.has(clause)) fail(`\`${clause}\` is given twice`, c.clause.range);
      seen.add(clause);
      const needText = (what: string) => {
        if (c.text === undefined) fail(`\`${clause}\` takes ${what} in quotes`, c.range);
        return c.text ?? '';
      };
      switch (clause) {
        case 'brokers': {
          spec.brokers = needText('host:port[,host:port…]').split(',').map((b) => b.trim()).filter((b) => b.length > 0);
          for (const b of spec.brokers) if (!/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/.test(b)) fail(`\`${b}\` is not a broker address (host:port)`, c.range);
          break;
        }
        case 'format': {
          const f = c.names?.length === 1 ? c.names[0]!.text.toLowerCase() : undefined;
          if (f === 'json' || f === 'csv') spec.format = f;
          else fail('format is json or csv (REES46 lines)', c.range);
          break;
        }
        case 'into':
          if (c.names?.length !== 1) fail('`into` names the source the events land in, e.g. into events', c.range);
          else spec.source = c.names[0]!.text;
          break;
        case 'lake':
          spec.lake = needText('a path or an hdfs:// URL');
          if (c.text !== undefined && !/^(file:|hdfs:\/\/|webhdfs:\/\/|https?:\/\/|\/|\.)/.test(c.text)) fail('lake is a path, a file: URL or an hdfs:// (WebHDFS) URL', c.range);
          break;
        case 'group':
          spec.group = needText('a consumer group name');
          break;
        case 'flush': {
          if (!c.amounts?.length) {
            fail('flush takes limits such as `flush 50000 rows, 64 mb, 2 seconds`', c.range);
            break;
          }
          for (const { amount, unit, range } of c.amounts) {
            if (!unit) {
              fail('a flush limit needs a unit: rows, bytes, kb, mb, gb, seconds or ms', range);
              continue;
            }
            const u = unit.text.toLowerCase();
            const scale: Record<string, ['rows' | 'bytes' | 'seconds', number]> = {
              rows: ['rows', 1], row: ['rows', 1], bytes: ['bytes', 1], kb: ['bytes', 1024], mb: ['bytes', 1024 ** 2], gb: ['bytes', 1024 ** 3],
              seconds: ['seconds', 1], second: ['seconds', 1], s: ['seconds', 1], ms: ['seconds', 0.001],
            };
            const entry = scale[u];
            if (!entry) fail(`unknown flush unit \`${unit.text}\`; use rows, bytes, kb, mb, gb, seconds or ms`, unit.range);
            else if (!(amount > 0)) fail('a flush limit is a positive number', c.range);
            else spec.flush[entry[0]] = amount * entry[1];
          }
          break;
        }
        default:
          fail(`unknown pipeline clause \`${c.clause.text}\``, c.clause.range, suggest(c.clause.text, ['brokers', 'format', 'into', 'lake', 'group', 'flush']).map((s) => `did you mean \`${s}\`?`));
      }
    }
    if (spec.brokers.length === 0) fail('a pipeline needs `brokers "host:port"`', node.name.range);
    if (!spec.source) {
      fail('a pipeline needs `into SOURCE`: the lake source its events land in', node.name.range);
      return undefined;
    }
    const def = this.defs.get(spec.source.toLowerCase());
    const source = def?.node.kind === 'source' ? this.definition(def.node.name.text, node.range) : undefined;
    if (!source || source === 'error' || source.kind !== 'source') {
      if (!def) fail(`unknown source \`${spec.source}\``, node.range, suggest(spec.source, this.sources.map((s) => s.node.name.text)).map((s) => `did you mean \`${s}\`?`));
      else if (def.node.kind !== 'source') fail(`\`${spec.source}\` is a ${def.node.kind}; a pipeline lands into a source`, node.range);
      return undefined;
    }
    if (def?.node.kind === 'source' && def.node.location.kind !== 'lake') fail(`source \`${spec.source}\` reads ${def.node.location.kind} files; a pipeline lands into a lake source`, node.range);
    if (failed) return undefined;
    const dataset = def?.node.kind === 'source' ? def.node.location.path : spec.source;
    return {
      kind: 'pipeline',
      name: node.name.text,
      connector: 'kafka',
      topics,
      brokers: spec.brokers,
      format: spec.format,
      source: source.name,
      dataset,
      ...(spec.lake !== undefined ? { lake: spec.lake } : {}),
      ...(spec.group !== undefined ? { group: spec.group } : {}),
      flush: spec.flush,
      dependsOn: [source.name],
      range: node.range,
    };
  }

  private checkSql(node: ast.SqlCell): IRDefinition | undefined {
    const body = node.sql.trim().replace(/;\s*$/, '');
    if (body.length === 0) {
      this.report(diagnostic('sql-cell-empty', `sql cell \`${node.name.text}\` is empty; write a SELECT`, node.range));
      return undefined;
    }
    const dependsOn: string[] = [];
    for (const ref of referencedNames(body)) {
      const def = this.defs.get(ref.toLowerCase());
      if (!def || def.node.kind === 'metric' || def.node.name.text === node.name.text) continue;
      const checked = this.definition(def.node.name.text, node.name.range);
      if (!checked || checked === 'error') return undefined;
      if (!dependsOn.includes(checked.name)) dependsOn.push(checked.name);
    }
    return { kind: 'sql', name: node.name.text, sql: body, dependsOn, range: node.range };
  }

  private asOf(node: ast.AsOfDefinition | undefined): IRAsOf {
    if (!node) return { kind: 'latest' };
    if (node.value.kind === 'ref' && !node.value.qualifier && node.value.name.text.toLowerCase() === 'latest') return { kind: 'latest' };
    const c = this.exprs.check(node.value, { rows: { kind: 'constant' }, noAggregateReason: 'the as-of time is a fixed time' });
    if (c.failed) return { kind: 'latest' };
    if (c.type !== 'date' && c.type !== 'timestamp') {
      this.report(diagnostic('type-mismatch', `as of takes \`latest\`, a date "YYYY-MM-DD" or a timestamp "YYYY-MM-DD hh:mm:ss", not ${article(c.type)}`, node.value.range));
      return { kind: 'latest' };
    }
    return { kind: 'fixed', value: c.ir };
  }
}

function containsAggregate(e: ast.Expr): boolean {
  switch (e.kind) {
    case 'call':
      return ['count', 'sum', 'avg', 'median', 'stddev', 'min', 'max', 'mode', 'first', 'last'].includes(e.name.text.toLowerCase()) || e.args.some(containsAggregate);
    case 'negate':
    case 'not':
    case 'is-null':
      return containsAggregate(e.operand);
    case 'binary':
      return containsAggregate(e.left) || containsAggregate(e.right);
    case 'between':
      return [e.operand, e.low, e.high].some(containsAggregate);
    case 'in':
      return [e.operand, ...e.list].some(containsAggregate);
    case 'match':
      return containsAggregate(e.operand) || containsAggregate(e.pattern);
    case 'case':
      return e.whens.some((w) => containsAggregate(w.condition) || containsAggregate(w.result)) || (e.otherwise ? containsAggregate(e.otherwise) : false);
    default:
      return false;
  }
}

/** Calls `visit` on every node of an IR expression; true when it returns true for any. */
export function exprUses(e: IRExpr, test: (e: IRExpr) => boolean): boolean {
  if (test(e)) return true;
  switch (e.kind) {
    case 'aggregate':
      return e.args.some((a) => exprUses(a, test)) || (e.filter ? exprUses(e.filter, test) : false);
    case 'call':
      return e.args.some((a) => exprUses(a, test));
    case 'unary':
    case 'is-null':
      return exprUses(e.operand, test);
    case 'binary':
      return exprUses(e.left, test) || exprUses(e.right, test);
    case 'between':
      return [e.operand, e.low, e.high].some((x) => exprUses(x, test));
    case 'in':
      return [e.operand, ...e.list].some((x) => exprUses(x, test));
    case 'match':
      return exprUses(e.operand, test) || exprUses(e.pattern, test);
    case 'case':
      return e.whens.some((w) => exprUses(w.condition, test) || exprUses(w.result, test)) || (e.otherwise ? exprUses(e.otherwise, test) : false);
    case 'window-between':
      return exprUses(e.low, test) || exprUses(e.high, test);
    default:
      return false;
  }
}

function substituteGroups(e: IRExpr, groups: Map<string, IRExpr>): IRExpr {
  // Group columns referenced outside aggregates compile to the group's own expression.
  if (e.kind === 'column' && groups.has(e.name)) return groups.get(e.name)!;
  switch (e.kind) {
    case 'call':
      return { ...e, args: e.args.map((a) => substituteGroups(a, groups)) };
    case 'unary':
      return { ...e, operand: substituteGroups(e.operand, groups) };
    case 'binary':
      return { ...e, left: substituteGroups(e.left, groups), right: substituteGroups(e.right, groups) };
    case 'case':
      return {
        ...e,
        whens: e.whens.map((w) => ({ condition: substituteGroups(w.condition, groups), result: substituteGroups(w.result, groups) })),
        ...(e.otherwise ? { otherwise: substituteGroups(e.otherwise, groups) } : {}),
      };
    default:
      return e;
  }
}

function typeOfIR(e: IRExpr): ValueType {
  return e.type;
}

function literalText(e: Extract<IRExpr, { kind: 'literal' }>): string | undefined {
  return e.value.kind === 'date' || e.value.kind === 'timestamp' ? e.value.value : undefined;
}

/** The column name an unnamed item gets: a name's own, or a function's. */
function defaultName(e: ast.Expr): string | undefined {
  if (e.kind === 'ref') return e.name.text;
  if (e.kind === 'call') return e.name.text.toLowerCase();
  return undefined;
}
