/**
 * A sorted set of BIGINT keys as 32-bit halves side by side: compared as plain numbers, nothing
 * allocated per comparison (reading a BigInt64Array would allocate). Sorted order serves keyset
 * paging; point lookups go through `KeyRows`. 8 bytes per key.
 */
export class IntegerKeys {
  /** `[hi0, lo0, hi1, lo1, …]`, ascending by (signed hi, unsigned lo); lo is stored as its int32 bits. */
  private readonly halves: Int32Array;

  /** `halves` must already be sorted (the loader asks DuckDB for `ORDER BY key`). */
  constructor(halves: Int32Array) {
    this.halves = halves;
  }

  get length(): number {
    return this.halves.length / 2;
  }

  hiAt(i: number): number {
    return this.halves[2 * i]!;
  }

  loAt(i: number): number {
    return this.halves[2 * i + 1]!;
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

/**
 * The keys of several `IntegerKeys` (one per segment) in one open-addressing hash table: a key's
 * row holds its position in each set, side by side, so "which sets hold K, and where" is one
 * probe, one key check and one read of adjacent ints — a few cache misses however many segments
 * there are, where a table per segment costs two or three each. Memory per distinct key: 8 bytes
 * of halves, 4 per set, and 8–16 of hash slots.
 */
export class KeyRows {
  private readonly halves: Int32Array;
  /** Row + 1 of a key, at its hash or the next free slot after it; 0 is empty. */
  private readonly slots: Int32Array;
  private readonly mask: number;
  /** `row * width + set` → position + 1 in that set; 0: not in it. */
  private readonly positions: Int32Array;
  readonly width: number;

  constructor(sets: readonly IntegerKeys[]) {
    const width = sets.length;
    const most = sets.reduce((n, s) => n + s.length, 0);
    let size = 2;
    while (size < most * 2) size *= 2;
    const slots = new Int32Array(size);
    const mask = size - 1;
    let halves = new Int32Array(2 * most);
    let positions = new Int32Array(most * width);
    let rows = 0;
    sets.forEach((set, s) => {
      for (let i = 0; i < set.length; i++) {
        const hi = set.hiAt(i);
        const lo = set.loAt(i);
        let slot = slotOf(hi, lo) & mask;
        let row = -1;
        for (; slots[slot] !== 0; slot = (slot + 1) & mask) {
          const r = slots[slot]! - 1;
          if (halves[2 * r] === hi && halves[2 * r + 1] === lo) {
            row = r;
            break;
          }
        }
        if (row < 0) {
          row = rows++;
          halves[2 * row] = hi;
          halves[2 * row + 1] = lo;
          slots[slot] = row + 1;
        }
        positions[row * width + s] = i + 1;
      }
    });
    // Keys shared between sets made fewer rows than the bound: keep only what is used.
    if (rows < most) {
      halves = halves.slice(0, 2 * rows);
      positions = positions.slice(0, rows * width);
    }
    this.halves = halves;
    this.slots = slots;
    this.mask = mask;
    this.positions = positions;
    this.width = width;
  }

  /** The row of the key with these halves, or -1. */
  rowOf(hi: number, lo: number): number {
    const halves = this.halves;
    const slots = this.slots;
    const mask = this.mask;
    for (let s = slotOf(hi, lo) & mask; ; s = (s + 1) & mask) {
      const r = slots[s]! - 1;
      if (r < 0) return -1;
      if (halves[2 * r] === hi && halves[2 * r + 1] === lo) return r;
    }
  }

  /** The key's position in set `set` (from `rowOf`), or -1. */
  positionIn(row: number, set: number): number {
    return this.positions[row * this.width + set]! - 1;
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
