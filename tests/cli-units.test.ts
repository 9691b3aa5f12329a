import { describe, expect, test } from 'vitest';
import { countValue, UsageError } from '../cli/args.js';
import { compact, Progress } from '../cli/progress.js';

describe('countValue', () => {
  test.each([
    ['1000', 1000],
    ['1_000_000', 1_000_000],
    ['250k', 250_000],
    ['42.4M', 42_400_000],
    ['1e6', 1_000_000],
    ['0', 0],
  ])('%s is %d', (text, n) => {
    expect(countValue(text, 'events', 'generate')).toBe(n);
  });

  test.each(['many', '-5', '1.5', '4.2k5', '', '0x10'])('%j is refused, naming the flag', (text) => {
    expect(() => countValue(text, 'events', 'generate')).toThrow(UsageError);
    expect(() => countValue(text, 'events', 'generate')).toThrow(/^--events must be a whole number/);
  });

  test('bounds are checked', () => {
    expect(() => countValue('0', 'events', 'generate', 1)).toThrow('--events must be between 1 and');
  });
});

function recorder(isTTY: boolean) {
  const writes: string[] = [];
  let now = 0;
  const stream = { isTTY, columns: 80, write: (s: string) => writes.push(s) };
  return { writes, stream, tick: (ms: number) => (now += ms), clock: () => now };
}

describe('Progress', () => {
  test('without a terminal: quiet for a second, then one plain line per 10%, never a carriage return', () => {
    const r = recorder(false);
    const p = new Progress(r.stream, 'events', r.clock);
    for (let done = 0; done <= 1000; done += 50) {
      r.tick(100);
      p.update(done, 1000);
    }
    p.done();
    expect(r.writes.map((w) => w.slice(0, 4))).toEqual([' 45%', ' 50%', ' 60%', ' 70%', ' 80%', ' 90%', '100%']);
    expect(r.writes[0]).toBe(' 45%  450 of 1k events  450/s\n');
    expect(r.writes.at(-1)).toMatch(/^100%  1k of 1k events  \S+\/s\n$/);
    expect(r.writes.join('')).not.toContain('\r');
  });

  test('a job done within a second prints nothing without a terminal', () => {
    const r = recorder(false);
    const p = new Progress(r.stream, 'rows', r.clock);
    p.update(0, 0);
    r.tick(300);
    p.update(1000, 1000);
    p.done();
    expect(r.writes).toEqual([]);
  });

  test('on a terminal: a bar redrawn in place, at most every 100 ms, ended by a newline', () => {
    const r = recorder(true);
    const p = new Progress(r.stream, 'events', r.clock);
    for (let done = 0; done < 1000; done += 10) {
      r.tick(20);
      p.update(done, 1000);
    }
    p.update(1000, 1000);
    p.done();
    const draws = r.writes.filter((w) => w.startsWith('\r'));
    expect(draws.length).toBeGreaterThan(5);
    expect(draws.length).toBeLessThan(30);
    expect(draws.at(-1)).toMatch(/^\r\[#{35}\] 100%  1k of 1k events/);
    expect(r.writes.at(-1)).toBe('\n');
  });
});

test('compact', () => {
  expect([compact(999), compact(1500), compact(42_400_000), compact(3e9)]).toEqual(['999', '1.5k', '42.4M', '3G']);
});
