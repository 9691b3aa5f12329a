/** The identifier under (or just before) an offset, as [from, to) and its text. Backticked names included. */
export function wordAt(text: string, offset: number): { from: number; to: number; word: string } | undefined {
  // A `quoted name` around the offset.
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = text.indexOf('\n', offset) === -1 ? text.length : text.indexOf('\n', offset);
  const line = text.slice(lineStart, lineEnd);
  for (const m of line.matchAll(/`(?:[^`]|``)*`/g)) {
    const from = lineStart + m.index!;
    const to = from + m[0].length;
    if (from <= offset && offset <= to) return { from, to, word: m[0].slice(1, -1).replace(/``/g, '`') };
  }
  let from = offset;
  while (from > 0 && /\w/.test(text[from - 1]!)) from--;
  let to = offset;
  while (to < text.length && /\w/.test(text[to]!)) to++;
  if (from === to || /^\d/.test(text[from]!)) return undefined;
  return { from, to, word: text.slice(from, to) };
}
