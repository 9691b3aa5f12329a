import type { Relation } from '../compiled.js';
import type { IRDefinition, IRExpr, IRNotebook, IRSource } from '../ir.js';
import type { IRBehaviour, IRDuration, IRStep, IRWindow } from '../ir-behaviour.js';
import { precedence, type Dialect, type SqlFragment } from './dialect.js';

/**
 * The SQL of behavioural conditions (dsl/ir-behaviour.ts). Most are aggregates over a customer's
 * events, so they become FILTER columns of the source's one per-customer scan (`<source>__metrics`),
 * shared with the metrics and with each other (the same aggregate is computed once). A sequence
 * needs its customers' events in order, so it is a relation of its own, built with window functions
 * over the events of the customers (and `with same` values) that could match. Membership reads the
 * history file; ranks and quantiles compare with a statistic of the per-customer scan.
 */

/** What the behaviour writer borrows from the notebook writer. */
export interface BehaviourHost {
  readonly dialect: Dialect;
  /** SQL of the as-of instant. */
  readonly asOf: string;
  /** The relations reading the as-of time needs (`as_of`, unless it is a literal). */
  readonly asOfRelations: string[];
  /** Writes an IR expression over the current rows (events, or customers). */
  expr(e: IRExpr): SqlFragment;
  source(name: string): IRSource;
  /** The name of a source's per-customer scan. */
  metricsRelation(source: string): string;
}

interface ScanColumn {
  name: string;
  sql: string;
}

const indent = (sql: string, by = '  ') => sql.split('\n').map((l) => (l ? by + l : l)).join('\n');

export class BehaviourSql {
  private readonly segments = new Map<string, Extract<IRDefinition, { kind: 'segment' }>>();
  /** Per source, the aggregate columns its scan adds, in first-use order. */
  private readonly columns = new Map<string, ScanColumn[]>();
  /** Per condition id, the column names it reads, by role. */
  private readonly columnOf = new Map<string, Record<string, string>>();
  private readonly sequences: Extract<IRBehaviour, { kind: 'sequence' }>[] = [];
  private readonly q: (name: string) => string;

  constructor(
    ir: IRNotebook,
    private readonly host: BehaviourHost,
  ) {
    this.q = (name) => host.dialect.identifier(name);
    for (const def of ir.definitions) {
      if (def.kind !== 'segment') continue;
      this.segments.set(def.name, def);
      for (const b of behavioursIn(def.condition)) this.register(b);
    }
  }

  private register(b: IRBehaviour): void {
    if (b.kind === 'sequence') {
      this.sequences.push(b);
      return;
    }
    if (!('id' in b)) return;
    const source = this.host.source(b.source);
    const aggregates = this.aggregates(b, source);
    const list = this.columns.get(b.source) ?? [];
    const names: Record<string, string> = {};
    for (const [role, sql] of Object.entries(aggregates)) {
      // The same aggregate asked twice (two segments counting the same events) is computed once.
      const existing = list.find((c) => c.sql === sql);
      if (existing) names[role] = existing.name;
      else {
        const name = role === 'value' ? b.id : `${b.id}_${role}`;
        list.push({ name, sql });
        names[role] = name;
      }
    }
    this.columns.set(b.source, list);
    this.columnOf.set(b.id, names);
  }

  /** Extra columns of a source's per-customer scan: `aggregate AS "name"`. */
  scanColumns(source: string): string[] {
    return (this.columns.get(source) ?? []).map((c) => `${c.sql} AS ${this.q(c.name)}`);
  }

  scanColumnNames(source: string): string[] {
    return (this.columns.get(source) ?? []).map((c) => c.name);
  }

  /** The relations of sequences (each reads its source's files once or twice, never the metrics scan). */
  relations(): Relation[] {
    return this.sequences.map((s) => ({ name: s.id, kind: 'sequence', sql: this.sequenceSql(s), dependsOn: [...this.host.asOfRelations] }));
  }

  /** The sequence relations a definition's SQL reads, through the segments it uses. */
  relationsFor(def: IRDefinition): string[] {
    const out: string[] = [];
    const seen = new Set<string>();
    const visit = (value: unknown): void => {
      if (Array.isArray(value)) return value.forEach(visit);
      if (value === null || typeof value !== 'object') return;
      const node = value as Record<string, unknown>;
      if (node.kind === 'behaviour') {
        const b = node.behaviour as IRBehaviour;
        if (b.kind === 'sequence' && !out.includes(b.id)) out.push(b.id);
        return;
      }
      const segment = node.kind === 'segment' && node.type === 'boolean' ? node.name : node.kind === 'entities' ? node.segment : undefined;
      if (typeof segment === 'string' && !seen.has(segment)) {
        seen.add(segment);
        visit(this.segments.get(segment)?.condition);
      }
      Object.values(node).forEach(visit);
    };
    visit(def.kind === 'segment' ? def.condition : def);
    return out;
  }

