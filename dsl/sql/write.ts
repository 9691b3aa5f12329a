import type { Relation } from '../compiled.js';
import type { IRDefinition, IRExpr, IRMetric, IRNotebook, IRQuery, IRSource } from '../ir.js';
import { BehaviourSql } from './behaviour.js';
import { precedence, type Dialect, type SqlFragment } from './dialect.js';

/** A cell's SQL in parts: the relations it reads (in dependency order) and its own SELECT. */
export interface CellSql {
  /** Relations the SELECT reads directly. */
  reads: string[];
  /** Every relation needed, dependencies first. */
  relations: string[];
  select: string;
}

export interface WrittenNotebook {
  relations: Relation[];
  cells: Map<string, CellSql>;
  /** A one-row SELECT of the as-of time. */
  asOfSql: string;
}

export interface WriteOptions {
  /** An as-of time from outside (CLI, engine): a date or timestamp literal that wins over the notebook's. */
  asOf?: { kind: 'date' | 'timestamp'; value: string };
}

/** The internal relation names; the checker keeps user names from clashing with them. */
export const relationNames = {
  asOf: 'as_of',
  metrics: (source: string) => `${source}__metrics`,
  daily: (source: string) => `${source}__daily`,
};

const indent = (sql: string, by = '  ') => sql.split('\n').map((l) => (l ? by + l : l)).join('\n');

/**
 * Writes SQL from the checked IR. All aggregate metrics of a source are computed in one scan per
 * grain (FILTER clauses, no subquery per metric); derived metrics and segment rules are expanded
 * into the cells that read them. Deterministic: the same IR gives byte-identical SQL.
 */
export function writeNotebook(ir: IRNotebook, dialect: Dialect, options: WriteOptions = {}): WrittenNotebook {
  return new Writer(ir, dialect, options).write();
}

class Writer {
  private readonly byName = new Map<string, IRDefinition>();
  private readonly relations = new Map<string, Relation>();
  private readonly q: (name: string) => string;
  private readonly asOfExpr: string;

  constructor(
    private readonly ir: IRNotebook,
    private readonly d: Dialect,
    private readonly options: WriteOptions,
  ) {
    for (const def of ir.definitions) this.byName.set(def.name, def);
    this.q = (name) => d.identifier(name);
    const fixed = options.asOf ?? (ir.asOf.kind === 'fixed' && ir.asOf.value.kind === 'literal' ? ir.asOf.value.value : undefined);
    // A fixed as-of is inlined as a literal so DuckDB can push it into the Parquet scan.
    this.asOfExpr = fixed && (fixed.kind === 'date' || fixed.kind === 'timestamp') ? d.asOfInstant(fixed) : `(SELECT ${this.q('as_of')} FROM ${this.q(relationNames.asOf)})`;
    this.fixedAsOf = fixed !== undefined;
    this.behaviours = new BehaviourSql(ir, {
      dialect: d,
      asOf: this.asOfExpr,
      asOfRelations: this.asOfDep(),
      expr: (e) => this.expr(e, {}),
      source: (name) => this.source(name),
      metricsRelation: relationNames.metrics,
    });
  }

  /** Behavioural conditions of segments: columns of the per-customer scans, sequence relations. */
  private readonly behaviours: BehaviourSql;

  private readonly fixedAsOf: boolean;

  write(): WrittenNotebook {
    const sources = this.ir.definitions.filter((d): d is IRDefinition & { kind: 'source' } => d.kind === 'source');
    const asOfSql = this.fixedAsOf ? `SELECT ${this.asOfExpr} AS ${this.q('as_of')}` : this.latestAsOf(sources);
    if (!this.fixedAsOf) this.addRelation(relationNames.asOf, asOfSql, [], 'as-of');

    for (const source of sources) {
      this.addRelation(
        source.name,
        `SELECT *\nFROM ${this.d.scan(source.location)}\nWHERE ${this.q(source.time)} <= ${this.asOfExpr}`,
        this.fixedAsOf ? [] : [relationNames.asOf],
        'source',
      );
      this.addRelation(relationNames.metrics(source.name), this.scan(source, 'entity'), [source.name, ...(this.fixedAsOf ? [] : [relationNames.asOf])], 'metrics');
      if (this.dailyMetrics(source).length > 0 || this.ir.definitions.some((d) => d.kind === 'profile' && d.grain === 'day' && d.source === source.name)) {
        this.addRelation(relationNames.daily(source.name), this.scan(source, 'day'), [source.name], 'daily');
      }
    }
    for (const r of this.behaviours.relations()) this.relations.set(r.name, r);

    const cells = new Map<string, CellSql>();
    for (const def of this.ir.definitions) {
      const select = this.definitionSql(def);
      if (select === undefined) continue;
      const deps = [...new Set([...this.relationDeps(def), ...this.behaviours.relationsFor(def)])];
      if (def.kind !== 'source') this.addRelation(def.name, select.body, deps);
      cells.set(def.name, { reads: deps, relations: this.closure(deps), select: select.cell });
    }
    return { relations: [...this.relations.values()], cells, asOfSql };
  }

