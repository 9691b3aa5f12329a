/** The value types the checker knows. `unknown` is what a column of an unintrospected source has. */
export type ValueType = 'number' | 'string' | 'boolean' | 'timestamp' | 'date' | 'unknown';

export interface ColumnSchema {
  name: string;
  type: ValueType;
  /** The engine's own type name (e.g. `BIGINT`, `TIMESTAMP WITH TIME ZONE`), shown in hovers. */
  sqlType?: string;
}

/** The columns of one source, as the engine found them in the data. */
export interface SourceSchema {
  columns: ColumnSchema[];
  /** The first and last value of the source's time column (ISO text), for "window longer than the data" warnings. */
  timeRange?: { min: string; max: string };
}

/** Where a source's rows live. `path` is absolute once resolved against the lake or the notebook. */
export interface SourceLocation {
  kind: 'lake' | 'parquet' | 'csv';
  path: string;
}

/**
 * What the engine must introspect before a full compile: `scan` is the SQL table expression that
 * reads the source (e.g. `read_parquet('/lake/events/** /*.parquet', hive_partitioning = true)`).
 */
export interface SourceRequest {
  name: string;
  location: SourceLocation;
  scan: string;
  /** The source's time column as written, whose range the engine reports (`SourceSchema.timeRange`). */
  time?: string;
}

/** Schemas by source name. A source without one still compiles, with a `missing-schema` warning. */
export type SchemaCatalog = Readonly<Record<string, SourceSchema>>;
