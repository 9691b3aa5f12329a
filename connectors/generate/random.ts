/**
 * Deterministic randomness for the generator, in TS (small tables: taxonomy ids, brand names) and
 * in DuckDB SQL (every row). Nothing depends on thread count, row order or wall-clock time.
 *
 * In SQL, a value's randomness is `hash(xor(key, salt))`: DuckDB's one-argument `hash` is a full
 * 64-bit mix (murmur finaliser), and each stream has its own salt derived from the seed. DuckDB's
 * many-argument `hash(a, b)` must NOT be used: it combines its arguments weakly — measured,
 * `hash(7, i)` and `hash(8, i)` correlate at -0.91, and `hash(7, i, 1)` vs `hash(7, i, 2)` at 0.59.
 * (`hash` is stable within a DuckDB version, which the lockfile pins; the same seed then gives the
 * same rows.)
 */

const mask64 = (1n << 64n) - 1n;

/** SplitMix64's output function: a bijective 64-bit mix. */
export function mix64(x: bigint): bigint {
  let z = (x + 0x9e3779b97f4a7c15n) & mask64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & mask64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & mask64;
  return z ^ (z >> 31n);
}

/** FNV-1a of a text, 64-bit: turns a stream name into a number. */
function fnv1a(text: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of Buffer.from(text, 'utf8')) h = ((h ^ BigInt(b)) * 0x100000001b3n) & mask64;
  return h;
}

/** The 64-bit salt of a named stream for a seed. Different names or seeds give unrelated salts. */
export function salt(seed: number, stream: string): bigint {
  return mix64(mix64(BigInt.asUintN(64, BigInt(seed))) ^ fnv1a(stream));
}

/** A small PRNG (SplitMix64) for the generator's TS-side tables. */
export class SplitMix {
  private state: bigint;
  constructor(seed: number, stream: string) {
    this.state = salt(seed, stream);
  }
  /** The next 64-bit value. */
  next(): bigint {
    this.state = (this.state + 0x9e3779b97f4a7c15n) & mask64;
    return mix64(this.state);
  }
  /** A number in [0, 1). */
  float(): number {
    return Number(this.next() >> 11n) / 2 ** 53;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }
}

/** SQL: a UBIGINT literal. */
export function ubigint(v: bigint): string {
  return `${v}::UBIGINT`;
}

/**
 * SQL streams of one seed: `u(key, name)` is a uniform DOUBLE in (0, 1), `h(key, name)` a UBIGINT,
 * for a UBIGINT `key` (itself usually a hash). Each distinct name is an independent stream.
 */
export class SqlRandom {
  constructor(private readonly seed: number) {}

  /** The salt literal of a stream. */
  salt(name: string): string {
    return ubigint(salt(this.seed, name));
  }

  /** A 64-bit hash of `key` in stream `name`. */
  h(key: string, name: string): string {
    return `hash(xor(${key}, ${this.salt(name)}))`;
  }

  /** A uniform DOUBLE strictly inside (0, 1): 53 bits plus a half, so log() never sees 0. */
  u(key: string, name: string): string {
    return `((CAST(${this.h(key, name)} >> 11 AS DOUBLE) + 0.5) / 9007199254740992.0)`;
  }

  /** A standard normal (Box–Muller) from two streams. */
  normal(key: string, name: string): string {
    return `(sqrt(-2 * ln(${this.u(key, `${name}.a`)})) * cos(2 * pi() * ${this.u(key, `${name}.b`)}))`;
  }

  /** The key of an integer id: `hash(id)` as UBIGINT. */
  static key(id: string): string {
    return `hash(${id})`;
  }
}
