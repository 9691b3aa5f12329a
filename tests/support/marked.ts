/**
 * Marks spans of a source text where diagnostics must appear (Malloy's idiom):
 * marked`metric x = ${'sumx'}(price)` gives the text and the offsets of each interpolated span.
 */
export interface Marked {
  text: string;
  marks: { start: number; end: number; text: string }[];
}

export function marked(strings: TemplateStringsArray, ...spans: string[]): Marked {
  let text = '';
  const marks: Marked['marks'] = [];
  strings.forEach((s, i) => {
    text += s;
    if (i < spans.length) {
      const span = spans[i]!;
      marks.push({ start: text.length, end: text.length + span.length, text: span });
      text += span;
    }
  });
  return { text, marks };
}
