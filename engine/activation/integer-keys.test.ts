import { describe, expect, test } from 'vitest';
import { IntegerKeys, keyHalves } from './integer-keys.js';

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

  test('finds every key at its sorted position and gives it back exactly', () => {
    expect(table.length).toBe(keys.length);
    keys.forEach((k, i) => {
      const h = keyHalves(k);
      expect(table.indexOf(h.hi, h.lo)).toBe(i);
      expect(table.keyAt(i)).toBe(k.toString());
    });
  });

  test('finds nothing that is not there', () => {
    const present = new Set(keys);
    for (const k of keys.slice(0, 5000)) {
      for (const near of [k + 1n, k - 1n, k ^ (1n << 40n)]) {
        if (present.has(near) || near !== BigInt.asIntN(64, near)) continue;
        const h = keyHalves(near);
        expect(table.indexOf(h.hi, h.lo)).toBe(-1);
      }
    }
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
    expect(empty.indexOf(0, 0)).toBe(-1);
    expect(empty.upperBound(0, 0)).toBe(0);
  });
});
