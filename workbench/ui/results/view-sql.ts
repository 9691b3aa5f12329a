import type { ResultColumn } from './columns.js';
import { isNumeric, isTemporal } from './columns.js';

/**
 * How a result table is looked at: sorted, filtered per column, optionally grouped. The browser's
 * DuckDB runs the SQL built here over the result it already holds; nothing goes to the server.
 */
export interface ViewState {
  sort?: { column: string; descending: boolean };
  /** Filter text per column name, in the small language `filterCondition` reads. */
  filters: Readonly<Record<string, string>>;
  /** Group rows by this column: one row per value with a count and sums of numeric columns. */
  groupBy?: string;
}

export const emptyView: ViewState = { filters: {} };

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** LIKE pattern characters escaped with `\`. */
function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const comparison = /^(<=|>=|!=|<>|=|<|>)\s*(.+)$/;
const range = /^(.+?)\s*\.\.\s*(.+)$/;

function literal(column: ResultColumn, raw: string): string | undefined {
  const text = raw.trim();
  if (isNumeric(column.kind)) return /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(text) ? text : undefined;
  if (column.kind === 'date') return /^\d{4}-\d{2}-\d{2}$/.test(text) ? `DATE ${quoteString(text)}` : undefined;
  if (column.kind === 'timestamp') {
    return /^\d{4}-\d{2}-\d{2}([ T]\d{2}(:\d{2}(:\d{2}(\.\d+)?)?)?)?$/.test(text) ? `TIMESTAMP ${quoteString(text.replace('T', ' '))}` : undefined;
  }
  if (column.kind === 'boolean') return /^(true|false)$/i.test(text) ? text.toLowerCase() : undefined;
  return quoteString(text.replace(/^"(.*)"$/, '$1'));
}

/**
 * A WHERE condition from a column's filter text, or an error naming what is wrong:
 * `null` / `!null`; `> 10`, `<= 2019-10-05`, `= apple`, `!= apple`; `10..20` (inclusive);
 * for text, anything else is a case-insensitive "contains" (`!x`: does not contain);
 * for dates and times, a bare prefix such as `2019-10` matches those days.
 */
export function filterCondition(column: ResultColumn, filter: string): { sql?: string; error?: string } {
  const text = filter.trim();
  const col = quoteIdentifier(column.name);
  if (text === '') return {};
  if (/^null$/i.test(text)) return { sql: `${col} IS NULL` };
  if (/^!\s*null$/i.test(text)) return { sql: `${col} IS NOT NULL` };
  const bad = (what: string) => ({ error: `\`${what}\` is not a ${column.kind === 'bigint' || column.kind === 'decimal' ? 'number' : column.kind} for column \`${column.name}\`` });

  const cmp = comparison.exec(text);
  if (cmp) {
    const value = literal(column, cmp[2]!);
    if (value === undefined) return bad(cmp[2]!.trim());
    const op = cmp[1] === '<>' ? '!=' : cmp[1]!;
    return { sql: `${col} ${op} ${value}` };
  }
  const between = column.kind !== 'string' ? range.exec(text) : null;
  if (between) {
    const low = literal(column, between[1]!);
    const high = literal(column, between[2]!);
    if (low === undefined) return bad(between[1]!.trim());
    if (high === undefined) return bad(between[2]!.trim());
    return { sql: `${col} BETWEEN ${low} AND ${high}` };
  }
  if (column.kind === 'string' || column.kind === 'other') {
    const negated = text.startsWith('!');
    const needle = negated ? text.slice(1).trim() : text;
    const target = column.kind === 'string' ? col : `CAST(${col} AS VARCHAR)`;
    return { sql: `${target} ${negated ? 'NOT ILIKE' : 'ILIKE'} ${quoteString(`%${likeEscape(needle)}%`)} ESCAPE '\\'` };
  }
  if (isTemporal(column.kind)) {
    if (!/^\d{4}(-\d{1,2}(-\d{1,2}([ T][\d:.]*)?)?)?$/.test(text)) return bad(text);
    return { sql: `strftime(${col}, '%Y-%m-%d %H:%M:%S') LIKE ${quoteString(`${likeEscape(text.replace('T', ' '))}%`)} ESCAPE '\\'` };
  }
  const value = literal(column, text);
  if (value === undefined) return bad(text);
  return { sql: `${col} = ${value}` };
}

export interface ViewQuery {
  /** The SELECT giving the view's rows in order. */
  sql: string;
  /** Filter problems by column name; those filters are left out. */
  errors: Record<string, string>;
}

/** The SQL of a view over `table`, whose columns are `columns`. */
export function viewSql(table: string, columns: readonly ResultColumn[], view: ViewState): ViewQuery {
  const errors: Record<string, string> = {};
  const conditions: string[] = [];
  for (const column of columns) {
    const f = view.filters[column.name];
    if (!f) continue;
    const c = filterCondition(column, f);
    if (c.error) errors[column.name] = c.error;
    else if (c.sql) conditions.push(c.sql);
  }
  const where = conditions.length > 0 ? ` WHERE ${conditions.map((c) => `(${c})`).join(' AND ')}` : '';
  const from = quoteIdentifier(table);
  const group = view.groupBy !== undefined ? columns.find((c) => c.name === view.groupBy) : undefined;
  let sql: string;
  let outputColumns: string[];
  if (group) {
    const sums = columns.filter((c) => c !== group && isNumeric(c.kind));
    const items = [quoteIdentifier(group.name), 'count(*) AS "count"', ...sums.map((c) => `sum(${quoteIdentifier(c.name)}) AS ${quoteIdentifier(`sum_${c.name}`)}`)];
    outputColumns = [group.name, 'count', ...sums.map((c) => `sum_${c.name}`)];
    sql = `SELECT ${items.join(', ')} FROM ${from}${where} GROUP BY 1`;
  } else {
    outputColumns = columns.map((c) => c.name);
    sql = `SELECT * FROM ${from}${where}`;
  }
  const sort = view.sort && outputColumns.includes(view.sort.column) ? view.sort : undefined;
  if (sort) sql += ` ORDER BY ${quoteIdentifier(sort.column)} ${sort.descending ? 'DESC' : 'ASC'} NULLS LAST`;
  else if (group) sql += ' ORDER BY "count" DESC, 1';
  return { sql, errors };
}

/** Whether a view shows the table exactly as it arrived (so no SQL is needed). */
export function isPlainView(view: ViewState): boolean {
  return !view.sort && view.groupBy === undefined && Object.values(view.filters).every((f) => f.trim() === '');
}

/** The next sort when a column header is clicked: ascending → descending → none. */
export function nextSort(view: ViewState, column: string): ViewState['sort'] {
  if (view.sort?.column !== column) return { column, descending: false };
  if (!view.sort.descending) return { column, descending: true };
  return undefined;
}
