import type { IToken } from 'chevrotain';
import * as t from './tokens.js';
import { softKeywords } from './tokens.js';
import { behaviourWord } from './complete-behaviour.js';

export type HighlightKind = 'keyword' | 'identifier' | 'string' | 'number' | 'comment' | 'operator' | 'delimiter' | 'function' | 'invalid';

export interface HighlightToken {
  start: number;
  length: number;
  kind: HighlightKind;
}

const operators = new Set([t.ComparisonOperator, t.AdditiveOperator, t.MultiplicativeOperator]);
const delimiters = new Set([t.LParen, t.RParen, t.Comma, t.Dot]);
const keywords = new Set(t.keywordTokens);

/**
 * Highlighting for one line, from the parser's own token definitions. No kohort token spans lines,
 * so an editor can colour line by line. Soft keywords (`lake`, `last`, `days`, `date "…"`) are
 * keywords only where the grammar gives them that meaning.
 */
export function highlightTokens(line: string): HighlightToken[] {
  const lexed = t.kohortLexer.tokenize(line);
  const out: HighlightToken[] = [];
  const tokens = lexed.tokens;
  tokens.forEach((token, i) => {
    out.push({ start: token.startOffset, length: token.image.length, kind: kindOf(tokens, i) });
  });
  for (const c of lexed.groups['comments'] ?? []) out.push({ start: c.startOffset, length: c.image.length, kind: 'comment' });
  for (const e of lexed.errors) {
    // An unclosed quote makes the rest of the line unreadable: one invalid span, no tokens inside it.
    if (/["'`]/.test(line[e.offset]!)) {
      const kept = out.filter((x) => x.start < e.offset);
      kept.push({ start: e.offset, length: line.length - e.offset, kind: 'invalid' });
      return kept.sort((a, b) => a.start - b.start);
    }
    out.push({ start: e.offset, length: e.length, kind: 'invalid' });
  }
  return out.sort((a, b) => a.start - b.start);
}

function kindOf(tokens: IToken[], i: number): HighlightKind {
  const token = tokens[i]!;
  const [prev, prev2, prev3, next] = [tokens[i - 1], tokens[i - 2], tokens[i - 3], tokens[i + 1]];
  const type = token.tokenType;
  if (keywords.has(type)) return 'keyword';
  if (type === t.StringLiteral) return 'string';
  if (type === t.NumberLiteral) return 'number';
  if (delimiters.has(type)) return 'delimiter';
  if (type.CATEGORIES?.some((c) => operators.has(c))) return 'operator';
  if (type !== t.Identifier) return 'identifier';
  const word = token.image.toLowerCase();
  if (next?.tokenType === t.LParen) return 'function';
  const is = (list: readonly string[]) => list.includes(word);
  if (is(softKeywords.typedLiterals) && next?.tokenType === t.StringLiteral) return 'keyword';
  if (is(softKeywords.sourceKinds) && next?.tokenType === t.StringLiteral) return 'keyword';
  if (is(softKeywords.sourceClauses) && (prev?.tokenType === t.StringLiteral || prev2?.image.toLowerCase() === 'key' || prev2?.image.toLowerCase() === 'time')) return 'keyword';
  if (word === softKeywords.windowStart && prev?.tokenType === t.During) return 'keyword';
  if (is(softKeywords.units) && prev?.tokenType === t.NumberLiteral) return 'keyword';
  if (is(softKeywords.grains) && prev?.tokenType === t.Per) return 'keyword';
  if (is(softKeywords.asOf) && prev?.tokenType === t.Of) return 'keyword';
  if (is(softKeywords.plotMarks) && prev?.tokenType === t.Equals && prev3?.tokenType === t.Plot) return 'keyword';
  if (behaviourWord(tokens, i)) return 'keyword';
  return 'identifier';
}
