/**
 * A sorted set of BIGINT keys held for point lookups under load: the keys as 32-bit halves side by
 * side (one cache line per key compared, nothing allocated per lookup — reading a BigInt64Array
 * would allocate) and an open-addressing hash table of positions, so "is K here, and where" is
 * about two memory reads instead of a 22-step binary search. Sorted order stays for keyset paging.
 * Memory: 8 bytes per key plus 4 per hash slot (2–4 slots per key).
 */
export class IntegerKeys {
  /** `[hi0, lo0, hi1, lo1, …]`, ascending by (signed hi, unsigned lo); lo is stored as its int32 bits. */
  private readonly halves: Int32Array;
  /** Position + 1 of a key, at its hash or the next free slot after it; 0 is empty. */
  private readonly slots: Int32Array;
  private readonly mask: number;

  /** `halves` must already be sorted (the loader asks DuckDB for `ORDER BY key`). */
  constructor(halves: Int32Array) {
    this.halves = halves;
    const n = halves.length / 2;
    let size = 2;
    while (size < n * 2) size *= 2;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    for (let i = 0; i < n; i++) {
      let s = slotOf(halves[2 * i]!, halves[2 * i + 1]!) & this.mask;
      while (this.slots[s] !== 0) s = (s + 1) & this.mask;
      this.slots[s] = i + 1;
    }
  }

  get length(): number {
    return this.halves.length / 2;
  }

  /** The position of the key with these halves, or -1. */
  indexOf(hi: number, lo: number): number {
    const halves = this.halves;
    const slots = this.slots;
    const mask = this.mask;
    for (let s = slotOf(hi, lo) & mask; ; s = (s + 1) & mask) {
      const p = slots[s]!;
      if (p === 0) return -1;
      if (halves[2 * p - 2] === hi && halves[2 * p - 1] === lo) return p - 1;
    }
  }

  /** The first position whose key is greater than the given one (binary search). */
  upperBound(hi: number, lo: number): number {
    const halves = this.halves;
    const loUnsigned = lo >>> 0;
    let a = 0;
    let b = this.length;
    while (a < b) {
      const mid = (a + b) >>> 1;
      const h = halves[2 * mid]!;
      if (h < hi || (h === hi && halves[2 * mid + 1]! >>> 0 <= loUnsigned)) a = mid + 1;
      else b = mid;
    }
    return a;
  }

  /** The key at position `i`, as exact decimal digits. */
  keyAt(i: number): string {
    return ((BigInt(this.halves[2 * i]!) << 32n) | BigInt(this.halves[2 * i + 1]! >>> 0)).toString();
  }
}

/** A BIGINT as the halves IntegerKeys stores: high 32 bits signed, low 32 bits as int32 bits. */
export function keyHalves(k: bigint): { hi: number; lo: number } {
  return { hi: Number(BigInt.asIntN(32, k >> 32n)), lo: Number(BigInt.asIntN(32, k)) };
}

/** Mixes both halves (murmur3's finalizer), so keys that differ in any bits spread over the table. */
function slotOf(hi: number, lo: number): number {
  let h = lo ^ Math.imul(hi, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