  /**
   * A segment whose whole rule is one sequence, showing no metrics: its members are the sequence's
   * customers (all customers of the source by construction), so it need not scan every customer.
   */
  onlySequence(def: IRDefinition): string | undefined {
    if (def.kind !== 'segment' || def.shows.length > 0) return undefined;
    const c = def.condition;
    return c.kind === 'behaviour' && c.behaviour.kind === 'sequence' ? c.behaviour.id : undefined;
  }

  /** The condition over one customer's row of the per-customer scan. */
  condition(b: IRBehaviour): SqlFragment {
    const col = (role = 'value') => this.q(this.columnOf.get((b as { id: string }).id)![role]!);
    const bool = (sql: string): SqlFragment => ({ sql: `coalesce(${sql}, FALSE)`, precedence: precedence.atom });
    switch (b.kind) {
      case 'count': {
        if (b.min === b.max) return { sql: `${col()} = ${b.min}`, precedence: precedence.comparison };
        const parts: string[] = [];
        if (b.min > 0) parts.push(`${col()} >= ${b.min}`);
        if (b.max !== undefined) parts.push(`${col()} <= ${b.max}`);
        if (parts.length === 0) return { sql: 'TRUE', precedence: precedence.atom };
        return { sql: parts.join(' AND '), precedence: parts.length > 1 ? precedence.and : precedence.comparison };
      }
      case 'first-time':
        return bool(this.windowOn(b.window, col()));
      case 'regularly':
        return { sql: `${col()} >= ${b.atLeast}`, precedence: precedence.comparison };
      case 'stopped': {
        const quiet = `${col('last')} <= ${this.host.asOf} - ${this.interval(b.quiet)}`;
        return bool(b.window ? `${quiet} AND ${col('window')} > 0` : quiet);
      }
      case 'restarted':
        return bool(`${col('first')} >= ${col('before')} + ${this.interval(b.gap)}`);
      case 'sequence': {
        const key = this.q(this.host.source(b.source).key);
        return { sql: `${key} IN (SELECT ${key} FROM ${this.q(b.id)})`, precedence: precedence.comparison };
      }
      case 'rank':
        return bool(`${this.wrapped(b.value)} ${b.direction === 'top' ? '>=' : '<='} ${this.rankThreshold(b)}`);
      case 'quantile': {
        const value = this.wrapped(b.value);
        const metrics = this.q(this.host.metricsRelation(b.source));
        return bool(`${value} ${b.above ? '>' : '<'} (SELECT quantile_cont(${this.host.expr(b.value).sql}, ${b.fraction}) FROM ${metrics})`);
      }
      case 'membership':
        return this.membership(b);
    }
  }

  // --- per-customer aggregates ---------------------------------------------------------------------

  /** The aggregates a condition needs, by role (`value` when one). */
  private aggregates(b: Exclude<IRBehaviour, { kind: 'sequence' | 'rank' | 'quantile' | 'membership' }>, source: IRSource): Record<string, string> {
    const t = this.q(source.time);
    const filtered = (call: string, ...conditions: (string | undefined)[]) => {
      const parts = conditions.filter((c): c is string => c !== undefined);
      return parts.length === 0 ? call : `${call} FILTER (WHERE ${parts.join(' AND ')})`;
    };
    const match = b.match ? this.andOperand(this.host.expr(b.match)) : undefined;
    switch (b.kind) {
      case 'count':
        return { value: filtered('count(*)', match, b.window ? this.andOperand(this.host.expr(b.window)) : undefined) };
      case 'first-time':
        return { value: filtered(`min(${t})`, match) };
      case 'regularly': {
        const d = this.host.dialect;
        const recent = `${t} > ${this.host.asOf} - ${d.interval(b.periods, b.unit)}`;
        return { value: filtered(`count(DISTINCT ${d.periodsBefore(t, this.host.asOf, b.unit)})`, match, recent) };
      }
      case 'stopped': {
        const out: Record<string, string> = { last: filtered(`max(${t})`, match) };
        if (b.window) out.window = filtered('count(*)', match, this.andOperand(this.host.expr(b.window)));
        return out;
      }
      case 'restarted': {
        const before = b.window.kind === 'window-last' ? `${t} <= ${this.host.asOf} - ${this.host.dialect.interval(b.window.amount, b.window.unit)}` : `${t} < ${this.wrapped(b.window.low)}`;
        return {
          first: filtered(`min(${t})`, match, this.andOperand(this.host.expr(b.window))),
          before: filtered(`max(${t})`, match, before),
        };
      }
    }
  }