  private addRelation(name: string, sql: string, dependsOn: string[], kind: Relation['kind'] = 'definition'): void {
    this.relations.set(name, { name, kind, sql, dependsOn });
  }

  /** Every relation `names` needs, dependencies first. */
  private closure(names: string[]): string[] {
    const out: string[] = [];
    const visit = (n: string) => {
      if (out.includes(n)) return;
      const r = this.relations.get(n);
      if (!r) return;
      r.dependsOn.forEach(visit);
      out.push(n);
    };
    names.forEach(visit);
    return out;
  }

  private latestAsOf(sources: IRSource[]): string {
    const t = this.q('as_of');
    if (sources.length === 0) return `SELECT CAST(current_timestamp AS TIMESTAMP) AS ${t}`;
    const maxOf = (s: IRSource) => `SELECT max(${this.q(s.time)}) FROM ${this.d.scan(s.location)}`;
    if (sources.length === 1) return `SELECT max(${this.q(sources[0]!.time)}) AS ${t}\nFROM ${this.d.scan(sources[0]!.location)}`;
    return `SELECT greatest(\n${sources.map((s) => `  (${maxOf(s)})`).join(',\n')}\n) AS ${t}`;
  }

  // --- the scans ------------------------------------------------------------------------------

  private aggregateMetrics(source: IRSource): (IRMetric & { kind: 'metric' })[] {
    return this.ir.definitions.filter((d): d is IRMetric & { kind: 'metric' } => d.kind === 'metric' && d.source === source.name && d.level === 'aggregate');
  }

  /** Aggregate metrics a per-day profile of this source needs, directly or through derived ones. */
  private dailyMetrics(source: IRSource): (IRMetric & { kind: 'metric' })[] {
    const needed = new Set<string>();
    const visit = (name: string) => {
      const d = this.byName.get(name);
      if (!d || d.kind !== 'metric' || needed.has(name)) return;
      needed.add(name);
      if (d.level === 'derived') d.dependsOn.forEach(visit);
    };
    for (const d of this.ir.definitions) if (d.kind === 'profile' && d.grain === 'day' && d.source === source.name) d.dependsOn.forEach(visit);
    return this.aggregateMetrics(source).filter((m) => needed.has(m.name) && !m.windowed);
  }

  private scan(source: IRSource, grain: 'entity' | 'day'): string {
    const metrics = grain === 'entity' ? this.aggregateMetrics(source) : this.dailyMetrics(source);
    const key = this.q(source.key);
    const keys = grain === 'day' ? [key, this.q('day')] : [key];
    const keyColumns = grain === 'day' ? [key, `${this.d.dayOf(this.q(source.time))} AS ${this.q('day')}`] : [key];
    const ctx: EmitContext = { time: this.q(source.time) };
    // `mode` is holistic: per customer it keeps a count of every value, which costs DuckDB far more
    // than counting (customer, value) pairs once and keeping each customer's top pair. So each mode
    // metric is its own two-level aggregate, joined to the one scan of all the others.
    const isMode = (m: IRMetric) => m.expr.kind === 'aggregate' && m.expr.fn === 'mode' && !m.expr.distinct;
    const modes = metrics.filter(isMode);
    const columns = [...keyColumns];
    for (const m of metrics) if (!isMode(m)) columns.push(`${this.expr(m.expr, ctx).sql} AS ${this.q(m.name)}`);
    const behaviourColumns = grain === 'entity' ? this.behaviours.scanColumnNames(source.name) : [];
    if (grain === 'entity') columns.push(...this.behaviours.scanColumns(source.name));
    const groupBy = keys.map((_, i) => i + 1).join(', ');
    const scan = `SELECT\n${indent(columns.join(',\n'))}\nFROM ${this.q(source.name)}\nGROUP BY ${groupBy}`;
    if (modes.length === 0) return scan;

    const joins = modes.map((m, i) => {
      const agg = m.expr as Extract<IRExpr, { kind: 'aggregate' }>;
      const value = this.expr(agg.args[0]!, ctx).sql;
      const filter = agg.filter ? ` AND (${this.expr(agg.filter, ctx).sql})` : '';
      const alias = `m${i + 1}`;
      const counts = `SELECT ${[...keyColumns, `${value} AS v`, 'count(*) AS n'].join(', ')}\nFROM ${this.q(source.name)}\nWHERE ${value} IS NOT NULL${filter}\nGROUP BY ${[...keys, 'v'].map((_, j) => j + 1).join(', ')}`;
      // Ties go to the greatest value, so the result does not depend on scan order.
      const top = `SELECT ${keys.join(', ')}, arg_max(v, (n, v)) AS ${this.q(m.name)}\nFROM (\n${indent(counts)}\n)\nGROUP BY ${groupBy}`;
      return { alias, sql: `LEFT JOIN (\n${indent(top)}\n) AS ${alias} USING (${keys.join(', ')})`, name: m.name };
    });
    // The columns in definition order, as the single scan would have them.
    const ordered = [...keys.map((k) => `s.${k}`), ...metrics.map((m) => {
      const j = joins.find((x) => x.name === m.name);
      return j ? `${j.alias}.${this.q(m.name)}` : `s.${this.q(m.name)}`;
    }), ...behaviourColumns.map((n) => `s.${this.q(n)}`)];
    return `SELECT\n${indent(ordered.join(',\n'))}\nFROM (\n${indent(scan)}\n) AS s\n${joins.map((j) => j.sql).join('\n')}`;
  }

