import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rees46Schemas } from '../tests/support/rees46-schema.js';
import { compileNotebook } from './index.js';

/**
 * Random and mutated notebooks must never make the compiler throw or report an internal error:
 * every outcome is SQL or diagnostics, with ranges inside the text. Seeded, so failures replay.
 */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const corpus = readdirSync(join(import.meta.dirname, 'testdata'))
  .filter((f) => /^[^.].*\.kohort$/.test(f))
  .map((f) => readFileSync(join(import.meta.dirname, 'testdata', f), 'utf8'));

const words = [
  'source', 'metric', 'profile', 'segment', 'query', 'plot', 'as', 'of', 'latest', 'from', 'where', 'during', 'last', 'between', 'and',
  'or', 'not', 'in', 'is', 'null', 'per', 'day', 'group', 'by', 'select', 'order', 'desc', 'limit', 'case', 'when', 'then', 'else', 'end',
  'starts', 'with', 'contains', 'distinct', 'count', 'sum', 'first', 'days_since', 'date', 'lake', 'key', 'time', 'events', 'views', 'revenue',
  'price', 'user_id', 'event_time', 'x', '=', '(', ')', ',', '.', '>', '<=', '!=', '+', '-', '*', '/', '%', '"s"', "'t'", '`q`', '1', '2.5',
  '30', 'days', '"2019-10-01"', '\n', '--- kohort\n', '--- sql q\n', '--- markdown\n', '-- c\n', '"', '`', '@', '\u0000', '9999999999999999999999',
];

function check(text: string): void {
  const r = compileNotebook(text, { schemas: rees46Schemas, lake: '/lake' });
  const internal = r.diagnostics.filter((d) => d.code === 'internal-error');
  expect(internal, `internal error for:\n${text}`).toEqual([]);
  for (const d of r.diagnostics) {
    expect(d.range.start.offset).toBeGreaterThanOrEqual(0);
    expect(d.range.end.offset).toBeLessThanOrEqual(text.length);
    expect(d.range.start.offset).toBeLessThanOrEqual(d.range.end.offset);
    expect(d.message.length).toBeGreaterThan(0);
  }
}

describe('fuzz', () => {
  it('random token soup yields diagnostics, never a throw', () => {
    const rand = prng(20191001);
    for (let i = 0; i < 400; i++) {
      const n = 1 + Math.floor(rand() * 40);
      const parts: string[] = [];
      for (let j = 0; j < n; j++) parts.push(words[Math.floor(rand() * words.length)]!);
      check(parts.join(rand() < 0.5 ? ' ' : ''));
    }
  });

  it('mutated real notebooks yield diagnostics, never a throw', () => {
    const rand = prng(42);
    for (let i = 0; i < 300; i++) {
      let text = corpus[i % corpus.length]!;
      const edits = 1 + Math.floor(rand() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(rand() * (text.length + 1));
        const len = Math.floor(rand() * 12);
        const op = rand();
        if (op < 0.33) text = text.slice(0, at) + text.slice(at + len);
        else if (op < 0.66) text = text.slice(0, at) + words[Math.floor(rand() * words.length)]! + ' ' + text.slice(at);
        else {
          const from = Math.floor(rand() * text.length);
          text = text.slice(0, at) + text.slice(from, from + len) + text.slice(at);
        }
      }
      check(text);
    }
  });
});
