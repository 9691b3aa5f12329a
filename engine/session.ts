import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { StatementType, type DuckDBConnection } from '@duckdb/node-api';
import { compileNotebook, LineIndex, parseNotebook, type CompiledCell, type CompiledNotebook, type DefinitionKind, type PlotSpec, type SchemaCatalog } from '../dsl/index.js';
import { suggest } from '../dsl/suggest.js';
import { openDuckDB, sqlIdentifier, type KohortDuckDB } from './duckdb.js';
import { cellError, explainDuckDBError } from './errors.js';
import { ensureHistoryInputs } from './history/inputs.js';
import { introspectSources } from './introspect.js';
import { openLakeAccess, type LakeSyncReport } from './lake-access.js';
import { readTable, type QueryOptions, type RowSink } from './query.js';
import { UserError } from './user-error.js';
import type { ResultTable } from './values.js';

export interface SessionOptions {
  /** The notebook's path, as the user wrote it: shown in messages, resolved against the cwd. */
  file: string;
  /** The notebook's text; read from `file` when absent. */
  text?: string;
  /**
   * The lake root: a folder, or an HDFS lake (`hdfs://…`, `webhdfs://…`) read through a cache
   * under the workspace's `.kohort/hdfs/`. Default: `$KOHORT_LAKE`, else `./lake`.
   */
  lake?: string;
  /** Overrides the notebook's as-of time (`2019-10-15`, `2019-10-15 12:00:00`). */
  asOf?: string;
  /** What DuckDB may read besides the lake. Default: the notebook's folder. */
  workspace?: string;
  /** DuckDB's memory limit, e.g. `4GB`. */
  memoryLimit?: string;
  threads?: number;
}

/** The kinds `run` shows when no cell is named: the ones that are tables to look at. */
export const resultKinds: readonly DefinitionKind[] = ['profile', 'segment', 'query', 'sql', 'plot'];

export interface RunOptions {
  /** Keep at most this many rows of each cell; the rest are only counted. */
  limit?: number;
  /** Stream each cell's rows to a sink instead of keeping them (see `QueryOptions.sink`). */
  sink?: (cell: { name: string; kind: DefinitionKind }) => RowSink;
}

export interface CellResult {
  name: string;
  kind: DefinitionKind;
  table: ResultTable;
  /** For plot cells: the chart to draw from `table`. */
  plot?: PlotSpec;
  /** Wall-clock time of the cell, including relations it materialised. */
  seconds: number;
}

/** The default lake: `$KOHORT_LAKE`, else `./lake`, as an absolute path. */
export function defaultLake(): string {
  return localLake(process.env['KOHORT_LAKE'] || 'lake');
}

/** A lake folder as an absolute path; a URL (`hdfs://…`) is a UserError (sessions read those through `openLakeAccess`). */
export function localLake(lake: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(lake)) {
    throw new UserError(`notebooks run over a local lake folder, not ${lake}; land or copy the data into a local lake first`);
  }
  return resolve(lake);
}

/**
 * One notebook compiled against its data, with a confined DuckDB to run its cells in.
 * Opening does the two-phase compile: compile → introspect each source → compile with schemas.
 * When several cells run together, the relations they share (the per-customer metrics scan, the
 * as-of time, a profile) are materialised once as temporary tables and read by every cell.
 */
export class NotebookSession {
  /** Relations created in this session's DuckDB, and whether as a table or a view. */
  private readonly created = new Map<string, 'table' | 'view'>();
  /** For an HDFS lake: what bringing its cache up to date fetched. */
  lakeSync: LakeSyncReport | undefined;

  private constructor(
    readonly file: string,
    readonly text: string,
    readonly lake: string,
    readonly compiled: CompiledNotebook,
    readonly schemas: SchemaCatalog,
    private readonly db: KohortDuckDB,
  ) {}

  static async open(options: SessionOptions): Promise<NotebookSession> {
    const text = options.text ?? readNotebook(options.file);
    const path = resolve(options.file);
    const workspace = options.workspace ?? dirname(path);
    const access = openLakeAccess(options.lake || process.env['KOHORT_LAKE'] || 'lake', workspace);
    const lake = access.root;
    const compileOptions = { file: path, lake, baseDir: dirname(path), ...(options.asOf !== undefined ? { asOf: options.asOf } : {}) };
    const first = compileNotebook(text, compileOptions);
    const sourcePlace = (name: string) => {
      const cell = first.cells.find((c) => c.kind === 'source' && c.name === name);
      return cell ? `${options.file}:${cell.range.start.line}:${cell.range.start.column}` : options.file;
    };
    // An HDFS lake: fetch the sources' new files into the local cache DuckDB reads.
    const lakeSync = access.remote === undefined ? undefined : await access.sync(first.sources, sourcePlace);
    const db = await openDuckDB({
      workspace,
      lake,
      ...(options.memoryLimit ? { memoryLimit: options.memoryLimit } : {}),
      ...(options.threads ? { threads: options.threads } : {}),
    });
    try {
      const schemas = await introspectSources(db.connection, first.sources, {
        readable: db.readable,
        placeOf: sourcePlace,
      });
      const compiled = first.sources.length === 0 ? first : compileNotebook(text, { ...compileOptions, schemas });
      const session = new NotebookSession(options.file, text, lake, compiled, schemas, db);
      session.lakeSync = lakeSync;
      return session;
    } catch (e) {
      db.close();
      throw e;
    }
  }

