/** Thrown when the client that asked went away: nothing is sent, nothing is cached. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled by the client');
  }
}

export interface Computed<V> {
  value: V;
  /** Bytes the value holds in memory; what the cache's budget counts. */
  bytes: number;
  /** False for results that must not be reused (e.g. SQL that reads files kohort does not track). */
  cacheable: boolean;
}

interface InFlight<V> {
  promise: Promise<Computed<V>>;
  controller: AbortController;
  waiting: number;
}

/**
 * Results by key, least recently used first out, within a byte budget. Identical requests in
 * flight share one computation, which is cancelled only when every one of them has gone away.
 */
export class ResultCache<V> {
  private readonly entries = new Map<string, { value: V; bytes: number }>();
  private readonly inFlight = new Map<string, InFlight<V>>();
  private used = 0;

  constructor(private readonly budgetBytes: number) {}

  /** Bytes held now. */
  get size(): number {
    return this.used;
  }

  /** Whether `key` is cached now (without touching its recency). */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  /**
   * The cached value of `key`, or `compute`'s. `signal` is this caller's: when it aborts, the
   * caller gets `Cancelled`, and the computation's own signal aborts once no caller is left.
   */
  async get(key: string, signal: AbortSignal, compute: (signal: AbortSignal) => Promise<Computed<V>>): Promise<{ value: V; cached: boolean }> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return { value: hit.value, cached: true };
    }
    if (signal.aborted) throw new Cancelled();
    let flight = this.inFlight.get(key);
    if (!flight) {
      const controller = new AbortController();
      const promise = compute(controller.signal).then((r) => {
        if (r.cacheable && !controller.signal.aborted) this.put(key, r.value, r.bytes);
        return r;
      });
      const entry: InFlight<V> = { promise, controller, waiting: 0 };
      this.inFlight.set(key, entry);
      promise.then(
        () => this.inFlight.get(key) === entry && this.inFlight.delete(key),
        () => this.inFlight.get(key) === entry && this.inFlight.delete(key),
      );
      flight = entry;
    }
    const f = flight;
    f.waiting++;
    return new Promise((resolve, reject) => {
      let settled = false;
      const onAbort = () => {
        if (settled) return;
        settled = true;
        if (--f.waiting === 0) {
          f.controller.abort();
          // A later identical request must not join a computation on its way down.
          if (this.inFlight.get(key) === f) this.inFlight.delete(key);
        }
        reject(new Cancelled());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      f.promise.then(
        (r) => {
          if (settled) return;
          settled = true;
          f.waiting--;
          signal.removeEventListener('abort', onAbort);
          resolve({ value: r.value, cached: false });
        },
        (e) => {
          if (settled) return;
          settled = true;
          f.waiting--;
          signal.removeEventListener('abort', onAbort);
          reject(e);
        },
      );
    });
  }

  clear(): void {
    this.entries.clear();
    this.used = 0;
  }

  private put(key: string, value: V, bytes: number): void {
    if (bytes > this.budgetBytes) return;
    const old = this.entries.get(key);
    if (old) {
      this.used -= old.bytes;
      this.entries.delete(key);
    }
    this.entries.set(key, { value, bytes });
    this.used += bytes;
    for (const [k, e] of this.entries) {
      if (this.used <= this.budgetBytes) break;
      this.entries.delete(k);
      this.used -= e.bytes;
    }
  }
}
