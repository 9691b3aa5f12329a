import type { Range } from './diagnostics.js';
import type { ColumnSchema, SourceLocation, ValueType } from './schema.js';
import type { DestinationSpec, PlotSpec, ScheduleSpec } from './compiled.js';
import type { TimeUnit } from './ast.js';
import type { IRBehaviour } from './ir-behaviour.js';

/**
 * The checked notebook: names resolved, types known, aggregates separated from row expressions.
 * Plain JSON-serialisable data, discriminated on `kind`. The SQL writer reads only this.
 */

export type IRExpr =
  | { kind: 'literal'; type: ValueType; value: IRLiteral }
  /** A column of a row: an event of a source, or an output column of an upstream relation. */
  | { kind: 'column'; name: string; type: ValueType }
  /** An entity-level metric (a column of the metrics scan, or a derived expression over them). */
  | { kind: 'metric'; name: string; type: ValueType }
  /** A segment's condition, evaluated for an entity. */
  | { kind: 'segment'; name: string; type: 'boolean' }
  | { kind: 'as-of'; type: 'timestamp' }
  | { kind: 'aggregate'; fn: string; args: IRExpr[]; distinct: boolean; filter?: IRExpr; type: ValueType }
  | { kind: 'call'; fn: string; args: IRExpr[]; type: ValueType }
  | { kind: 'unary'; op: 'negate' | 'not'; operand: IRExpr; type: ValueType }
  | { kind: 'binary'; op: IRBinaryOperator; left: IRExpr; right: IRExpr; type: ValueType }
  | { kind: 'between'; negated: boolean; operand: IRExpr; low: IRExpr; high: IRExpr; type: 'boolean' }
  | { kind: 'in'; negated: boolean; operand: IRExpr; list: IRExpr[]; type: 'boolean' }
  | { kind: 'is-null'; negated: boolean; operand: IRExpr; type: 'boolean' }
  | { kind: 'match'; op: 'starts' | 'ends' | 'contains'; negated: boolean; operand: IRExpr; pattern: IRExpr; type: 'boolean' }
  | { kind: 'case'; whens: { condition: IRExpr; result: IRExpr }[]; otherwise?: IRExpr; type: ValueType }
  /** Events within a window before the as-of time: `time > as_of - amount unit`. */
  | { kind: 'window-last'; time: string; amount: number; unit: TimeUnit; type: 'boolean' }
  /** Events in [low, high] (a date bound covers its whole day). */
  | { kind: 'window-between'; time: string; low: IRExpr; high: IRExpr; type: 'boolean' }
  /** A behavioural condition of a segment (dsl/ir-behaviour.ts). */
  | { kind: 'behaviour'; behaviour: IRBehaviour; type: 'boolean' };

export type IRLiteral =
  | { kind: 'number'; text: string }
  | { kind: 'string'; value: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'date'; value: string }
  | { kind: 'timestamp'; value: string };

export type IRBinaryOperator = '+' | '-' | '*' | '/' | '%' | '=' | '!=' | '<' | '<=' | '>' | '>=' | 'and' | 'or';

export interface IRSource {
  name: string;
  location: SourceLocation;
  key: string;
  time: string;
  /** The column naming each event's type, when the source says (`event COLUMN`). */
  event?: string;
  columns: ColumnSchema[];
  range: Range;
}

export interface IRMetric {
  name: string;
  source: string;
  /** `aggregate`: computed in the source's scan; `derived`: an expression over other metrics. */
  level: 'aggregate' | 'derived';
  expr: IRExpr;
  type: ValueType;
  /** Aggregate metrics with a window cannot be computed per day. */
  windowed: boolean;
  dependsOn: string[];
  range: Range;
}

export interface IRProfile {
  name: string;
  source: string;
  grain: 'entity' | 'day';
  columns: { name: string; expr: IRExpr }[];
  dependsOn: string[];
  range: Range;
}

export interface IRSegment {
  name: string;
  source: string;
  condition: IRExpr;
  /** Metrics the rule reads directly: shown beside each member. */
  shows: string[];
  dependsOn: string[];
  range: Range;
}

/** What a query reads: a source's events, entities (all, or a segment's members), per-day rows, or another cell's table. */
export type IRQueryInput =
  | { kind: 'events'; source: string }
  | { kind: 'entities'; source: string; segment?: string }
  | { kind: 'days'; source: string; profile: string }
  | { kind: 'relation'; name: string };

export interface IRQuery {
  name: string;
  input: IRQueryInput;
  where?: IRExpr;
  groupBy: { name: string; expr: IRExpr }[];
  select: { name: string; expr: IRExpr }[];
  orderBy: { expr: IRExpr; descending: boolean }[];
  limit?: number;
  /** The output columns, in order. */
  columns: { name: string; type: ValueType }[];
  dependsOn: string[];
  range: Range;
}

export interface IRPlot {
  name: string;
  spec: PlotSpec;
  dependsOn: string[];
  range: Range;
}

/** A Kafka → lake pipeline: what the lander needs, checked. */
export interface IRPipeline {
  name: string;
  connector: 'kafka';
  topics: string[];
  brokers: string[];
  format: 'json' | 'csv';
  /** The source whose lake dataset it fills (and whose schema records must fit). */
  source: string;
  /** The lake dataset name inside the lake. */
  dataset: string;
  /** A lake other than the notebook's (`file:` path or `hdfs://` / WebHDFS URL). */
  lake?: string;
  group?: string;
  flush: { rows: number; bytes: number; seconds: number };
  dependsOn: string[];
  range: Range;
}

/** A schedule: when the notebook runs and what it refreshes, checked (see `ScheduleSpec`). */
export interface IRSchedule {
  name: string;
  spec: ScheduleSpec;
  dependsOn: string[];
  range: Range;
}

/** A destination segment changes are sent to, checked (see `DestinationSpec`). */
export interface IRDestination {
  name: string;
  spec: DestinationSpec;
  dependsOn: string[];
  range: Range;
}

export interface IRSqlCell {
  name: string;
  sql: string;
  dependsOn: string[];
  range: Range;
}

export type IRAsOf = { kind: 'latest' } | { kind: 'fixed'; value: IRExpr };

export type IRDefinition =
  | ({ kind: 'source' } & IRSource)
  | ({ kind: 'metric' } & IRMetric)
  | ({ kind: 'profile' } & IRProfile)
  | ({ kind: 'segment' } & IRSegment)
  | ({ kind: 'query' } & IRQuery)
  | ({ kind: 'plot' } & IRPlot)
  | ({ kind: 'pipeline' } & IRPipeline)
  | ({ kind: 'schedule' } & IRSchedule)
  | ({ kind: 'destination' } & IRDestination)
  | ({ kind: 'sql' } & IRSqlCell);

export interface IRNotebook {
  asOf: IRAsOf;
  /** Every definition that checked without errors, by name, in file order. */
  definitions: IRDefinition[];
}