  get diagnostics() {
    return this.compiled.diagnostics;
  }

  get connection(): DuckDBConnection {
    return this.db.connection;
  }

  /** The cells `run` shows by default: profiles, segments, queries, sql and plot cells, in file order. */
  resultCells(): CompiledCell[] {
    return this.compiled.cells.filter((c) => resultKinds.includes(c.kind));
  }

  /** The definition named `name`, or a UserError that suggests the closest name. */
  cell(name: string): CompiledCell {
    const cell = this.compiled.cells.find((c) => c.name === name);
    if (cell) return cell;
    const names = this.compiled.cells.map((c) => c.name);
    const close = suggest(name, names);
    const hint = close.length ? ` — did you mean \`${close[0]}\`?` : names.length ? ` (cells: ${names.join(', ')})` : ' (it defines none)';
    throw new UserError(`no cell \`${name}\` in ${this.file}${hint}`);
  }

  /** `file:line:col` of a definition. */
  placeOf(cell: CompiledCell): string {
    return `${this.file}:${cell.range.start.line}:${cell.range.start.column}`;
  }

  /** Runs one cell by itself, as its self-contained SQL. */
  async run(name: string, options: RunOptions = {}): Promise<CellResult> {
    const [result] = await this.runMany([name], options);
    return result!;
  }

  /**
   * Runs cells in order. Relations needed by two or more of them are materialised once (a
   * source's raw scan never is: it stays a view that DuckDB pushes filters into).
   */
  async runMany(names: readonly string[], options: RunOptions = {}): Promise<CellResult[]> {
    const results: CellResult[] = [];
    for await (const r of this.runEach(names, options)) results.push(r);
    return results;
  }

  /** `runMany`, yielding each result as soon as it is ready. */
  async *runEach(names: readonly string[], runOptions: RunOptions = {}): AsyncGenerator<CellResult> {
    const cells = names.map((n) => this.runnable(this.cell(n)));
    const uses = relationUses(cells);
    await ensureHistoryInputs(this.historyContext(), cells);
    for (const cell of cells) {
      const start = performance.now();
      const options: QueryOptions = {
        ...(runOptions.limit !== undefined ? { limit: runOptions.limit } : {}),
        ...(runOptions.sink ? { sink: runOptions.sink(cell) } : {}),
      };
      let table: ResultTable;
      if (cells.length === 1 && cell.kind !== 'sql') {
        table = await this.query(cell, cell.sql!, options);
      } else {
        await this.createRelations(cell, uses);
        table = cell.kind === 'sql' ? await this.querySqlCell(cell, options) : await this.query(cell, cell.select!, options);
      }
      const result: CellResult = { name: cell.name, kind: cell.kind, table, seconds: (performance.now() - start) / 1000 };
      if (cell.plot) result.plot = cell.plot;
      yield result;
    }
  }

  /**
   * Creates the relations the cells read (shared ones as tables, as `runEach` does) and returns
   * the cells, whose `select` then runs over them: for writers that COPY results (run history).
   */
  async prepare(names: readonly string[]): Promise<CompiledCell[]> {
    const cells = names.map((n) => this.runnable(this.cell(n)));
    const uses = relationUses(cells);
    await ensureHistoryInputs(this.historyContext(), cells);
    for (const cell of cells) await this.createRelations(cell, uses);
    return cells;
  }

  private historyContext() {
    return { connection: this.db.connection, lake: this.lake, file: this.file, compiled: this.compiled, schemas: this.schemas };
  }

  /** The as-of time the notebook computes at, as ISO text (null when there is no data). */
  async asOf(): Promise<string | null> {
    if (!this.compiled.asOfSql) return null;
    const sql = this.created.get('as_of') === 'table' ? 'SELECT * FROM "as_of"' : this.compiled.asOfSql;
    try {
      const reader = await readTable(await this.db.connection.stream(sql));
      const v = reader.rows[0]?.[0];
      return v === undefined || v === null ? null : String(v);
    } catch (e) {
      throw new UserError(`cannot compute the as-of time: ${explainDuckDBError(e, this.db.readable)}`, this.file);
    }
  }

  close(): void {
    this.db.close();
  }

  private runnable(cell: CompiledCell): CompiledCell {
    if (cell.sql !== undefined && cell.select !== undefined) return cell;
    if (cell.kind === 'pipeline') throw new UserError(`cell \`${cell.name}\` is a pipeline: it lands data, it has no table to run`, this.placeOf(cell));
    const why = 'has errors (or depends on a definition that has)';
    throw new UserError(`cell \`${cell.name}\` ${why}; \`kohort check ${this.file}\` lists them`, this.placeOf(cell));
  }

