import type { IToken } from 'chevrotain';
import type { CompletionItem, CompletionKind } from './complete.js';
import { behaviourDocs } from './behaviour-docs.js';
import * as t from './tokens.js';

/** Words that start a behavioural condition: offered wherever a condition may start in a segment rule. */
export const behaviourStarters = ['did', 'never', 'stopped', 'restarted', 'top', 'bottom', 'entered', 'left', 'was'];
/** Offered after a value in a segment rule. */
export const afterValue = ['above median', 'below median', 'above percentile', 'below percentile'];

/** Completion items for behaviour words, with their one-line docs. */
export function behaviourKeywords(words: string[]): CompletionItem[] {
  return keywords(words);
}

const stepClauses = ['then', 'where', 'at least', 'at most', 'exactly', 'between', 'within', 'all within', 'without', 'for the first time', 'in at least', 'with same', 'during', 'from'];
const verbClauses: Record<string, string[]> = { stopped: ['for', 'during'], restarted: ['after', 'during'] };
const durationUnits = ['minutes', 'hours', 'days', 'weeks'];
const verbs = new Set([t.Did, t.Never, t.Stopped, t.Restarted]);

/** The names completion can offer, from the notebook checker's scope. */
export interface BehaviourNames {
  columns(): CompletionItem[];
  metrics(): CompletionItem[];
  segments(): CompletionItem[];
}

/**
 * Completion at the end of `body` (a segment rule's tokens so far) when the cursor is inside a
 * behavioural condition; undefined otherwise, so the caller offers the usual expression items.
 */
export function behaviourCompletion(body: IToken[], names: BehaviourNames): CompletionItem[] | undefined {
  const last = body[body.length - 1];
  if (!last) return undefined;
  const word = (x: IToken | undefined) => (x?.tokenType === t.Identifier ? x.image.toLowerCase() : undefined);
  const prev = body[body.length - 2];
  // Inside parentheses that belong to a condition: an event list, or a compound step filter.
  const open = innermostOpenParen(body);
  if (open > 0) {
    const before = body[open - 1]!;
    if (verbs.has(before.tokenType) || before.tokenType === t.Then || word(before) === 'without') return [];
    if (before.tokenType === t.Where && conditionStart(body.slice(0, open)) !== undefined) {
      const afterValue = last.tokenType === t.Identifier || last.tokenType === t.NumberLiteral || last.tokenType === t.StringLiteral || last.tokenType === t.RParen;
      return afterValue ? keywords(['and', 'or']) : names.columns();
    }
  }
  const start = conditionStart(body);
  if (start === undefined) return afterValueItems(last);
  const head = body[start]!;
  const headWord = word(head);

  if (headWord === 'top' || headWord === 'bottom') {
    if (last.tokenType === t.NumberLiteral || last.tokenType === t.Percent) return keywords(['by']);
    if (last.tokenType === t.By) return names.metrics();
    return undefined;
  }
  if (headWord === 'entered' || headWord === 'left' || headWord === 'was') {
    if (last === head) return names.segments();
    if (word(last) === 'on') return keywords(['date', 'timestamp']);
    if (last === body[start + 1]) return keywords(['during', 'on', 'and', 'or']);
    return undefined;
  }

  // did / never / stopped / restarted …
  const verb = head.image.toLowerCase();
  const w = word(last);
  if (verbs.has(last.tokenType)) return keywords(['anything']);
  if (last.tokenType === t.Then) return keywords(['not', 'anything']);
  if (w === 'without') return [];
  if (last.tokenType === t.Where) return names.columns();
  if (last.tokenType === t.With) return keywords(['same']);
  if (w === 'same' || (last.tokenType === t.Comma && body.slice(start).some((x) => word(x) === 'same'))) return names.columns();
  if (last.tokenType === t.In) return keywords(['at least']);
  if (w === 'at') return keywords(['least', 'most']);
  if (w === 'all') return keywords(['within']);
  if (w === 'the' && word(prev) === 'for') return keywords(['first time']);
  if (last.tokenType === t.Of) return keywords(['the last']);
  const amountWords = ['least', 'most', 'exactly', 'within', 'for', 'after', 'last'];
  if (last.tokenType === t.NumberLiteral && (amountWords.includes(word(prev) ?? '') || prev?.tokenType === t.And || prev?.tokenType === t.Between)) {
    const before = word(prev);
    if (before === 'least' || before === 'most' || before === 'exactly' || prev?.tokenType === t.And || prev?.tokenType === t.Between) {
      return body.slice(start).some((x) => x.tokenType === t.In) && before === 'least' ? keywords(['of the last']) : keywords(['times'], 'unit');
    }
    if (before === 'last') return keywords(body.slice(start).some((x) => x.tokenType === t.In) ? ['days', 'weeks', 'months'] : durationUnits, 'unit');
    return keywords(durationUnits, 'unit');
  }
  if (last.tokenType === t.During) return keywords(['last', 'between']);
  if (last.tokenType === t.From) return [];
  // After an event, a filter or a complete clause: the next clause, or the end of the condition.
  const endsValue = last.tokenType === t.StringLiteral || last.tokenType === t.RParen || last.tokenType === t.Identifier || last.tokenType === t.NumberLiteral;
  if (!endsValue) return undefined;
  return keywords([...stepClauses, ...(verbClauses[verb] ?? []), 'and', 'or']);
}

