import { rmSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDuckDB, sqlIdentifier, type KohortDuckDB } from '../../engine/index.js';
import { Cancelled } from './result-cache.js';

/** A relation a run needs in DuckDB's temp catalog, under its notebook name. */
export interface WantedRelation {
  name: string;
  sql: string;
  /** Changes whenever its SQL, what it reads, or the data under it changes. */
  key: string;
  /** Create it as a TEMP TABLE (computed once, reused) rather than a view. */
  materialize: boolean;
}

export interface PoolOptions {
  /** What DuckDB may read: the workspace (where it also spills, under `.kohort/tmp`)… */
  workspace: string;
  /** …and the lake. */
  lake: string;
  /** Instances at most; each runs one request at a time. */
  size: number;
  /** Each instance's `memory_limit`. Default: `$KOHORT_MEMORY_LIMIT`, else 60% of RAM split over `size`. */
  memoryLimit?: string;
  /** Each instance's threads. Default: `$KOHORT_THREADS`, else every core. */
  threads?: number;
  /** Materialised relations kept aside (renamed out of sight) per instance, for reuse. */
  parkedTables?: number;
}

/**
 * One confined DuckDB (engine `openDuckDB`) and the relations it holds. Its visible temp catalog
 * holds exactly the relations of the run in progress, so SQL cannot read another notebook's (or
 * an older text's) tables by name; materialised tables not needed now are parked under
 * `name@key` and renamed back when an identical relation is wanted again.
 */
export class PooledDuckDB {
  private readonly visible = new Map<string, { key: string; table: boolean }>();
  /** Parked tables by `name@key`, least recently used first. */
  private readonly parked = new Map<string, string>();
  busy = false;

  constructor(
    readonly db: KohortDuckDB,
    private readonly maxParked: number,
  ) {}

  get connection(): DuckDBConnection {
    return this.db.connection;
  }

  /** How many of `wanted`'s materialised relations this instance already holds. */
  score(wanted: readonly WantedRelation[]): number {
    let n = 0;
    for (const w of wanted) {
      if (this.visible.get(w.name)?.key === w.key || this.parked.has(parkedName(w))) n++;
    }
    return n;
  }

  /**
   * Makes the temp catalog hold exactly `wanted` (in dependency order): keeps what is current,
   * parks or drops the rest, unparks or creates what is missing. A table already computed is
   * used even where a view was asked for.
   */
  async prepare(wanted: readonly WantedRelation[], onError: (e: unknown, relation: WantedRelation) => never): Promise<void> {
    const byName = new Map(wanted.map((w) => [w.name, w]));
    for (const [name, have] of [...this.visible]) {
      const want = byName.get(name);
      if (want && want.key === have.key && (have.table || !want.materialize)) continue;
      if (have.table) await this.park(name, have.key);
      else await this.connection.run(`DROP VIEW IF EXISTS ${sqlIdentifier(name)}`);
      this.visible.delete(name);
    }
    for (const w of wanted) {
      if (this.visible.has(w.name)) continue;
      const parked = parkedName(w);
      try {
        if (this.parked.has(parked)) {
          await this.connection.run(`ALTER TABLE ${sqlIdentifier(parked)} RENAME TO ${sqlIdentifier(w.name)}`);
          this.parked.delete(parked);
          this.visible.set(w.name, { key: w.key, table: true });
        } else {
          await this.connection.run(`CREATE TEMP ${w.materialize ? 'TABLE' : 'VIEW'} ${sqlIdentifier(w.name)} AS\n${w.sql}`);
          this.visible.set(w.name, { key: w.key, table: w.materialize });
        }
      } catch (e) {
        onError(e, w);
      }
    }
  }

  /** Drops every relation of this instance (after a failure left the catalog in doubt). */
  async reset(): Promise<void> {
    for (const [name, have] of this.visible) {
      await this.connection.run(`DROP ${have.table ? 'TABLE' : 'VIEW'} IF EXISTS ${sqlIdentifier(name)}`).catch(() => undefined);
    }
    for (const parked of this.parked.keys()) await this.connection.run(`DROP TABLE IF EXISTS ${sqlIdentifier(parked)}`).catch(() => undefined);
    this.visible.clear();
    this.parked.clear();
  }

  private async park(name: string, key: string): Promise<void> {
    const parked = parkedName({ name, key });
    await this.connection.run(`DROP TABLE IF EXISTS ${sqlIdentifier(parked)}`);
    await this.connection.run(`ALTER TABLE ${sqlIdentifier(name)} RENAME TO ${sqlIdentifier(parked)}`);
    this.parked.set(parked, name);
    while (this.parked.size > this.maxParked) {
      const oldest = this.parked.keys().next().value!;
      this.parked.delete(oldest);
      await this.connection.run(`DROP TABLE IF EXISTS ${sqlIdentifier(oldest)}`);
    }
  }
}