  // --- definitions ----------------------------------------------------------------------------

  /** The relations a definition's own SELECT reads directly. */
  private relationDeps(def: IRDefinition): string[] {
    switch (def.kind) {
      case 'source':
        return [def.name];
      case 'metric':
        return [relationNames.metrics(def.source)];
      case 'profile':
        return [def.grain === 'day' ? relationNames.daily(def.source) : relationNames.metrics(def.source), ...this.asOfDep()];
      case 'segment': {
        const sequence = this.behaviours.onlySequence(def);
        return sequence ? [sequence] : [relationNames.metrics(def.source), ...this.asOfDep()];
      }
      case 'query': {
        const input = def.input;
        const base =
          input.kind === 'events' ? input.source : input.kind === 'entities' ? relationNames.metrics(input.source) : input.kind === 'days' ? relationNames.daily(input.source) : input.name;
        return [base, ...this.asOfDep()];
      }
      case 'plot':
        return [def.spec.data];
      case 'pipeline':
      case 'schedule':
      case 'destination':
        return [];
      case 'sql':
        return def.dependsOn;
    }
  }

  private asOfDep(): string[] {
    return this.fixedAsOf ? [] : [relationNames.asOf];
  }

  /** `body`: the relation other cells read; `cell`: the final SELECT when the definition is run itself. */
  private definitionSql(def: IRDefinition): { body: string; cell: string } | undefined {
    const q = this.q;
    const entity: EmitContext = {};
    switch (def.kind) {
      case 'source':
        return { body: '', cell: `SELECT *\nFROM ${q(def.name)}` };
      case 'metric': {
        const source = this.source(def.source);
        const body = `SELECT ${q(source.key)}, ${this.column(def.name, { kind: 'metric', name: def.name, type: def.type }, entity)}\nFROM ${q(relationNames.metrics(def.source))}`;
        return { body, cell: body };
      }
      case 'profile': {
        const source = this.source(def.source);
        const cols = [q(source.key), ...(def.grain === 'day' ? [q('day')] : []), ...def.columns.map((c) => this.column(c.name, c.expr, entity))];
        const from = def.grain === 'day' ? relationNames.daily(def.source) : relationNames.metrics(def.source);
        const body = `SELECT\n${indent(cols.join(',\n'))}\nFROM ${q(from)}`;
        return { body, cell: body };
      }
      case 'segment': {
        const source = this.source(def.source);
        const sequence = this.behaviours.onlySequence(def);
        if (sequence) {
          const body = `SELECT ${q(source.key)}\nFROM ${q(sequence)}`;
          return { body, cell: body };
        }
        const cols = [q(source.key), ...def.shows.map((m) => this.column(m, { kind: 'metric', name: m, type: 'unknown' }, entity))];
        const body = `SELECT\n${indent(cols.join(',\n'))}\nFROM ${q(relationNames.metrics(def.source))}\nWHERE ${this.expr(def.condition, entity).sql}`;
        return { body, cell: body };
      }
      case 'query': {
        const body = this.query(def);
        return { body, cell: body };
      }
      case 'plot':
        return { body: `SELECT *\nFROM ${q(def.spec.data)}`, cell: `SELECT *\nFROM ${q(def.spec.data)}` };
      case 'pipeline':
      case 'schedule':
      case 'destination':
        return undefined; // they operate the notebook; they have no table of their own
      case 'sql': {
        // A body with its own WITH cannot follow ours, so it is wrapped; otherwise it is kept as written.
        const ownWith = /^\s*with\b/i.test(def.sql);
        return { body: def.sql, cell: ownWith ? `SELECT *\nFROM (\n${indent(def.sql)}\n)` : def.sql };
      }
    }
  }

