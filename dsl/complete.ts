import type { IToken, TokenType } from 'chevrotain';
import { analyze, type Analysis } from './analysis.js';
import { functions } from './functions.js';
import type { IRDefinition } from './ir.js';
import type { NotebookCell } from './notebook.js';
import type { SchemaCatalog } from './schema.js';
import * as t from './tokens.js';
import { softKeywords } from './tokens.js';
import { afterValue, behaviourCompletion, behaviourKeywords, behaviourStarters } from './complete-behaviour.js';

export type CompletionKind = 'keyword' | 'function' | 'column' | 'metric' | 'segment' | 'source' | 'profile' | 'query' | 'plot' | 'sql' | 'unit' | 'mark' | 'channel';

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  /** A short line shown beside the label, e.g. `metric · number`. */
  detail?: string;
  documentation?: string;
  /** Text to insert when it differs from the label. */
  insertText?: string;
}

export interface Completions {
  items: CompletionItem[];
  /** The span of the notebook text the chosen item replaces (the word at the cursor). */
  from: number;
  to: number;
}

const statementKeywords = ['source', 'metric', 'profile', 'segment', 'query', 'plot', 'pipeline', 'schedule', 'destination', 'as of'];
const afterOperand = ['and', 'or', 'not', 'between', 'in', 'is null', 'is not null', 'starts with', 'ends with', 'contains'];
const expressionStart = ['not', 'case', 'true', 'false', 'null', 'date', 'timestamp'];
const aggregates = Object.entries(functions).filter(([, f]) => f.kind === 'aggregate').map(([n]) => n);
const scalars = Object.entries(functions).filter(([, f]) => f.kind === 'scalar').map(([n]) => n);
const operandEnds = new Set<TokenType>([t.Identifier, t.QuotedIdentifier, t.RParen, t.NumberLiteral, t.StringLiteral, t.True, t.False, t.Null, t.End]);

/**
 * Completion at a cursor in a notebook: keywords that fit the position and names in scope
 * (columns of the right source, metrics, segments, functions, cells). Pure; an editor adapter
 * turns the items into its own.
 */
export function complete(text: string, offset: number, options: { schemas?: SchemaCatalog } = {}): Completions {
  const analysis = analyze(text, options.schemas);
  let from = offset;
  while (from > 0 && /\w/.test(text[from - 1]!)) from--;
  let to = offset;
  while (to < text.length && /\w/.test(text[to]!)) to++;
  const prefix = text.slice(from, offset).toLowerCase();
  const none = { items: [], from, to };

  const cell = analysis.parsed.cells.find((c) => c.contentOffset <= offset && offset <= c.contentOffset + c.content.length && c.header !== undefined) ??
    analysis.parsed.cells.find((c) => c.contentOffset <= offset && offset <= c.contentOffset + c.content.length);
  if (!cell || cell.kind === 'markdown') return none;
  const scope = new Scope(analysis, options.schemas ?? {});
  const items = cell.kind === 'sql' ? scope.relations() : dslItems(cell, from, scope);
  if (items === undefined) return none;
  const seen = new Set<string>();
  const filtered = items.filter((i) => {
    if (seen.has(i.label) || !i.label.toLowerCase().startsWith(prefix)) return false;
    seen.add(i.label);
    return true;
  });
  return { items: filtered, from, to };
}

