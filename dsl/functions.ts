import type { ValueType } from './schema.js';

/**
 * The functions the DSL knows, with their typing rules. How each becomes SQL is the dialect's
 * business (dsl/sql/); this table is only what the checker needs.
 */

export type FunctionKind = 'aggregate' | 'scalar';

export interface FunctionSignature {
  kind: FunctionKind;
  /** One line for completion and hovers. */
  doc: string;
  /** How it is written, e.g. `sum(number)`. */
  usage: string;
  minArgs: number;
  maxArgs: number;
  /** Whether `count(*)` / `count(distinct x)` forms are allowed. */
  star?: boolean;
  distinct?: boolean;
  /** The result type for the argument types, or a message saying what was expected. */
  result(args: ValueType[]): ValueType | { expected: string; argument: number };
}

const numeric = (t: ValueType) => t === 'number' || t === 'unknown';
const temporal = (t: ValueType) => t === 'timestamp' || t === 'date' || t === 'unknown';
const textual = (t: ValueType) => t === 'string' || t === 'unknown';

/** Types two values may share (for coalesce, if, case); `undefined` when they don't mix. */
export function commonType(a: ValueType, b: ValueType): ValueType | undefined {
  if (a === b) return a;
  if (a === 'unknown') return b;
  if (b === 'unknown') return a;
  if (temporal(a) && temporal(b)) return 'timestamp';
  return undefined;
}

function unary(check: (t: ValueType) => boolean, expected: string, out: ValueType | 'same') {
  return (args: ValueType[]) => {
    const t = args[0] ?? 'unknown';
    if (!check(t)) return { expected, argument: 0 };
    return out === 'same' ? t : out;
  };
}

function sameAsCommon(args: ValueType[]): ValueType | { expected: string; argument: number } {
  let acc: ValueType = 'unknown';
  for (let i = 0; i < args.length; i++) {
    const next = commonType(acc, args[i]!);
    if (next === undefined) return { expected: `a value of type ${acc}, like the arguments before it`, argument: i };
    acc = next;
  }
  return acc;
}

const any = () => true;