  // --- sequences ---------------------------------------------------------------------------------

  /**
   * Steps in time order, evaluated on each customer's (and `with same` value's) events sorted by
   * time. Step i's valid events are those with a valid step-(i-1) event strictly before them
   * (within the gap, with no excluded event in between); the latest such predecessor is the best one
   * for every constraint, and the start of its chain the latest start, so one running window per
   * step carries the sequence. Only events of customers with a last-step event are sorted.
   */
  private sequenceSql(s: Extract<IRBehaviour, { kind: 'sequence' }>): string {
    const d = this.host.dialect;
    // Working columns start with `__` so they cannot meet the source's own (`with same` columns).
    const q = this.q;
    const w = (name: string) => this.q(`__${name}`);
    const source = this.host.source(s.source);
    const time = q(source.time);
    const partition = [source.key, ...s.same.filter((c) => c !== source.key)].map((c) => q(c));
    const scan = d.scan(source.location);
    const cut = `${time} <= ${this.host.asOf}`;
    const m = s.steps.length;
    const flag = (e: IRExpr | undefined) => (e ? this.host.expr(e).sql : 'TRUE');
    const flags: string[] = [];
    const anyOf: string[] = [];
    s.steps.forEach((step, i) => {
      const window = i === 0 && s.window ? this.andOperand(this.host.expr(s.window)) : undefined;
      const sql = window ? (step.match ? `${this.andOperand(this.host.expr(step.match))} AND ${window}` : window) : flag(step.match);
      flags.push(`${sql} AS ${w(`s${i + 1}`)}`);
      anyOf.push(sql);
      if (step.without) {
        flags.push(`${this.host.expr(step.without).sql} AS ${w(`x${i + 1}`)}`);
        anyOf.push(this.host.expr(step.without).sql);
      }
    });
    if (s.absent) {
      flags.push(`${flag(s.absent.match)} AS ${w('n')}`);
      anyOf.push(flag(s.absent.match));
    }
    const last = s.steps[m - 1]!;
    // Steps tied by a column need a value in it: the semi join drops NULLs; without it, a filter does.
    // (Spelled out beside the join, it misleads DuckDB into building the hash table on all events.)
    const tied = last.match ? [] : s.same.filter((c) => c !== source.key).map((c) => `${q(c)} IS NOT NULL`);
    const where = [cut, ...tied];
    const types = eventTypesOf([...s.steps.map((x) => x.match), ...s.steps.filter((x) => x.without).map((x) => x.without), ...(s.absent ? [s.absent.match] : [])]);
    // Steps that only name event types read the events of those types: an IN list DuckDB tests once per distinct value.
    if (types && !s.window) where.push(`${q(types.column)} IN (${types.values.map((v) => d.string(v)).join(', ')})`);
    else if (!anyOf.includes('TRUE')) where.push(`(${anyOf.map((x) => `(${x})`).join(' OR ')})`);
    // The candidates repeat the events' own filter (their last-step test implies it), so DuckDB never
    // estimates them larger than the events they are joined to and builds its hash table on them.
    const candidates = last.match
      ? `\nSEMI JOIN (\n${indent(`SELECT DISTINCT ${partition.join(', ')}\nFROM ${scan}\nWHERE ${[...where, `(${this.host.expr(last.match).sql})`].join(' AND ')}`)}\n) AS ${w('candidates')} USING (${partition.join(', ')})`
      : '';
    // The start of the latest chain is carried only when the whole sequence has a time limit.
    const starts = s.total !== undefined;
    const ctes: string[] = [];
    const first = [...partition, `${time} AS ${w('t')}`, ...flags, ...(starts ? [`${time} AS ${w('b1')}`] : [])];
    ctes.push(`${w('step1')} AS (\n${indent(`SELECT ${first.join(', ')}\nFROM ${scan}${candidates}\nWHERE ${where.join(' AND ')}`)}\n)`);
    const over = `PARTITION BY ${partition.join(', ')} ORDER BY ${w('t')}`;
    // Strictly earlier events: events at the same time are not ordered, so they do not follow each other.
    const before = `(${over} RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE GROUP)`;
    const upTo = `(${over} RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;
    const after = `(${over} RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)`;
    const valid = (i: number) => (i === 1 ? w('s1') : w(`v${i}`));
    const levels = Math.max(m, s.absent ? 2 : 1);
    for (let i = 2; i <= levels; i++) {
      const step: IRStep | undefined = s.steps[i - 1];
      const windows: string[] = [];
      const carried: string[] = [];
      if (step) {
        windows.push(`max(${w('t')}) FILTER (WHERE ${valid(i - 1)}) OVER ${before} AS ${w(`p${i}`)}`);
        if (starts) windows.push(`max(${w(`b${i - 1}`)}) FILTER (WHERE ${valid(i - 1)}) OVER ${before} AS ${w(`b${i}`)}`);
        if (step.without) windows.push(`max(${w('t')}) FILTER (WHERE ${w(`x${i}`)}) OVER ${upTo} AS ${w(`d${i}`)}`);
        const conditions = [
          w(`s${i}`),
          `${w(`p${i}`)} IS NOT NULL`,
          ...(step.within ? [`${w('t')} <= ${w(`p${i}`)} + ${this.interval(step.within)}`] : []),
          ...(step.without ? [`(${w(`d${i}`)} IS NULL OR ${w(`d${i}`)} < ${w(`p${i}`)})`] : []),
        ];
        carried.push(`${conditions.join(' AND ')} AS ${w(`v${i}`)}`);
      } else {
        carried.push(`${valid(i - 1)} AS ${w(`v${i}`)}`);
        if (starts) carried.push(`${w(`b${i - 1}`)} AS ${w(`b${i}`)}`);
      }
      if (i === levels && s.absent) windows.push(`min(${w('t')}) FILTER (WHERE ${w('n')}) OVER ${after} AS ${w('next')}`);
      ctes.push(`${w(`step${i}`)} AS (\n${indent(`SELECT *, ${carried.join(', ')}\nFROM (\n${indent(`SELECT *,\n${indent(windows.join(',\n'))}\nFROM ${w(`step${i - 1}`)}`)}\n)`)}\n)`);
    }
    const final = [valid(levels)];
    if (s.total) final.push(`${w('t')} <= ${w(`b${levels}`)} + ${this.interval(s.total)}`);
    if (s.absent) {
      // The span without the event must have passed by the as-of time to be known.
      const end = s.absent.within ? `${w('t')} + ${this.interval(s.absent.within)}` : undefined;
      if (end) final.push(`${end} <= ${this.host.asOf}`, `(${w('next')} IS NULL OR ${w('next')} > ${end})`);
      else final.push(`${w('next')} IS NULL`);
    }
    return `WITH\n${ctes.join(',\n')}\nSELECT DISTINCT ${q(source.key)}\nFROM ${w(`step${levels}`)}\nWHERE ${final.join(' AND ')}`;
  }

  // --- ranks, membership ---------------------------------------------------------------------------

  /** The value of the customer at the edge: the k-th by value (k = N, or the share of those ranked, rounded up). */
  private rankThreshold(b: Extract<IRBehaviour, { kind: 'rank' }>): string {
    const q = this.q;
    const metrics = q(this.host.metricsRelation(b.source));
    let k: string;
    if (b.amount.kind === 'count') k = `least(${q('n')}, ${b.amount.n})`;
    else {
      // ceil(n × p / 100) in whole numbers: p = digits / 10^decimals, so no float rounding moves the edge.
      const [whole = '0', decimals = ''] = b.amount.text.split('.');
      const numerator = BigInt(`${whole}${decimals}`);
      const denominator = 100n * 10n ** BigInt(decimals.length);
      k = `(${q('n')} * ${numerator} + ${denominator - 1n}) // ${denominator}`;
    }
    const ranked = `SELECT ${q('v')}, row_number() OVER (ORDER BY ${q('v')} ${b.direction === 'top' ? 'DESC' : 'ASC'}) AS ${q('r')}, count(*) OVER () AS ${q('n')}\nFROM (SELECT ${this.host.expr(b.value).sql} AS ${q('v')} FROM ${metrics})\nWHERE ${q('v')} IS NOT NULL`;
    return `(SELECT ${q('v')} FROM (\n${indent(ranked)}\n) WHERE ${q('r')} = ${k})`;
  }

  private membership(b: Extract<IRBehaviour, { kind: 'membership' }>): SqlFragment {
    const d = this.host.dialect;
    const q = this.q;
    const asOf = this.host.asOf;
    const entered = q('entered_at');
    const left = q('left_at');
    const conditions = [`${entered} <= ${asOf}`];
    if (b.change === 'entered' || b.change === 'left') {
      const at = b.change === 'entered' ? entered : left;
      if (b.change === 'left') conditions.push(`${left} <= ${asOf}`);
      if (b.window) conditions.push(this.andOperand(this.windowFragment(b.window, b.change === 'entered' ? 'entered_at' : 'left_at')));
      if (b.on) conditions.push(this.onDay(at, b.on));
    } else {
      // A stay [entered_at, left_at) overlaps the time asked about; a leave after the as-of time is not known yet.
      const [start, end] = b.on
        ? b.on.kind === 'date'
          ? [d.literal(b.on).sql, `${d.literal(b.on).sql} + INTERVAL 1 DAY`]
          : [d.literal(b.on).sql, undefined]
        : this.windowBounds(b.window!);
      conditions.push(end ? `${entered} < ${end}` : `${entered} <= ${start}`);
      conditions.push(`(${left} IS NULL OR ${left} > least(${asOf}, ${start}))`);
    }
    const key = q(b.key);
    return { sql: `${key} IN (SELECT ${key} FROM read_parquet(${d.string(b.file)}) WHERE ${conditions.join(' AND ')})`, precedence: precedence.comparison };
  }

  /** `time` on a date (that whole day) or at a timestamp. */
  private onDay(time: string, on: Extract<IRBehaviour, { kind: 'membership' }>['on'] & object): string {
    const v = this.host.dialect.literal(on).sql;
    return on.kind === 'date' ? `${time} >= ${v} AND ${time} < ${v} + INTERVAL 1 DAY` : `${time} = ${v}`;
  }

  /** [start, end) of a window as SQL (end undefined: up to and including the as-of time). */
  private windowBounds(w: IRWindow): [string, string | undefined] {
    if (w.kind === 'window-last') return [`${this.host.asOf} - ${this.host.dialect.interval(w.amount, w.unit)}`, `${this.host.asOf} + INTERVAL 1 MICROSECOND`];
    const high = this.wrapped(w.high);
    return [this.wrapped(w.low), w.high.type === 'date' ? `${high} + INTERVAL 1 DAY` : `${high} + INTERVAL 1 MICROSECOND`];
  }

  /** A window over another time column than the source's (a stay's start or end). */
  private windowFragment(w: IRWindow, column: string): SqlFragment {
    return this.host.expr({ ...w, time: column });
  }

  /** A window over a time given as SQL. */
  private windowOn(w: IRWindow, columnSql: string): string {
    const d = this.host.dialect;
    if (w.kind === 'window-last') return d.withinLast(columnSql, w.amount, w.unit, this.host.asOf).sql;
    return d.withinBetween(columnSql, this.wrapped(w.low), this.wrapped(w.high), w.high.type === 'date').sql;
  }

  private interval(x: IRDuration): string {
    return this.host.dialect.interval(x.amount, x.unit);
  }

  private wrapped(e: IRExpr): string {
    const f = this.host.expr(e);
    return f.precedence < precedence.additive ? `(${f.sql})` : f.sql;
  }

  private andOperand(f: SqlFragment): string {
    return f.precedence < precedence.and ? `(${f.sql})` : f.sql;
  }
}

