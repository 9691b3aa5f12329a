import type { TimeUnit } from '../ast.js';
import type { IRLiteral } from '../ir.js';
import type { SourceLocation, ValueType } from '../schema.js';

/** Binding strength of SQL produced for an expression; the writer adds parentheses from it. */
export const precedence = {
  or: 10,
  and: 20,
  not: 30,
  comparison: 40,
  additive: 50,
  multiplicative: 60,
  unary: 70,
  atom: 100,
} as const;

export interface SqlFragment {
  sql: string;
  precedence: number;
}

export interface AggregateOptions {
  distinct: boolean;
  /** SQL of the events an aggregate reads, if filtered. */
  filter?: string;
  /** SQL of the rows' time, for first/last; absent where rows have no time. */
  time?: string;
}

/**
 * Everything that differs between SQL engines: quoting, escaping, literals, how a source is
 * scanned and how each DSL function is written. A second engine is a second implementation.
 */
export interface Dialect {
  readonly name: string;
  /** Quotes any identifier so it can never be read as SQL. */
  identifier(name: string): string;
  /** Escapes any text as a string literal so it can never be read as SQL. */
  string(value: string): string;
  literal(value: IRLiteral): SqlFragment;
  /** The table expression reading a source's files. */
  scan(location: SourceLocation): string;
  aggregate(fn: string, args: string[], options: AggregateOptions): SqlFragment;
  /** A scalar function; `asOf` is SQL of the as-of time for functions relative to it. */
  scalar(fn: string, args: string[], asOf: string): SqlFragment;
  /** Division that gives NULL, not an error, for a zero divisor. */
  divide(left: string, right: string): SqlFragment;
  match(op: 'starts' | 'ends' | 'contains', operand: string, pattern: string, negated: boolean): SqlFragment;
  /** `time` within the `amount unit` before `asOf`. */
  withinLast(time: string, amount: number, unit: TimeUnit, asOf: string): SqlFragment;
  /** `time` within [low, high]; a date `high` includes its whole day. */
  withinBetween(time: string, low: string, high: string, highIsDate: boolean): SqlFragment;
  /** An interval of time: `INTERVAL 3 HOUR`. */
  interval(amount: number, unit: TimeUnit | 'month'): string;
  /** Whole periods from `time` back to `asOf`: 0 for the period that ends at `asOf` (a period excludes its start). */
  periodsBefore(time: string, asOf: string, unit: 'day' | 'week' | 'month'): string;
  /** The calendar day of a time, as a date. */
  dayOf(time: string): string;
  /** The as-of instant for a date or timestamp literal: a date means the end of that day. */
  asOfInstant(value: IRLiteral): string;
  /** The checker's type for one of this engine's type names. */
  valueType(sqlType: string): ValueType;
}
