import type { BehaviourExprAst } from './behaviour-ast.js';
import type { Range } from './diagnostics.js';

/**
 * The syntax tree of kohort definitions. It mirrors what the user wrote, with a range on every
 * node; names are not resolved yet (that is the checker's job). Recovered or missing parts
 * become `error` nodes so later stages can carry on.
 */

export interface Name {
  text: string;
  range: Range;
}

export type BinaryOperator = '+' | '-' | '*' | '/' | '%' | '=' | '!=' | '<' | '<=' | '>' | '>=' | 'and' | 'or';

export type Expr =
  | { kind: 'number'; text: string; range: Range }
  | { kind: 'string'; value: string; range: Range }
  | { kind: 'boolean'; value: boolean; range: Range }
  | { kind: 'null'; range: Range }
  | { kind: 'typed'; type: 'date' | 'timestamp'; value: string; range: Range }
  | { kind: 'ref'; qualifier?: Name; name: Name; range: Range }
  | { kind: 'call'; name: Name; args: Expr[]; distinct: boolean; star: boolean; filter?: Expr; range: Range }
  | { kind: 'negate'; operand: Expr; range: Range }
  | { kind: 'not'; operand: Expr; range: Range }
  | { kind: 'binary'; op: BinaryOperator; left: Expr; right: Expr; range: Range }
  | { kind: 'between'; negated: boolean; operand: Expr; low: Expr; high: Expr; range: Range }
  | { kind: 'in'; negated: boolean; operand: Expr; list: Expr[]; range: Range }
  | { kind: 'is-null'; negated: boolean; operand: Expr; range: Range }
  | { kind: 'match'; op: 'starts' | 'ends' | 'contains'; negated: boolean; operand: Expr; pattern: Expr; range: Range }
  | { kind: 'case'; whens: { condition: Expr; result: Expr }[]; otherwise?: Expr; range: Range }
  | { kind: 'error'; range: Range }
  /** Behavioural conditions of segments: `did …`, `top 10% by …`, `x above median`, `entered vip …`. */
  | BehaviourExprAst;

export type TimeUnit = 'minute' | 'hour' | 'day' | 'week';

export type Window =
  | { kind: 'last'; amount: number; unit: TimeUnit; range: Range }
  | { kind: 'between'; low: Expr; high: Expr; range: Range };

export type SourceLocationKind = 'lake' | 'parquet' | 'csv';

export interface SourceDefinition extends Broken {
  kind: 'source';
  name: Name;
  location: { kind: SourceLocationKind; path: string; range: Range };
  key?: Name;
  time?: Name;
  /** `event COLUMN`: the column naming each event's type, for `did "purchase"` (default `event_type`). */
  event?: Name;
  range: Range;
}

export interface MetricDefinition extends Broken {
  kind: 'metric';
  name: Name;
  expr: Expr;
  from?: Name;
  where?: Expr;
  window?: Window;
  range: Range;
}

export interface ProfileDefinition extends Broken {
  kind: 'profile';
  name: Name;
  grain: 'entity' | 'day';
  columns: Name[];
  range: Range;
}

export interface SegmentDefinition extends Broken {
  kind: 'segment';
  name: Name;
  expr: Expr;
  range: Range;
}

export interface SelectItem {
  alias?: Name;
  expr: Expr;
  /** `count() where vip`: a filter on the item's aggregates. */
  filter?: Expr;
  range: Range;
}

export interface QueryDefinition extends Broken {
  kind: 'query';
  name: Name;
  from: Name;
  where?: Expr;
  groupBy: SelectItem[];
  select: SelectItem[];
  orderBy: { expr: Expr; descending: boolean; range: Range }[];
  limit?: { value: number; range: Range };
  range: Range;
}

export interface PlotDefinition extends Broken {
  kind: 'plot';
  name: Name;
  mark: Name;
  data: Name;
  channels: { channel: Name; value: Name }[];
  range: Range;
}

/**
 * One `word value` setting as written, checked by the checker: `brokers "…"`, `secret env "X"`,
 * `format json`, `refresh a, b`, `flush 5 seconds`, `retries 3`.
 */
export interface Setting {
  clause: Name;
  /** `env` in `secret env "X"`. */
  qualifier?: Name;
  text?: string;
  names?: Name[];
  amounts?: { amount: number; unit?: Name; range: Range }[];
  range: Range;
}

export interface PipelineDefinition extends Broken {
  kind: 'pipeline';
  name: Name;
  connector: Name;
  topics: { value: string; range: Range }[];
  clauses: Setting[];
  range: Range;
}

export interface ScheduleDefinition extends Broken {
  kind: 'schedule';
  name: Name;
  /** `cron`, `every` or `on` (`on new data in …`). */
  trigger: Name;
  /** The cron expression. */
  text?: { value: string; range: Range };
  /** `every 2 hours`. */
  every?: { amount: number; unit: Name; range: Range };
  /** The two words after `on` (`new data`), and the sources named after `in`. */
  words?: Name[];
  sources?: Name[];
  clauses: Setting[];
  range: Range;
}

export interface DestinationDefinition extends Broken {
  kind: 'destination';
  name: Name;
  /** `webhook`. */
  destinationKind: Name;
  target: { value: string; range: Range };
  clauses: Setting[];
  range: Range;
}

export interface AsOfDefinition {
  kind: 'as-of';
  /** `latest` is a reference named `latest`; anything else is an expression giving a time. */
  value: Expr;
  range: Range;
}

/** Set on a definition whose text has a syntax error: its name is known, its meaning is not. */
export interface Broken {
  broken?: true;
}

export type Definition =
  | SourceDefinition
  | MetricDefinition
  | ProfileDefinition
  | SegmentDefinition
  | QueryDefinition
  | PlotDefinition
  | PipelineDefinition
  | ScheduleDefinition
  | DestinationDefinition;

export type Statement = Definition | AsOfDefinition;

/** A raw SQL cell: its text, and the names of other definitions it mentions. */
export interface SqlCell {
  kind: 'sql';
  name: Name;
  sql: string;
  /** Offset of `sql` in the notebook text. */
  offset: number;
  range: Range;
}