function dslItems(cell: NotebookCell, from: number, scope: Scope): CompletionItem[] | undefined {
  const before = cell.content.slice(0, from - cell.contentOffset);
  const lexed = t.kohortLexer.tokenize(before);
  // Inside a string or a comment there is nothing to complete.
  const lastError = lexed.errors[lexed.errors.length - 1];
  if (lastError && /^["'`]/.test(before.slice(lastError.offset))) return undefined;
  const comment = (lexed.groups['comments'] ?? []).at(-1);
  if (comment && comment.endOffset! + 1 >= before.length && !before.slice(comment.startOffset).includes('\n')) return undefined;

  const tokens = lexed.tokens;
  let start = -1;
  for (let i = tokens.length - 1; i >= 0; i--) {
    if (t.statementStarters.includes(tokens[i]!.tokenType)) {
      start = i;
      break;
    }
  }
  const lineStart = /(^|\n)[ \t]*$/.test(before);
  const statement = start >= 0 ? tokens.slice(start) : [];
  const items = statement.length === 0 ? [] : statementItems(statement, scope);
  if (statement.length === 0 || lineStart) items.push(...keywords(statementKeywords));
  return items;
}

/** Items for a cursor inside a statement whose tokens so far are `st`. */
function statementItems(st: IToken[], scope: Scope): CompletionItem[] {
  const last = st[st.length - 1]!;
  const kind = st[0]!.tokenType;
  const eq = st.findIndex((x) => x.tokenType === t.Equals);
  const is = (x: IToken | undefined, ...types: TokenType[]) => x !== undefined && types.includes(x.tokenType);
  const word = (x: IToken | undefined) => x?.image.toLowerCase();

  if (kind === t.As) return is(last, t.As) ? keywords(['of']) : is(last, t.Of) ? keywords(['latest', 'date', 'timestamp']) : [];
  if (eq < 0) {
    // Still naming the definition; only a profile takes something before `=`.
    if (kind === t.Profile && st.length === 2) return keywords(['per']);
    if (kind === t.Profile && is(last, t.Per)) return keywords(['day']);
    return [];
  }
  const body = st.slice(eq + 1);
  const name = st[1]?.image;

  if (kind === t.Source) {
    if (body.length === 0) return keywords(softKeywords.sourceKinds, 'keyword');
    if (is(last, t.StringLiteral) || (body.length >= 4 && is(body[body.length - 2], t.Identifier) && ['key', 'time'].includes(word(body[body.length - 2])!))) {
      return keywords(['key', 'time'].filter((k) => !body.some((b) => word(b) === k && b !== body[0])));
    }
    if (['key', 'time'].includes(word(last)!)) return scope.columns(name);
    return [];
  }

  if (kind === t.Profile) {
    if (is(last, t.Equals, t.Comma)) {
      const listed = new Set(body.map((b) => b.image));
      const daily = st.some((x) => x.tokenType === t.Per);
      return [...scope.entityNames(daily ? ['metric'] : ['metric', 'segment'])].filter((i) => !listed.has(i.label));
    }
    return [];
  }

  if (kind === t.Pipeline) {
    if (body.length === 0) return keywords(softKeywords.pipelineKinds);
    if (is(last, t.Identifier) && word(last) === 'into') return scope.relations(['source']);
    if (is(last, t.Identifier) && word(last) === 'format') return keywords(softKeywords.pipelineFormats);
    if (is(last, t.NumberLiteral)) return keywords(softKeywords.flushUnits, 'unit');
    if (is(last, t.StringLiteral) || (is(last, t.Identifier) && body.length > 2)) return keywords(softKeywords.pipelineClauses);
    return [];
  }

  if (kind === t.Schedule) {
    if (body.length === 0) return keywords(['cron', 'every', 'on']);
    if (is(last, t.In) || (is(last, t.Comma) && st.some((x) => x.tokenType === t.In) && !body.some((b) => word(b) === 'refresh'))) return scope.relations(['source']);
    if (word(last) === 'on') return keywords(['new']);
    if (word(last) === 'new') return keywords(['data']);
    if (word(last) === 'missed') return keywords(softKeywords.missedPolicies);
    if (word(last) === 'refresh' || (is(last, t.Comma) && body.some((b) => word(b) === 'refresh'))) return scope.relations(['profile', 'segment', 'query', 'plot', 'sql']);
    if (is(last, t.NumberLiteral)) return word(body[body.length - 2]) === 'retries' ? [] : keywords(softKeywords.units, 'unit');
    if (body.length >= 2) return keywords(softKeywords.scheduleClauses);
    return [];
  }

  if (kind === t.Destination) {
    if (body.length === 0) return keywords(softKeywords.destinationKinds);
    if (word(last) === 'segments' || (is(last, t.Comma) && body.some((b) => word(b) === 'segments'))) return scope.relations(['segment']);
    if (word(last) === 'secret') return keywords(['env']);
    if (body.length >= 2 && !is(last, t.NumberLiteral) && word(last) !== 'batch' && word(last) !== 'retries' && word(last) !== 'env') return keywords(softKeywords.destinationClauses);
    return [];
  }

  if (kind === t.Plot) {
    if (body.length === 0) return keywords(softKeywords.plotMarks, 'mark');
    if (body.length === 1) return scope.relations(['query', 'sql', 'profile', 'segment']);
    const data = body[1]?.image;
    if (is(last, t.LParen, t.Comma)) return keywords(softKeywords.plotChannels, 'channel');
    if (is(last, t.Equals)) return scope.outputColumns(data);
    return [];
  }

  if (kind === t.Query) {
    if (body.length === 0) return keywords(['from']);
    if (is(last, t.From)) return scope.relations(['source', 'profile', 'segment', 'query', 'sql']);
    if (is(last, t.Group, t.Order)) return keywords(['by']);
    const target = body[1]?.image;
    const clause = lastClause(body, [t.Where, t.By, t.Select, t.Limit, t.From]);
    const inSelect = clause === t.Select || (clause === t.Where && body.some((b) => b.tokenType === t.Select));
    const items: CompletionItem[] = [];
    if (clause === t.Limit) return [];
    if (clause !== t.From || !is(last, t.Identifier)) items.push(...scope.queryNames(target), ...functionItems(inSelect ? [...aggregates, ...scalars] : scalars), ...keywords(expressionStart));
    if (operandEnds.has(last.tokenType)) {
      items.push(...keywords(afterOperand));
      items.push(...keywords(['where', 'group by', 'select', 'order by', 'limit', 'desc', 'asc']));
    }
    return items;
  }

  // metric and segment: expressions.
  if (kind === t.Segment) {
    const behaviour = behaviourCompletion(body, {
      columns: () => scope.columns(scope.onlySource()),
      metrics: () => scope.entityNames(['metric']),
      segments: () => scope.entityNames(['segment']),
    });
    if (behaviour) return behaviour;
  }
  const metricSource = kind === t.Metric ? sourceOfMetric(body, scope) : undefined;
  const clause = lastClause(body, [t.Where, t.During, t.From]);
  if (clause === t.From && is(last, t.From)) return scope.relations(['source']);
  if (clause === t.During) {
    if (is(last, t.During)) return keywords(['last', 'between']);
    if (is(last, t.NumberLiteral) && word(body[body.length - 2]) === 'last') return keywords(['minutes', 'hours', 'days', 'weeks'], 'unit');
    if (is(last, t.Between, t.And)) return keywords(['date', 'timestamp']);
    return [];
  }
  const inAggregate = kind === t.Metric && (clause === t.Where || insideAggregate(body));
  const items: CompletionItem[] = [];
  if (inAggregate) {
    items.push(...scope.columns(metricSource), ...functionItems(scalars), ...keywords(expressionStart));
    if (is(last, t.LParen) && word(body[body.length - 2]) === 'count') items.push(...keywords(['distinct']));
  } else {
    items.push(...scope.entityNames(['metric', 'segment'], name), ...functionItems(kind === t.Metric ? [...aggregates, ...scalars] : scalars), ...keywords(expressionStart));
    if (kind === t.Segment) items.push(...behaviourKeywords(behaviourStarters));
  }
  if (operandEnds.has(last.tokenType) && !is(last, t.From)) {
    items.push(...keywords(afterOperand));
    if (kind === t.Segment) items.push(...behaviourKeywords(afterValue));
    if (kind === t.Metric && depth(body) === 0) items.push(...keywords(['where', 'during', 'from']));
  }
  return items;
}

/** The last clause keyword at parenthesis depth 0. */
function lastClause(body: IToken[], clauses: TokenType[]): TokenType | undefined {
  let d = 0;
  let found: TokenType | undefined;
  for (const x of body) {
    if (x.tokenType === t.LParen) d++;
    else if (x.tokenType === t.RParen) d = Math.max(0, d - 1);
    else if (d === 0 && clauses.includes(x.tokenType)) found = x.tokenType;
  }
  return found;
}

function depth(body: IToken[]): number {
  let d = 0;
  for (const x of body) d += x.tokenType === t.LParen ? 1 : x.tokenType === t.RParen ? -1 : 0;
  return Math.max(0, d);
}

/** Whether the cursor sits inside the parentheses of an aggregate call. */
function insideAggregate(body: IToken[]): boolean {
  const stack: (string | undefined)[] = [];
  body.forEach((x, i) => {
    if (x.tokenType === t.LParen) stack.push(body[i - 1]?.tokenType === t.Identifier ? body[i - 1]!.image.toLowerCase() : undefined);
    else if (x.tokenType === t.RParen) stack.pop();
  });
  return stack.some((f) => f !== undefined && aggregates.includes(f));
}

function sourceOfMetric(body: IToken[], scope: Scope): string | undefined {
  const i = body.findIndex((x) => x.tokenType === t.From);
  if (i >= 0 && body[i + 1]) return body[i + 1]!.image;
  return scope.onlySource();
}

function keywords(words: readonly string[], kind: CompletionKind = 'keyword'): CompletionItem[] {
  return words.map((label) => ({ label, kind }));
}

function functionItems(names: string[]): CompletionItem[] {
  return names.map((n) => {
    const f = functions[n]!;
    return { label: n, kind: 'function', detail: f.usage, documentation: f.doc, insertText: `${n}(` };
  });
}

/** The names a notebook defines, with their kinds and types, for completion. */
class Scope {
  private readonly ir = new Map<string, IRDefinition>();

  constructor(
    private readonly analysis: Analysis,
    private readonly schemas: SchemaCatalog,
  ) {
    for (const d of analysis.checked.ir.definitions) this.ir.set(d.name, d);
  }

  private named(kinds: string[]): { name: string; kind: string }[] {
    return [...this.analysis.checked.names].filter(([, v]) => kinds.includes(v.kind)).map(([name, v]) => ({ name, kind: v.kind }));
  }

  onlySource(): string | undefined {
    const sources = this.named(['source']);
    return sources.length === 1 ? sources[0]!.name : undefined;
  }

  columns(source: string | undefined): CompletionItem[] {
    const s = source ? this.schemas[source] : undefined;
    return (s?.columns ?? []).map((c) => ({ label: c.name, kind: 'column', detail: `column · ${c.sqlType ?? c.type}${source ? ` · ${source}` : ''}` }));
  }

  entityNames(kinds: ('metric' | 'segment')[], exclude?: string): CompletionItem[] {
    return this.named(kinds)
      .filter((n) => n.name !== exclude)
      .map((n) => {
        const d = this.ir.get(n.name);
        const type = d?.kind === 'metric' ? d.type : d?.kind === 'segment' ? 'boolean' : undefined;
        return { label: n.name, kind: n.kind as CompletionKind, detail: type ? `${n.kind} · ${type}` : n.kind };
      });
  }

  relations(kinds = ['source', 'profile', 'segment', 'query', 'sql', 'plot']): CompletionItem[] {
    return this.named(kinds).map((n) => ({ label: n.name, kind: n.kind as CompletionKind, detail: n.kind }));
  }

  /** Names usable in a query reading `target`. */
  queryNames(target: string | undefined): CompletionItem[] {
    const d = target ? this.ir.get(target) : undefined;
    if (!d) return [];
    if (d.kind === 'source') return this.columns(d.name);
    if (d.kind === 'profile' || d.kind === 'segment') {
      const source = this.ir.get(d.source);
      const key = source?.kind === 'source' ? [{ label: source.key, kind: 'column' as const, detail: 'column · key' }] : [];
      if (d.kind === 'profile' && d.grain === 'day') return [...key, { label: 'day', kind: 'column', detail: 'column · date' }, ...d.columns.map((c) => ({ label: c.name, kind: 'metric' as const, detail: `metric · ${c.expr.type}` }))];
      return [...key, ...this.entityNames(['metric', 'segment'])];
    }
    return this.outputColumns(target);
  }

  outputColumns(target: string | undefined): CompletionItem[] {
    const d = target ? this.ir.get(target) : undefined;
    if (d?.kind === 'query') return d.columns.map((c) => ({ label: c.name, kind: 'column', detail: `column · ${c.type}` }));
    if (d?.kind === 'profile') return d.columns.map((c) => ({ label: c.name, kind: 'column', detail: `column · ${c.expr.type}` }));
    return [];
  }
}