export const functions: Readonly<Record<string, FunctionSignature>> = {
  // Aggregates: one value per entity (or per group in a query).
  count: {
    kind: 'aggregate', doc: 'Number of events (or of non-null values; `count(distinct x)` counts different values).',
    usage: 'count() | count(x) | count(distinct x)', minArgs: 0, maxArgs: 1, star: true, distinct: true, result: () => 'number',
  },
  sum: { kind: 'aggregate', doc: 'Sum of a number; 0 when nothing matches.', usage: 'sum(number)', minArgs: 1, maxArgs: 1, result: unary(numeric, 'a number', 'number') },
  avg: { kind: 'aggregate', doc: 'Mean of a number.', usage: 'avg(number)', minArgs: 1, maxArgs: 1, result: unary(numeric, 'a number', 'number') },
  median: { kind: 'aggregate', doc: 'Median of a number.', usage: 'median(number)', minArgs: 1, maxArgs: 1, result: unary(numeric, 'a number', 'number') },
  stddev: { kind: 'aggregate', doc: 'Sample standard deviation of a number.', usage: 'stddev(number)', minArgs: 1, maxArgs: 1, result: unary(numeric, 'a number', 'number') },
  min: { kind: 'aggregate', doc: 'Smallest value.', usage: 'min(x)', minArgs: 1, maxArgs: 1, result: unary(any, 'a value', 'same') },
  max: { kind: 'aggregate', doc: 'Largest value.', usage: 'max(x)', minArgs: 1, maxArgs: 1, result: unary(any, 'a value', 'same') },
  mode: { kind: 'aggregate', doc: 'Most frequent non-null value (ties go to the greatest value).', usage: 'mode(x)', minArgs: 1, maxArgs: 1, result: unary(any, 'a value', 'same') },
  first: { kind: 'aggregate', doc: "Value at the entity's earliest event (by the source's time; nulls skipped).", usage: 'first(x)', minArgs: 1, maxArgs: 1, result: unary(any, 'a value', 'same') },
  last: { kind: 'aggregate', doc: "Value at the entity's latest event (by the source's time; nulls skipped).", usage: 'last(x)', minArgs: 1, maxArgs: 1, result: unary(any, 'a value', 'same') },

  // Scalars.
  days_since: { kind: 'scalar', doc: 'Whole days from a time to the as-of time.', usage: 'days_since(time)', minArgs: 1, maxArgs: 1, result: unary(temporal, 'a time or date', 'number') },
  hours_since: { kind: 'scalar', doc: 'Whole hours from a time to the as-of time.', usage: 'hours_since(time)', minArgs: 1, maxArgs: 1, result: unary(temporal, 'a time or date', 'number') },
  date: { kind: 'scalar', doc: 'The calendar day (UTC) of a time.', usage: 'date(time)', minArgs: 1, maxArgs: 1, result: unary(temporal, 'a time or date', 'date') },
  week: { kind: 'scalar', doc: 'The Monday starting the week of a time.', usage: 'week(time)', minArgs: 1, maxArgs: 1, result: unary(temporal, 'a time or date', 'date') },
  month: { kind: 'scalar', doc: 'The first day of the month of a time.', usage: 'month(time)', minArgs: 1, maxArgs: 1, result: unary(temporal, 'a time or date', 'date') },
  year: { kind: 'scalar', doc: 'The year of a time, e.g. 2019.', usage: 'year(time)', minArgs: 1, maxArgs: 1, result: unary(temporal, 'a time or date', 'number') },
  hour: { kind: 'scalar', doc: 'Hour of day, 0–23.', usage: 'hour(time)', minArgs: 1, maxArgs: 1, result: unary(temporal, 'a time', 'number') },
  weekday: { kind: 'scalar', doc: 'ISO day of week: 1 = Monday … 7 = Sunday.', usage: 'weekday(time)', minArgs: 1, maxArgs: 1, result: unary(temporal, 'a time or date', 'number') },
  coalesce: { kind: 'scalar', doc: 'The first argument that is not null.', usage: 'coalesce(a, b, …)', minArgs: 2, maxArgs: 16, result: sameAsCommon },
  if: {
    kind: 'scalar', doc: '`then` when the condition holds, else `otherwise`.', usage: 'if(condition, then, otherwise)', minArgs: 3, maxArgs: 3,
    result: (args) => {
      if (args[0] !== 'boolean' && args[0] !== 'unknown') return { expected: 'a condition (true/false)', argument: 0 };
      const t = commonType(args[1]!, args[2]!);
      return t ?? { expected: `a value of type ${args[1]}, like the \`then\` value`, argument: 2 };
    },
  },
  lower: { kind: 'scalar', doc: 'Lower-case text.', usage: 'lower(text)', minArgs: 1, maxArgs: 1, result: unary(textual, 'text', 'string') },
  upper: { kind: 'scalar', doc: 'Upper-case text.', usage: 'upper(text)', minArgs: 1, maxArgs: 1, result: unary(textual, 'text', 'string') },
  length: { kind: 'scalar', doc: 'Number of characters.', usage: 'length(text)', minArgs: 1, maxArgs: 1, result: unary(textual, 'text', 'number') },
  split_part: {
    kind: 'scalar', doc: 'The n-th part (from 1) of text split by a separator: split_part(category_code, ".", 1).', usage: 'split_part(text, separator, n)',
    minArgs: 3, maxArgs: 3,
    result: (args) => (!textual(args[0]!) ? { expected: 'text', argument: 0 } : !textual(args[1]!) ? { expected: 'text', argument: 1 } : !numeric(args[2]!) ? { expected: 'a number', argument: 2 } : 'string'),
  },
  round: {
    kind: 'scalar', doc: 'Rounds to n decimals (default 0).', usage: 'round(number[, n])', minArgs: 1, maxArgs: 2,
    result: (args) => (!numeric(args[0]!) ? { expected: 'a number', argument: 0 } : args[1] !== undefined && !numeric(args[1]) ? { expected: 'a number', argument: 1 } : 'number'),
  },
  abs: { kind: 'scalar', doc: 'Absolute value.', usage: 'abs(number)', minArgs: 1, maxArgs: 1, result: unary(numeric, 'a number', 'number') },
  floor: { kind: 'scalar', doc: 'Largest whole number not above.', usage: 'floor(number)', minArgs: 1, maxArgs: 1, result: unary(numeric, 'a number', 'number') },
  ceil: { kind: 'scalar', doc: 'Smallest whole number not below.', usage: 'ceil(number)', minArgs: 1, maxArgs: 1, result: unary(numeric, 'a number', 'number') },
  ln: { kind: 'scalar', doc: 'Natural logarithm.', usage: 'ln(number)', minArgs: 1, maxArgs: 1, result: unary(numeric, 'a number', 'number') },
  greatest: { kind: 'scalar', doc: 'The largest argument.', usage: 'greatest(a, b, …)', minArgs: 2, maxArgs: 16, result: sameAsCommon },
  least: { kind: 'scalar', doc: 'The smallest argument.', usage: 'least(a, b, …)', minArgs: 2, maxArgs: 16, result: sameAsCommon },
};

export function lookupFunction(name: string): FunctionSignature | undefined {
  return Object.hasOwn(functions, name.toLowerCase()) ? functions[name.toLowerCase()] : undefined;
}