  private column(name: string, expr: IRExpr, ctx: EmitContext): string {
    const sql = this.expr(expr, ctx).sql;
    return sql === this.q(name) ? sql : `${sql} AS ${this.q(name)}`;
  }

  private source(name: string): IRSource {
    const s = this.byName.get(name);
    if (!s || s.kind !== 'source') throw new Error(`writer: no source ${name}`);
    return s;
  }

  private query(def: IRQuery): string {
    const q = this.q;
    const input = def.input;
    const ctx: EmitContext = {};
    let from: string;
    const where: string[] = [];
    if (input.kind === 'events') {
      from = q(input.source);
      ctx.time = q(this.source(input.source).time);
    } else if (input.kind === 'entities') {
      from = q(relationNames.metrics(input.source));
      if (input.segment) where.push(this.expr({ kind: 'segment', name: input.segment, type: 'boolean' }, ctx).sql);
    } else if (input.kind === 'days') {
      from = q(relationNames.daily(input.source));
    } else {
      from = q(input.name);
    }
    if (def.where) where.push(this.wrap(this.expr(def.where, ctx), precedence.and));

    let columns: string[];
    if (def.select.length === 0 && def.groupBy.length === 0) {
      columns = input.kind === 'events' || input.kind === 'relation' ? ['*'] : def.columns.map((c) => this.defaultColumn(c.name, input, ctx));
    } else {
      columns = [...def.groupBy, ...def.select].map((c) => this.column(c.name, c.expr, ctx));
    }
    const lines = [`SELECT\n${indent(columns.join(',\n'))}`, `FROM ${from}`];
    if (where.length) lines.push(`WHERE ${where.join('\n  AND ')}`);
    if (def.groupBy.length) lines.push(`GROUP BY ${def.groupBy.map((_, i) => i + 1).join(', ')}`);
    if (def.orderBy.length) {
      lines.push(`ORDER BY ${def.orderBy.map((o) => `${this.expr(o.expr, ctx).sql}${o.descending ? ' DESC' : ''}`).join(', ')}`);
    }
    if (def.limit !== undefined) lines.push(`LIMIT ${def.limit}`);
    return lines.join('\n');
  }

  private defaultColumn(name: string, input: IRQuery['input'], ctx: EmitContext): string {
    const def = this.byName.get(name);
    if (def?.kind === 'metric') return this.column(name, { kind: 'metric', name, type: def.type }, ctx);
    if (def?.kind === 'segment') return this.column(name, { kind: 'segment', name, type: 'boolean' }, ctx);
    void input;
    return this.q(name);
  }

  // --- expressions ----------------------------------------------------------------------------

  private wrap(f: SqlFragment, min: number): string {
    return f.precedence < min ? `(${f.sql})` : f.sql;
  }

