import { tableFromIPC, type Table } from 'apache-arrow';
import { columnsOf, textRows, type ResultColumn, type TableLike } from './columns.js';
import type { ResultStore } from './result-store.js';
import { isPlainView, quoteIdentifier, viewSql, type ViewState } from './view-sql.js';

/** Rows of a view, fetched by range. Sync when the rows are in memory, async when DuckDB has them. */
export interface RowSource {
  columns: ResultColumn[];
  rowCount: number;
  /** Rows already at hand, or undefined (then call `load`). */
  peek(from: number, to: number): (string | null)[][] | undefined;
  /** Fetches rows `[from, to)`; resolves when `peek` can give them. */
  load(from: number, to: number): Promise<void>;
  /** Filter problems by column name. */
  errors: Record<string, string>;
}

/** The rows exactly as they arrived: read straight from the Arrow table. */
export class ArrowRows implements RowSource {
  readonly columns: ResultColumn[];
  readonly rowCount: number;
  readonly errors = {};
  constructor(private readonly table: TableLike) {
    this.columns = columnsOf(table.schema);
    this.rowCount = table.numRows;
  }
  peek(from: number, to: number) {
    return textRows(this.table, this.columns, from, to);
  }
  async load() {}
}

const pageSize = 256;
const maxPages = 64;

/** A view's rows in the browser's DuckDB, read a page at a time and cached. */
export class DuckRows implements RowSource {
  private readonly pages = new Map<number, (string | null)[][]>();
  private readonly loading = new Map<number, Promise<void>>();
  constructor(
    private readonly store: ResultStore,
    private readonly table: string,
    readonly columns: ResultColumn[],
    readonly rowCount: number,
    readonly errors: Record<string, string>,
  ) {}

  peek(from: number, to: number) {
    const out: (string | null)[][] = [];
    for (let p = Math.floor(from / pageSize); p * pageSize < to; p++) {
      const page = this.pages.get(p);
      if (!page) return undefined;
      const start = Math.max(from, p * pageSize) - p * pageSize;
      const end = Math.min(to, (p + 1) * pageSize) - p * pageSize;
      out.push(...page.slice(start, end));
    }
    return out;
  }

  async load(from: number, to: number) {
    const wanted: Promise<void>[] = [];
    for (let p = Math.floor(from / pageSize); p * pageSize < Math.min(to, this.rowCount); p++) {
      if (this.pages.has(p)) continue;
      let pending = this.loading.get(p);
      if (!pending) {
        const page = p;
        pending = this.store.query(`SELECT * FROM ${quoteIdentifier(this.table)} LIMIT ${pageSize} OFFSET ${page * pageSize}`).then((t) => {
          this.pages.set(page, textRows(t, columnsOf(t.schema)));
          this.loading.delete(page);
          // Keep memory bounded: forget the page furthest from this one.
          if (this.pages.size > maxPages) {
            const far = [...this.pages.keys()].sort((a, b) => Math.abs(b - page) - Math.abs(a - page))[0]!;
            this.pages.delete(far);
          }
        });
        this.loading.set(p, pending);
      }
      wanted.push(pending);
    }
    await Promise.all(wanted);
  }
}

let counter = 0;

/**
 * One result of a run: the Arrow table as it arrived, plus (once loaded) a copy in the browser's
 * DuckDB for views. `view()` gives the rows for a sort/filter/grouping.
 */
export class ResultSet {
  readonly table: Table;
  readonly columns: ResultColumn[];
  readonly id = `r${++counter}`;
  private loaded?: Promise<void>;
  private viewTable?: string;
  private viewCounter = 0;

  constructor(
    readonly ipc: Uint8Array,
    private readonly store: ResultStore,
  ) {
    this.table = tableFromIPC(ipc);
    this.columns = columnsOf(this.table.schema);
  }

  get rowCount(): number {
    return this.table.numRows;
  }

  /** Copies the result into the browser's DuckDB; views wait for it. Idempotent. */
  ingest(): Promise<void> {
    this.loaded ??= this.store.load(this.id, this.ipc);
    return this.loaded;
  }

  /** Whether the copy into DuckDB has started. */
  get ingested(): boolean {
    return this.loaded !== undefined;
  }

  async view(state: ViewState): Promise<RowSource> {
    if (isPlainView(state)) return new ArrowRows(this.table);
    await this.ingest();
    const { sql, errors } = viewSql(this.id, this.columns, state);
    const name = `${this.id}_v${++this.viewCounter}`;
    await this.store.query(`CREATE OR REPLACE TABLE ${quoteIdentifier(name)} AS ${sql}`);
    const previous = this.viewTable;
    this.viewTable = name;
    if (previous) void this.store.drop(previous);
    const head = await this.store.query(`SELECT * FROM ${quoteIdentifier(name)} LIMIT 0`);
    const count = await this.store.count(`SELECT * FROM ${quoteIdentifier(name)}`);
    return new DuckRows(this.store, name, columnsOf(head.schema), count, errors);
  }

  /** Frees the DuckDB copy. */
  dispose(): void {
    if (this.loaded) {
      void this.store.drop(this.id);
      if (this.viewTable) void this.store.drop(this.viewTable);
    }
  }
}
