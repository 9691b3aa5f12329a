import { duckdbMessage } from './duckdb.js';
import { UserError } from './user-error.js';

/**
 * DuckDB's message for an error, reworded where DuckDB's own words would confuse an analyst:
 * a refused file names the directories kohort does read.
 */
export function explainDuckDBError(e: unknown, readable: readonly string[]): string {
  const message = duckdbMessage(e);
  const file = /^Permission Error: Cannot access (?:file|directory) "([^"]*)"/.exec(message);
  if (file) {
    return `cannot access ${file[1]}: kohort reads only files under ${readable.join(', ')} (the notebook's folder and the lake)`;
  }
  if (/^Permission Error: Loading external extensions is disabled/.test(message)) {
    return 'extensions cannot be installed or loaded in kohort (parquet, json and icu are built in)';
  }
  if (/the configuration has been locked/.test(message)) {
    return `${message.split('\n')[0]} (kohort fixes DuckDB's settings for a run)`;
  }
  return message;
}

/** A DuckDB error while running a cell, as a UserError that names the cell and where it is. */
export function cellError(e: unknown, cell: { name: string; place: string }, readable: readonly string[]): UserError {
  return new UserError(`cell \`${cell.name}\`: ${explainDuckDBError(e, readable)}`, cell.place);
}
