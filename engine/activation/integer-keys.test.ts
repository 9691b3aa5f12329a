import { describe, expect, test } from 'vitest';
import { IntegerKeys, KeyRows, keyHalves } from './integer-keys.js';

/** Sorted distinct BIGINTs: spread over the whole range, in runs of neighbours, and at the edges. */
function sampleKeys(): bigint[] {
  const keys = new Set<bigint>([-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n, 2n ** 32n, 2n ** 32n - 1n, -(2n ** 32n)]);
  let x = 88172645463325252n;
  for (let i = 0; i < 20_000; i++) {
    // xorshift64: deterministic, all 64 bits vary.
    x ^= (x << 13n) & 0xffffffffffffffffn;
    x ^= x >> 7n;
    x ^= (x << 17n) & 0xffffffffffffffffn;
    keys.add(BigInt.asIntN(64, x));
    keys.add(1_000_000_000_000_000_000n + BigInt(i) * 13n); // REES46-like ids past 2^53, close together
    keys.add(BigInt(i) << 32n); // equal low halves
  }
  return [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function build(keys: bigint[]): IntegerKeys {
  const halves = new Int32Array(keys.length * 2);
  keys.forEach((k, i) => {
    const h = keyHalves(k);
    halves[2 * i] = h.hi;
    halves[2 * i + 1] = h.lo;
  });
  return new IntegerKeys(halves);
}

describe('IntegerKeys', () => {
  const keys = sampleKeys();
  const table = build(keys);

  test('gives every key back exactly, in order', () => {
    expect(table.length).toBe(keys.length);
    keys.forEach((k, i) => expect(table.keyAt(i)).toBe(k.toString()));
  });

  test('upperBound is the first position past the key, as a linear scan says', () => {
    const probes = [...keys.filter((_, i) => i % 97 === 0), ...keys.filter((_, i) => i % 89 === 0).map((k) => k - 1n), -(2n ** 63n), 2n ** 63n - 1n];
    for (const p of probes.filter((k) => k === BigInt.asIntN(64, k))) {
      const h = keyHalves(p);
      const expected = keys.findIndex((k) => k > p);
      expect(table.upperBound(h.hi, h.lo)).toBe(expected === -1 ? keys.length : expected);
    }
  });

  test('an empty set', () => {
    const empty = new IntegerKeys(new Int32Array(0));
    expect(empty.upperBound(0, 0)).toBe(0);
    expect(new KeyRows([empty]).rowOf(0, 0)).toBe(-1);
  });
});

describe('KeyRows', () => {
  // Three overlapping sets: every key, every other key, every third key.
  const keys = sampleKeys();
  const sets = [keys, keys.filter((_, i) => i % 2 === 0), keys.filter((_, i) => i % 3 === 0)];
  const rows = new KeyRows(sets.map(build));

  test('finds every key of every set, at its position there, and nowhere else', () => {
    const where = sets.map((set) => new Map(set.map((k, i) => [k, i])));
    for (const k of keys) {
      const h = keyHalves(k);
      const row = rows.rowOf(h.hi, h.lo);
      expect(row).toBeGreaterThanOrEqual(0);
      where.forEach((positions, s) => expect(rows.positionIn(row, s)).toBe(positions.get(k) ?? -1));
    }
  });

  test('finds nothing that is in no set', () => {
    const present = new Set(keys);
    for (const k of keys.slice(0, 5000)) {
      for (const near of [k + 1n, k - 1n, k ^ (1n << 40n)]) {
        if (present.has(near) || near !== BigInt.asIntN(64, near)) continue;
        const h = keyHalves(near);
        expect(rows.rowOf(h.hi, h.lo)).toBe(-1);
      }
    }
  });
});
