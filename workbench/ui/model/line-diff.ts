/** One line of a diff between the notebook as edited here and as it is on disk. */
export interface DiffLine {
  kind: 'same' | 'mine' | 'theirs';
  text: string;
}

/**
 * A line diff (longest common subsequence after trimming the common head and tail). Past a size
 * where LCS gets slow, the differing middle is shown as removed-then-added.
 */
export function lineDiff(mine: string, theirs: string, maxCells = 4_000_000): DiffLine[] {
  const a = mine.split('\n');
  const b = theirs.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const out: DiffLine[] = a.slice(0, head).map((text) => ({ kind: 'same', text }));
  const am = a.slice(head, a.length - tail);
  const bm = b.slice(head, b.length - tail);
  if (am.length * bm.length > maxCells) {
    out.push(...am.map((text): DiffLine => ({ kind: 'mine', text })), ...bm.map((text): DiffLine => ({ kind: 'theirs', text })));
  } else {
    const n = am.length;
    const m = bm.length;
    const lcs = new Uint32Array((n + 1) * (m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * (m + 1) + j] = am[i] === bm[j] ? lcs[(i + 1) * (m + 1) + j + 1]! + 1 : Math.max(lcs[(i + 1) * (m + 1) + j]!, lcs[i * (m + 1) + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (am[i] === bm[j]) {
        out.push({ kind: 'same', text: am[i]! });
        i++;
        j++;
      } else if (lcs[(i + 1) * (m + 1) + j]! >= lcs[i * (m + 1) + j + 1]!) out.push({ kind: 'mine', text: am[i++]! });
      else out.push({ kind: 'theirs', text: bm[j++]! });
    }
    while (i < n) out.push({ kind: 'mine', text: am[i++]! });
    while (j < m) out.push({ kind: 'theirs', text: bm[j++]! });
  }
  out.push(...a.slice(a.length - tail).map((text): DiffLine => ({ kind: 'same', text })));
  return out;
}