/**
 * When every condition only names event types (`event_type = 'view'`, `event_type IN (…)`) of
 * one column, that column and all the names; otherwise undefined.
 */
function eventTypesOf(conditions: (IRExpr | undefined)[]): { column: string; values: string[] } | undefined {
  let column: string | undefined;
  const values: string[] = [];
  for (const c of conditions) {
    if (c === undefined) return undefined; // `anything`
    const literals = c.kind === 'binary' && c.op === '=' ? [c.right] : c.kind === 'in' && !c.negated ? c.list : undefined;
    const operand = c.kind === 'binary' ? c.left : c.kind === 'in' ? c.operand : undefined;
    if (!literals || operand?.kind !== 'column' || (column !== undefined && column !== operand.name)) return undefined;
    column = operand.name;
    for (const l of literals) {
      if (l.kind !== 'literal' || l.value.kind !== 'string') return undefined;
      if (!values.includes(l.value.value)) values.push(l.value.value);
    }
  }
  return column === undefined ? undefined : { column, values };
}

/** Every behavioural condition in an expression, in order. */
export function behavioursIn(e: IRExpr): IRBehaviour[] {
  const out: IRBehaviour[] = [];
  const visit = (x: IRExpr): void => {
    switch (x.kind) {
      case 'behaviour':
        out.push(x.behaviour);
        return;
      case 'unary':
      case 'is-null':
        return visit(x.operand);
      case 'binary':
        visit(x.left);
        return visit(x.right);
      case 'case':
        x.whens.forEach((w) => (visit(w.condition), visit(w.result)));
        if (x.otherwise) visit(x.otherwise);
        return;
      default:
        return;
    }
  };
  visit(e);
  return out;
}