function parkedName(w: { name: string; key: string }): string {
  return `${w.name}@${w.key}`;
}

interface Waiter {
  wanted: readonly WantedRelation[];
  resolve(db: PooledDuckDB): void;
  reject(e: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * A few confined DuckDB instances, opened on demand and reused: one per concurrent request, up
 * to `size`; later requests queue. A request goes to the idle instance that already holds most of
 * the tables it wants. Cancelling (the request's signal) leaves the queue, or interrupts DuckDB.
 */
export class DuckDBPool {
  private readonly instances: PooledDuckDB[] = [];
  private readonly waiters: Waiter[] = [];
  private opening = 0;
  private opened = 0;
  private closed = false;

  constructor(private readonly options: PoolOptions) {}

  /**
   * Runs `fn` on an instance of its own. When `signal` aborts mid-run, DuckDB is interrupted and
   * the call fails with `Cancelled`, whatever `fn` returned.
   */
  async use<T>(fn: (db: PooledDuckDB) => Promise<T>, options: { signal?: AbortSignal; wanted?: readonly WantedRelation[] } = {}): Promise<T> {
    const { signal } = options;
    if (signal?.aborted) throw new Cancelled();
    const db = await this.acquire(options.wanted ?? [], signal);
    const interrupt = () => db.connection.interrupt();
    signal?.addEventListener('abort', interrupt, { once: true });
    try {
      const value = await fn(db);
      if (signal?.aborted) throw new Cancelled();
      return value;
    } catch (e) {
      if (signal?.aborted) throw new Cancelled();
      throw e;
    } finally {
      signal?.removeEventListener('abort', interrupt);
      this.release(db);
    }
  }

  /** Instances open now (for tests and the health answer). */
  get open(): number {
    return this.instances.length;
  }

  /** Interrupts what runs, then closes every instance once it is free. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w.reject(new Cancelled());
    for (const p of this.instances) if (p.busy) p.connection.interrupt();
    while (this.instances.some((p) => p.busy) || this.opening > 0) await new Promise((r) => setTimeout(r, 20));
    for (const p of this.instances) {
      p.db.close();
      if (p.db.tempDirectory.includes(`serve-${process.pid}-`)) rmSync(p.db.tempDirectory, { recursive: true, force: true });
    }
    this.instances.length = 0;
  }

  private async acquire(wanted: readonly WantedRelation[], signal?: AbortSignal): Promise<PooledDuckDB> {
    if (this.closed) throw new Error('the server is closing');
    const idle = this.instances.filter((p) => !p.busy);
    if (idle.length > 0) {
      const best = idle.reduce((a, b) => (b.score(wanted) > a.score(wanted) ? b : a));
      // An empty instance could be opened instead of evicting a busy one's worth of tables,
      // but opening costs more than it saves; the best idle one it is.
      best.busy = true;
      return best;
    }
    if (this.instances.length + this.opening < this.options.size) {
      this.opening++;
      try {
        const db = await this.openOne(++this.opened);
        db.busy = true;
        this.instances.push(db);
        return db;
      } finally {
        this.opening--;
      }
    }
    return new Promise<PooledDuckDB>((resolve, reject) => {
      const waiter: Waiter = {
        wanted,
        resolve,
        reject,
        signal,
        onAbort: () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(new Cancelled());
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private release(db: PooledDuckDB): void {
    const next = this.waiters.shift();
    if (next) {
      next.signal?.removeEventListener('abort', next.onAbort);
      next.resolve(db);
      return;
    }
    db.busy = false;
  }

  private async openOne(n: number): Promise<PooledDuckDB> {
    const memoryLimit =
      this.options.memoryLimit ?? process.env['KOHORT_MEMORY_LIMIT'] ?? `${Math.max(256, Math.floor((totalmem() * 0.6) / this.options.size / 2 ** 20))}MB`;
    const base = { workspace: this.options.workspace, lake: this.options.lake, memoryLimit, ...(this.options.threads ? { threads: this.options.threads } : {}) };
    let db: KohortDuckDB;
    try {
      // Each instance spills to a folder of its own: DuckDB names its temp files per instance only.
      db = await openDuckDB({ ...base, tempDirectory: join(this.options.workspace, '.kohort', 'tmp', `serve-${process.pid}-${n}`) });
    } catch {
      db = await openDuckDB(base); // a read-only workspace: the engine picks a private folder
    }
    return new PooledDuckDB(db, this.options.parkedTables ?? 6);
  }
}
