import type { AsyncDuckDB, AsyncDuckDBConnection } from '@duckdb/duckdb-wasm';
import type { TableLike } from './columns.js';

/**
 * The browser's DuckDB (duckdb-wasm), holding result sets so that sorting, filtering and grouping
 * one never goes back to the server. Results arrive as Arrow IPC and go in as-is; we never use its
 * Parquet reader (that downloads an extension at run time). The wasm and its worker are bundled
 * by Vite and load from our own origin, only when a result is first looked at.
 */
export class ResultStore {
  private opened?: Promise<AsyncDuckDBConnection>;
  private db?: AsyncDuckDB;
  private worker?: Worker;
  /** A queue so statements never interleave on the one connection. */
  private tail: Promise<unknown> = Promise.resolve();

  private async open(): Promise<AsyncDuckDBConnection> {
    const [duckdb, mvpWasm, mvpWorker, ehWasm, ehWorker] = await Promise.all([
      import('@duckdb/duckdb-wasm'),
      import('@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm?url'),
      import('@duckdb/duckdb-wasm/dist/duckdb-browser-mvp.worker.js?url'),
      import('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url'),
      import('@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url'),
    ]);
    const bundle = await duckdb.selectBundle({
      mvp: { mainModule: absolute(mvpWasm.default), mainWorker: absolute(mvpWorker.default) },
      eh: { mainModule: absolute(ehWasm.default), mainWorker: absolute(ehWorker.default) },
    });
    this.worker = new Worker(bundle.mainWorker!);
    this.db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), this.worker);
    await this.db.instantiate(bundle.mainModule, bundle.pthreadWorker);
    await this.db.open({ query: { castBigIntToDouble: false, castDecimalToDouble: false } });
    const conn = await this.db.connect();
    // Nothing may be fetched at run time: no extension downloads, ever.
    for (const setting of ['SET autoinstall_known_extensions = false', 'SET autoload_known_extensions = false']) {
      await conn.query(setting).catch(() => undefined);
    }
    return conn;
  }

  private connection(): Promise<AsyncDuckDBConnection> {
    this.opened ??= this.open();
    return this.opened;
  }

  private enqueue<T>(work: (conn: AsyncDuckDBConnection) => Promise<T>): Promise<T> {
    const run = this.tail.then(async () => work(await this.connection()));
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Creates table `name` from Arrow IPC stream bytes (replacing one of that name). */
  load(name: string, ipc: Uint8Array): Promise<void> {
    return this.enqueue(async (conn) => {
      await conn.query(`DROP TABLE IF EXISTS ${quote(name)}`);
      // The bytes are transferred to the worker; keep the caller's copy intact.
      await conn.insertArrowFromIPCStream(ipc.slice(), { name, create: true });
    });
  }

  /** Runs a statement; the result is an Arrow table (of duckdb-wasm's own apache-arrow). */
  query(sql: string): Promise<TableLike> {
    return this.enqueue(async (conn) => (await conn.query(sql)) as unknown as TableLike);
  }

  async count(sql: string): Promise<number> {
    const t = await this.query(`SELECT count(*)::DOUBLE AS n FROM (${sql})`);
    return Number(t.getChild('n')?.get(0) ?? 0);
  }

  drop(name: string): Promise<void> {
    return this.enqueue(async (conn) => {
      await conn.query(`DROP TABLE IF EXISTS ${quote(name)}`);
    });
  }

  async close(): Promise<void> {
    if (!this.opened) return;
    try {
      const conn = await this.opened;
      await conn.close();
      await this.db?.terminate();
    } finally {
      this.worker?.terminate();
      delete this.opened;
    }
  }
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** duckdb-wasm resolves module URLs inside its worker, where `./assets/…` means nothing. */
function absolute(url: string): string {
  return new URL(url, document.baseURI).href;
}

let shared: ResultStore | undefined;
/** The page's one result store. */
export function resultStore(): ResultStore {
  shared ??= new ResultStore();
  return shared;
}