  private async createRelations(cell: CompiledCell, uses: ReadonlyMap<string, number>): Promise<void> {
    const sources = new Set(this.compiled.cells.filter((c) => c.kind === 'source').map((c) => c.name));
    for (const name of cell.relations ?? []) {
      const kind = !sources.has(name) && (uses.get(name) ?? 0) >= 2 ? 'table' : 'view';
      const existing = this.created.get(name);
      if (existing === 'table' || existing === kind) continue;
      const relation = this.compiled.relations.find((r) => r.name === name);
      if (!relation) throw new Error(`compiled notebook lacks relation ${name}`);
      const id = sqlIdentifier(name);
      // A view made for one cell becomes a table once several cells share it. Views bind names
      // when queried, so the views built on it read the table from then on.
      const statements = [
        ...(existing === 'view' ? [`DROP VIEW ${id}`] : []),
        `CREATE TEMP ${kind === 'table' ? 'TABLE' : 'VIEW'} ${id} AS\n${relation.sql}`,
      ];
      try {
        for (const sql of statements) await this.db.connection.run(sql);
      } catch (e) {
        throw cellError(e, { name: cell.name, place: this.placeOf(cell) }, this.db.readable);
      }
      this.created.set(name, kind);
    }
  }

  private async query(cell: CompiledCell, sql: string, options: QueryOptions): Promise<ResultTable> {
    try {
      return await readTable(await this.db.connection.stream(sql), options);
    } catch (e) {
      throw cellError(e, { name: cell.name, place: this.placeOf(cell) }, this.db.readable);
    }
  }

  /**
   * A raw sql cell runs only if it is one read-only statement: DuckDB's parser splits it and its
   * prepared statement says what it is, so `DROP`, `COPY`, `ATTACH`, `SET`… are refused unrun.
   */
  private async querySqlCell(cell: CompiledCell, options: QueryOptions): Promise<ResultTable> {
    const place = this.placeOf(cell);
    const sql = cell.select!;
    try {
      const statements = await this.db.connection.extractStatements(sql);
      if (statements.count !== 1) {
        throw new UserError(`sql cell \`${cell.name}\` holds ${statements.count} statements; a sql cell is one SELECT query`, place);
      }
      const prepared = await statements.prepare(0);
      const type = prepared.statementType;
      if (type !== StatementType.SELECT && type !== StatementType.EXPLAIN) {
        throw new UserError(
          `sql cell \`${cell.name}\` is a ${StatementType[type] ?? 'non-query'} statement; a sql cell may only read (SELECT, WITH … SELECT, FROM …)`,
          place,
        );
      }
      return await readTable(await prepared.stream(), options);
    } catch (e) {
      if (e instanceof UserError) throw e;
      throw cellError(e, { name: cell.name, place: this.sqlErrorPlace(cell, e) ?? place }, this.db.readable);
    }
  }

  /**
   * `file:line:col` in the notebook of the spot DuckDB's `LINE n:` context points at in a sql
   * cell. The line is found by its text, so it holds whether the writer kept, trimmed or wrapped
   * (and indented) the cell's SQL.
   */
  private sqlErrorPlace(cell: CompiledCell, e: unknown): string | undefined {
    const m = /\nLINE (\d+): (.*)\n( *)\^/.exec(e instanceof Error ? e.message : '');
    const notebookCell = parseNotebook(this.text).cells[cell.cellIndex];
    if (!m || !notebookCell || cell.select === undefined) return undefined;
    const selectLine = cell.select.split('\n')[Number(m[1]) - 1];
    if (selectLine === undefined || selectLine.trim() === '') return undefined;
    const contentLines = notebookCell.content.split('\n');
    const index = contentLines.findIndex((l) => l.length > 0 && selectLine.endsWith(l) && selectLine.slice(0, -l.length).trim() === '');
    if (index < 0) return undefined;
    const indent = selectLine.length - contentLines[index]!.length;
    // DuckDB cuts long lines to a window starting with `...`; then the column is not known.
    const caret = m[2]!.startsWith('...') ? indent : m[3]!.length - `LINE ${m[1]}: `.length;
    const offset = notebookCell.contentOffset + contentLines.slice(0, index).reduce((n, l) => n + l.length + 1, 0) + Math.max(0, caret - indent);
    const at = new LineIndex(this.text).position(offset);
    return `${this.file}:${at.line}:${at.column}`;
  }
}

/** How many of the cells read each relation: those read by two or more are materialised. */
function relationUses(cells: readonly CompiledCell[]): Map<string, number> {
  const uses = new Map<string, number>();
  for (const c of cells) for (const r of c.relations ?? []) uses.set(r, (uses.get(r) ?? 0) + 1);
  return uses;
}

/** A notebook's text, or a UserError naming the path. */
export function readNotebook(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError('no such file', file);
    if (code === 'EISDIR') throw new UserError('is a directory, not a notebook', file);
    throw new UserError(`cannot read: ${(e as Error).message}`, file);
  }
}
