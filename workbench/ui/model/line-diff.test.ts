import { describe, expect, it } from 'vitest';
import { lineDiff } from './line-diff.js';

describe('lineDiff', () => {
  it('shows lines only here, only on disk, and shared', () => {
    expect(lineDiff('a\nb\nc\nd', 'a\nc\nd\ne')).toEqual([
      { kind: 'same', text: 'a' },
      { kind: 'mine', text: 'b' },
      { kind: 'same', text: 'c' },
      { kind: 'same', text: 'd' },
      { kind: 'theirs', text: 'e' },
    ]);
  });

  it('gives back either side from its lines', () => {
    const mine = 'metric a = count()\nmetric b = sum(price)\n-- note\nsegment s = a > 1';
    const theirs = 'metric a = count()\nmetric b = avg(price)\nsegment s = a > 1\nquery q = from s select n = count()';
    const diff = lineDiff(mine, theirs);
    expect(diff.filter((l) => l.kind !== 'theirs').map((l) => l.text).join('\n')).toBe(mine);
    expect(diff.filter((l) => l.kind !== 'mine').map((l) => l.text).join('\n')).toBe(theirs);
  });

  it('falls back to replace-the-middle past its size budget', () => {
    const diff = lineDiff('x\n1\n2\ny', 'x\n3\n4\ny', 1);
    expect(diff.map((l) => l.kind)).toEqual(['same', 'mine', 'mine', 'theirs', 'theirs', 'same']);
  });
});
