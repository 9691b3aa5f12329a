import type { TimeUnit } from '../ast.js';
import type { IRLiteral } from '../ir.js';
import type { SourceLocation, ValueType } from '../schema.js';
import { precedence, type AggregateOptions, type Dialect, type SqlFragment } from './dialect.js';

const atom = (sql: string): SqlFragment => ({ sql, precedence: precedence.atom });

/** Scalar functions: DSL name → SQL template over already-written arguments. */
const scalars: Record<string, (args: string[], asOf: string) => string> = {
  days_since: ([t], asOf) => `date_diff('day', ${t}, ${asOf})`,
  hours_since: ([t], asOf) => `date_diff('hour', ${t}, ${asOf})`,
  date: ([t]) => `CAST(${t} AS DATE)`,
  week: ([t]) => `CAST(date_trunc('week', ${t}) AS DATE)`,
  month: ([t]) => `CAST(date_trunc('month', ${t}) AS DATE)`,
  year: ([t]) => `year(${t})`,
  hour: ([t]) => `hour(${t})`,
  weekday: ([t]) => `isodow(${t})`,
  coalesce: (args) => `coalesce(${args.join(', ')})`,
  if: ([c, a, b]) => `CASE WHEN ${c} THEN ${a} ELSE ${b} END`,
  lower: ([s]) => `lower(${s})`,
  upper: ([s]) => `upper(${s})`,
  length: ([s]) => `length(${s})`,
  split_part: ([s, sep, n]) => `split_part(${s}, ${sep}, ${n})`,
  round: (args) => `round(${args.join(', ')})`,
  abs: ([x]) => `abs(${x})`,
  floor: ([x]) => `floor(${x})`,
  ceil: ([x]) => `ceil(${x})`,
  ln: ([x]) => `ln(${x})`,
  greatest: (args) => `greatest(${args.join(', ')})`,
  least: (args) => `least(${args.join(', ')})`,
};

const units: Record<TimeUnit, string> = { minute: 'MINUTE', hour: 'HOUR', day: 'DAY', week: 'WEEK' };

function filtered(call: string, filter: string | undefined): string {
  return filter ? `${call} FILTER (WHERE ${filter})` : call;
}

export const duckdb: Dialect = {
  name: 'duckdb',

  identifier(name) {
    return `"${name.replace(/"/g, '""')}"`;
  },

  string(value) {
    // DuckDB string literals are standard: only the quote needs doubling; backslashes are plain text.
    // NUL cannot appear in a DuckDB string, so it is dropped rather than allowed to cut the literal.
    return `'${value.replace(/\u0000/g, '').replace(/'/g, "''")}'`;
  },

  literal(value: IRLiteral): SqlFragment {
    switch (value.kind) {
      case 'number':
        return { sql: value.text, precedence: value.text.startsWith('-') ? precedence.unary : precedence.atom };
      case 'string':
        return atom(this.string(value.value));
      case 'boolean':
        return atom(value.value ? 'TRUE' : 'FALSE');
      case 'null':
        return atom('NULL');
      case 'date':
        return atom(`DATE ${this.string(value.value)}`);
      case 'timestamp':
        return atom(`TIMESTAMP ${this.string(value.value)}`);
    }
  },

  scan(location: SourceLocation) {
    const path = location.path.replace(/\/+$/, '');
    switch (location.kind) {
      case 'lake':
        return `read_parquet(${this.string(`${path}/**/*.parquet`)}, hive_partitioning = true)`;
      case 'parquet':
        return `read_parquet(${this.string(path)})`;
      case 'csv':
        return `read_csv(${this.string(path)}, header = true)`;
    }
  },

  aggregate(fn: string, args: string[], { distinct, filter, time }: AggregateOptions): SqlFragment {
    const x = args[0] ?? '*';
    const and = (extra: string) => (filter ? `${extra} AND (${filter})` : extra);
    switch (fn) {
      case 'count':
        return atom(filtered(`count(${distinct ? 'DISTINCT ' : ''}${args.length ? x : '*'})`, filter));
      case 'sum':
        // A customer with no matching events has spent 0, not NULL.
        return atom(`coalesce(${filtered(`sum(${x})`, filter)}, 0)`);
      case 'first':
      case 'last':
        if (!time) return atom(filtered(`${fn}(${x})`, filter));
        return atom(`${fn === 'first' ? 'arg_min' : 'arg_max'}(${x}, ${time}) FILTER (WHERE ${and(`${x} IS NOT NULL`)})`);
      case 'avg':
      case 'median':
      case 'stddev':
      case 'min':
      case 'max':
      case 'mode':
        return atom(filtered(`${fn === 'stddev' ? 'stddev_samp' : fn}(${x})`, filter));
      default:
        throw new Error(`duckdb dialect: no aggregate ${fn}`);
    }
  },

  scalar(fn, args, asOf) {
    const template = scalars[fn];
    if (!template) throw new Error(`duckdb dialect: no function ${fn}`);
    return atom(template(args, asOf));
  },

  divide(left, right) {
    return { sql: `${left} / NULLIF(${right}, 0)`, precedence: precedence.multiplicative };
  },

  match(op, operand, pattern, negated) {
    const fn = op === 'starts' ? 'starts_with' : op === 'ends' ? 'ends_with' : 'contains';
    const call = `${fn}(${operand}, ${pattern})`;
    return negated ? { sql: `NOT ${call}`, precedence: precedence.not } : atom(call);
  },

  withinLast(time, amount, unit, asOf) {
    return { sql: `${time} > ${asOf} - INTERVAL ${amount} ${units[unit]}`, precedence: precedence.comparison };
  },

  withinBetween(time, low, high, highIsDate) {
    const upper = highIsDate ? `${time} < ${high} + INTERVAL 1 DAY` : `${time} <= ${high}`;
    return { sql: `${time} >= ${low} AND ${upper}`, precedence: precedence.and };
  },

  interval(amount, unit) {
    return `INTERVAL ${amount} ${unit === 'month' ? 'MONTH' : units[unit]}`;
  },

  periodsBefore(time, asOf, unit) {
    // A day or week is a fixed length, so the index is a division; months vary, so DuckDB counts whole ones.
    if (unit === 'month') return `date_sub('month', ${time}, ${asOf})`;
    const micros = (unit === 'day' ? 1 : 7) * 86_400_000_000;
    return `(epoch_us(${asOf}) - epoch_us(${time})) // ${micros}`;
  },

  dayOf(time) {
    return `CAST(${time} AS DATE)`;
  },

  asOfInstant(value) {
    if (value.kind === 'date') return `CAST(DATE ${this.string(value.value)} + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND AS TIMESTAMP)`;
    if (value.kind === 'timestamp') return `TIMESTAMP ${this.string(value.value)}`;
    throw new Error(`duckdb dialect: as-of from ${value.kind}`);
  },

  valueType(sqlType: string): ValueType {
    const t = sqlType.toUpperCase();
    if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|REAL|DECIMAL|NUMERIC|INT\d*)/.test(t)) return 'number';
    if (/^(VARCHAR|TEXT|STRING|CHAR|UUID|ENUM)/.test(t)) return 'string';
    if (t === 'BOOLEAN' || t === 'BOOL') return 'boolean';
    if (t === 'DATE') return 'date';
    if (t.startsWith('TIMESTAMP')) return 'timestamp';
    return 'unknown';
  },
};