/**
 * Where the condition the cursor is in starts: the index of its first word (`did`, `top`,
 * `entered` …), or undefined when the cursor is not in a behavioural condition.
 */
function conditionStart(body: IToken[]): number | undefined {
  let depth = 0;
  for (let i = body.length - 1; i >= 0; i--) {
    const x = body[i]!;
    if (x.tokenType === t.RParen) depth++;
    else if (x.tokenType === t.LParen) {
      if (depth === 0) {
        // Inside parentheses: an event list `did ("view", |` or a filter `where (a and |` belongs to the
        // condition before it; a group `(did … |` does not.
        const before = body[i - 1];
        if (!before || !(verbs.has(before.tokenType) || before.tokenType === t.Then || before.tokenType === t.Where || before.image.toLowerCase() === 'without')) return undefined;
      } else depth--;
    } else if (depth === 0 && (x.tokenType === t.And || x.tokenType === t.Or || x.tokenType === t.Not) && !isInsideClause(body, i)) {
      return undefined;
    } else if (depth === 0 && verbs.has(x.tokenType)) return i;
    else if (depth === 0 && x.tokenType === t.Identifier && /^(top|bottom)$/i.test(x.image) && body[i + 1]?.tokenType === t.NumberLiteral) return i;
    else if (depth === 0 && x.tokenType === t.Identifier && /^(entered|left|was)$/i.test(x.image) && (i === body.length - 1 || body[i + 1]?.tokenType === t.Identifier)) {
      const before = body[i - 1];
      if (!before || before.tokenType === t.And || before.tokenType === t.Or || before.tokenType === t.Not || before.tokenType === t.LParen) return i;
    }
  }
  return undefined;
}

/** Clause words of behavioural conditions, keywords on a line that has a condition word before them. */
const clauseWords = new Set(['anything', 'within', 'without', 'all', 'same', 'at', 'least', 'most', 'exactly', 'times', 'time', 'for', 'the', 'first', 'after', 'last']);
const positionWords = new Set(['above', 'below', 'median', 'percentile']);

/** Whether the identifier at `i` is a word of a behavioural condition (for highlighting, line by line). */
export function behaviourWord(tokens: IToken[], i: number): boolean {
  const word = tokens[i]!.image.toLowerCase();
  const prev = tokens[i - 1];
  if (/^(top|bottom)$/.test(word)) return tokens[i + 1]?.tokenType === t.NumberLiteral;
  if (/^(entered|left|was)$/.test(word)) return tokens[i + 1]?.tokenType === t.Identifier && (!prev || prev.tokenType === t.Equals || prev.tokenType === t.And || prev.tokenType === t.Or || prev.tokenType === t.Not || prev.tokenType === t.LParen);
  if (word === 'on') return tokens[i + 1]?.tokenType === t.Identifier && tokens[i + 2]?.tokenType === t.StringLiteral;
  if (positionWords.has(word)) return prev?.tokenType === t.Identifier || prev?.tokenType === t.RParen || (word !== 'above' && word !== 'below' && /^(above|below)$/i.test(prev?.image ?? ''));
  return clauseWords.has(word) && tokens.slice(0, i).some((x) => verbs.has(x.tokenType));
}

/** The index of the innermost parenthesis still open at the end of `body`, or -1. */
function innermostOpenParen(body: IToken[]): number {
  let depth = 0;
  for (let i = body.length - 1; i >= 0; i--) {
    const x = body[i]!;
    if (x.tokenType === t.RParen) depth++;
    else if (x.tokenType === t.LParen) {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

/** `and` inside `between 2 and 5 times` or a window's `between … and …`, and `not` of a `then not` step. */
function isInsideClause(body: IToken[], i: number): boolean {
  const x = body[i]!;
  if (x.tokenType === t.Not) return body[i - 1]?.tokenType === t.Then;
  if (x.tokenType !== t.And) return false;
  for (let j = i - 1; j >= 0 && j >= i - 4; j--) if (body[j]!.tokenType === t.Between) return true;
  return false;
}

function afterValueItems(last: IToken): CompletionItem[] | undefined {
  if (last.tokenType === t.Identifier && /^(above|below)$/i.test(last.image)) return keywords(['median', 'percentile']);
  return undefined;
}

function keywords(words: string[], kind: CompletionKind = 'keyword'): CompletionItem[] {
  return words.map((label) => {
    const doc = behaviourDocs[label.split(' ').find((w) => behaviourDocs[w]) ?? ''];
    return doc ? { label, kind, documentation: doc } : { label, kind };
  });
}