  expr(e: IRExpr, ctx: EmitContext): SqlFragment {
    const d = this.d;
    switch (e.kind) {
      case 'literal':
        return d.literal(e.value);
      case 'column':
        return { sql: this.q(e.name), precedence: precedence.atom };
      case 'as-of':
        return { sql: this.asOfExpr, precedence: precedence.atom };
      case 'metric': {
        const m = this.byName.get(e.name);
        if (m?.kind === 'metric' && m.level === 'derived') return { sql: `(${this.expr(m.expr, ctx).sql})`, precedence: precedence.atom };
        return { sql: this.q(e.name), precedence: precedence.atom };
      }
      case 'segment': {
        const s = this.byName.get(e.name);
        if (s?.kind !== 'segment') throw new Error(`writer: no segment ${e.name}`);
        return { sql: `(${this.expr(s.condition, ctx).sql})`, precedence: precedence.atom };
      }
      case 'aggregate': {
        const args = e.args.map((a) => this.expr(a, ctx).sql);
        const filter = e.filter ? this.expr(e.filter, ctx).sql : undefined;
        return d.aggregate(e.fn, args, { distinct: e.distinct, ...(filter ? { filter } : {}), ...(ctx.time ? { time: ctx.time } : {}) });
      }
      case 'call':
        return d.scalar(e.fn, e.args.map((a) => this.expr(a, ctx).sql), this.asOfExpr);
      case 'unary':
        if (e.op === 'not') return { sql: `NOT ${this.wrap(this.expr(e.operand, ctx), precedence.not)}`, precedence: precedence.not };
        return { sql: `-${this.wrap(this.expr(e.operand, ctx), precedence.unary)}`, precedence: precedence.unary };
      case 'binary':
        return this.binary(e, ctx);
      case 'between': {
        const [o, l, h] = [e.operand, e.low, e.high].map((x) => this.wrap(this.expr(x, ctx), precedence.additive));
        return { sql: `${o} ${e.negated ? 'NOT ' : ''}BETWEEN ${l} AND ${h}`, precedence: precedence.comparison };
      }
      case 'in': {
        const o = this.wrap(this.expr(e.operand, ctx), precedence.additive);
        return { sql: `${o} ${e.negated ? 'NOT ' : ''}IN (${e.list.map((x) => this.expr(x, ctx).sql).join(', ')})`, precedence: precedence.comparison };
      }
      case 'is-null':
        return { sql: `${this.wrap(this.expr(e.operand, ctx), precedence.additive)} IS ${e.negated ? 'NOT ' : ''}NULL`, precedence: precedence.comparison };
      case 'match':
        return d.match(e.op, this.expr(e.operand, ctx).sql, this.expr(e.pattern, ctx).sql, e.negated);
      case 'case': {
        const whens = e.whens.map((w) => `WHEN ${this.expr(w.condition, ctx).sql} THEN ${this.expr(w.result, ctx).sql}`);
        const otherwise = e.otherwise ? ` ELSE ${this.expr(e.otherwise, ctx).sql}` : '';
        return { sql: `CASE ${whens.join(' ')}${otherwise} END`, precedence: precedence.atom };
      }
      case 'window-last':
        return d.withinLast(this.q(e.time), e.amount, e.unit, this.asOfExpr);
      case 'behaviour':
        return this.behaviours.condition(e.behaviour);
      case 'window-between':
        return d.withinBetween(
          this.q(e.time),
          this.wrap(this.expr(e.low, ctx), precedence.additive),
          this.wrap(this.expr(e.high, ctx), precedence.additive),
          e.high.type === 'date',
        );
    }
  }

  private binary(e: Extract<IRExpr, { kind: 'binary' }>, ctx: EmitContext): SqlFragment {
    const levels: Record<string, number> = {
      or: precedence.or,
      and: precedence.and,
      '+': precedence.additive,
      '-': precedence.additive,
      '*': precedence.multiplicative,
      '/': precedence.multiplicative,
      '%': precedence.multiplicative,
    };
    const level = levels[e.op] ?? precedence.comparison;
    const left = this.wrap(this.expr(e.left, ctx), level);
    // The right side of a non-associative operator binds tighter: a - (b - c).
    const right = this.wrap(this.expr(e.right, ctx), e.op === 'and' || e.op === 'or' || e.op === '+' || e.op === '*' ? level : level + 1);
    if (e.op === '/') return this.d.divide(left, right);
    const op = e.op === 'and' ? 'AND' : e.op === 'or' ? 'OR' : e.op === '!=' ? '<>' : e.op;
    return { sql: `${left} ${op} ${right}`, precedence: level };
  }
}

interface EmitContext {
  /** SQL of the rows' time column, where rows are events (for first/last). */
  time?: string;
}

/** The complete SQL of one cell: `WITH` its relations (minus any already materialised), then its SELECT. */
export function assembleSql(
  relations: readonly Relation[],
  cell: Pick<CellSql, 'reads' | 'select'>,
  dialect: Pick<Dialect, 'identifier'>,
  materialized: ReadonlySet<string> = new Set(),
): string {
  const byName = new Map(relations.map((r) => [r.name, r]));
  // A materialised relation is a table now: neither it nor what only it needed is repeated.
  const needed: string[] = [];
  const visit = (name: string) => {
    if (needed.includes(name) || materialized.has(name)) return;
    const r = byName.get(name);
    if (!r) return;
    r.dependsOn.forEach(visit);
    needed.push(name);
  };
  cell.reads.forEach(visit);
  if (needed.length === 0) return cell.select;
  const ctes = needed.map((n) => `${dialect.identifier(n)} AS (\n${indent(byName.get(n)!.sql)}\n)`);
  return `WITH\n${ctes.join(',\n')}\n${cell.select}`;
}
