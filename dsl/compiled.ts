import type { Diagnostic, Range } from './diagnostics.js';
import type { SchemaCatalog, SourceRequest } from './schema.js';

/** The kinds of named things a notebook defines. Each is addressable by `--cell NAME`. */
export type DefinitionKind = 'source' | 'metric' | 'profile' | 'segment' | 'query' | 'plot' | 'pipeline' | 'schedule' | 'destination' | 'sql';

export interface CompileOptions {
  /** Shown in diagnostics; also the base for relative paths when `baseDir` is absent. */
  file?: string;
  /** Absolute path (or URL) of the lake root; `lake "events"` reads `<lake>/events/**\/*.parquet`. */
  lake?: string;
  /** Absolute directory that relative `parquet "..."` / `csv "..."` paths resolve against. */
  baseDir?: string;
  /** Column schemas of sources, by source name, found by the engine. */
  schemas?: SchemaCatalog;
  /** Overrides the notebook's as-of time: an ISO date or timestamp, e.g. `2019-10-15` or `2019-10-15 12:00:00`. */
  asOf?: string;
  /**
   * The notebook's id in the lake's history (`_kohort/…`): snapshots and segment membership of
   * its runs live under it. Default: the file's base name without `.kohort`.
   */
  notebook?: string;
}

/** A chart a plot cell asks for; the workbench renders it with Observable Plot. */
export interface PlotSpec {
  mark: 'line' | 'bar' | 'area' | 'dot';
  /** The query (or other cell) whose table is plotted. */
  data: string;
  x: string;
  y: string;
  color?: string;
}

/**
 * A named CTE of the compiled notebook. Relations are shared between cells, so an engine may
 * materialise one (e.g. the scan that computes every metric of a source) and reuse it.
 */
export interface Relation {
  name: string;
  /**
   * `as-of`: the one-row as-of time; `source`: a source's events up to it; `metrics` / `daily`: the
   * one scan computing every aggregate metric of a source per customer (per day); `definition`: a cell's own table;
   * `sequence`: the customers matching a sequence of a segment rule (`did A then B`).
   */
  kind: 'as-of' | 'source' | 'metrics' | 'daily' | 'definition' | 'sequence';
  /** The SELECT that defines it (no trailing semicolon). */
  sql: string;
  /** Relations it reads, by name. */
  dependsOn: string[];
}

export interface CompiledCell {
  name: string;
  kind: DefinitionKind;
  range: Range;
  /** Index of the notebook cell (0-based) the definition sits in. */
  cellIndex: number;
  /** Other definitions this one reads, by name (direct dependencies only). */
  dependsOn: string[];
  /**
   * A complete, self-contained DuckDB SELECT returning this definition's table; absent when the
   * definition (or something it depends on) has errors. Metrics have none: they are columns.
   */
  sql?: string;
  /** The relations `sql` is built from, in dependency order, then the final select. */
  relations?: string[];
  /** The relations `select` reads directly (a subset of `relations`). */
  reads?: string[];
  select?: string;
  plot?: PlotSpec;
  pipeline?: PipelineSpec;
  schedule?: ScheduleSpec;
  destination?: DestinationSpec;
  /** The source whose customers a metric, profile, segment or entity query is about. */
  source?: string;
  /** For source cells: the customer key and event-time columns. */
  key?: string;
  time?: string;
}

/** What a pipeline cell asks the lander to do. Defaults are filled in. */
export interface PipelineSpec {
  connector: 'kafka';
  topics: string[];
  brokers: string[];
  format: 'json' | 'csv';
  /** The lake dataset it lands into (the `into` source's dataset). */
  dataset: string;
  /** A lake other than the notebook's, when given. */
  lake?: string;
  /** Kafka consumer group, when given; the lander otherwise derives one from the lake and dataset. */
  group?: string;
  /** A file is written when any limit is reached. */
  flush: { rows: number; bytes: number; seconds: number };
}

/** When a schedule cell runs its notebook, and what it refreshes. Defaults are filled in. */
export interface ScheduleSpec {
  trigger:
    | { kind: 'cron'; expression: string; timezone: string }
    | { kind: 'every'; seconds: number }
    /** New files landed in any of these sources' lake datasets (source cell names). */
    | { kind: 'data'; sources: string[] };
  /** Cells to refresh (with what they depend on, in dependency order); empty: the whole notebook. */
  refresh: string[];
  /** Runs missed while no server was up: run once at start (`run-once`), or `skip` them. */
  missed: 'run-once' | 'skip';
  /** Attempts after a failed one, waiting `backoffSeconds`, doubled each time. */
  retries: number;
  backoffSeconds: number;
}

/** Where a destination cell sends segment changes. Defaults are filled in. */
export interface DestinationSpec {
  kind: 'webhook';
  url: string;
  /** Segments whose joined/left members are sent after each refresh. */
  segments: string[];
  /** Environment variable holding the HMAC-SHA256 signing secret, when given. */
  secretEnv?: string;
  /** Members per request. */
  batch: number;
  /** Attempts after a failed delivery, with exponential backoff. */
  retries: number;
}

export interface CompiledNotebook {
  /** Every definition, in file order. */
  cells: CompiledCell[];
  /** Every relation any cell uses, by name, in dependency order. */
  relations: Relation[];
  /** The sources the notebook reads: what the engine introspects for `schemas`. */
  sources: SourceRequest[];
  /** A SELECT of one row, one column `as_of`: the as-of time the notebook computes at. */
  asOfSql?: string;
  diagnostics: Diagnostic[];
}
