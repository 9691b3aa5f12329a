import type { CompletionKind, Diagnostic, Severity } from '../../../dsl/index.js';
import type { NotebookLayout } from '../model/notebook-document.js';
import { cellAtOffset } from '../model/notebook-document.js';

/**
 * The language service speaks whole-notebook offsets; each cell editor has its own text. These
 * pure helpers translate between the two, so the Monaco adapter stays a thin layer.
 */

/** A diagnostic placed in one cell, with offsets local to the cell's body. */
export interface CellDiagnostic {
  /** Position of the cell in the notebook. */
  cell: number;
  start: number;
  end: number;
  severity: Severity;
  code: string;
  message: string;
  /** `line:col` in the notebook file, as `kohort check` prints it. */
  place: string;
}

/** Groups diagnostics by the cell they start in; a range running past its cell is cut at its end. */
export function diagnosticsByCell(diagnostics: readonly Diagnostic[], layout: NotebookLayout, bodyLengths: readonly number[]): Map<number, CellDiagnostic[]> {
  const out = new Map<number, CellDiagnostic[]>();
  for (const d of diagnostics) {
    const cell = Math.max(0, cellAtOffset(layout, d.range.start.offset));
    const base = layout.offsets[cell];
    if (base === undefined) continue;
    const length = bodyLengths[cell] ?? 0;
    const start = Math.max(0, Math.min(length, d.range.start.offset - base));
    const end = Math.max(start, Math.min(length, d.range.end.offset - base));
    const hints = d.hints?.length ? ` (${d.hints.join('; ')})` : '';
    const list = out.get(cell) ?? [];
    list.push({ cell, start, end, severity: d.severity, code: d.code, message: `${d.message}${hints}`, place: `${d.range.start.line}:${d.range.start.column}` });
    out.set(cell, list);
  }
  return out;
}

/** A notebook span `[from, to)` as offsets local to the cell at `base` with body length `length`. */
export function toLocal(from: number, to: number, base: number, length: number): { start: number; end: number } {
  const start = Math.max(0, Math.min(length, from - base));
  return { start, end: Math.max(start, Math.min(length, to - base)) };
}

/** Monaco's completion kinds by name (its enum's keys), so this file needs no Monaco import. */
export type MonacoCompletionKindName = 'Keyword' | 'Function' | 'Field' | 'Variable' | 'Class' | 'Module' | 'Interface' | 'Struct' | 'Event' | 'Reference' | 'Unit' | 'EnumMember' | 'Property';

const completionKinds: Record<CompletionKind, MonacoCompletionKindName> = {
  keyword: 'Keyword',
  function: 'Function',
  column: 'Field',
  metric: 'Variable',
  segment: 'Class',
  source: 'Module',
  profile: 'Struct',
  query: 'Interface',
  plot: 'Event',
  sql: 'Reference',
  unit: 'Unit',
  mark: 'EnumMember',
  channel: 'Property',
};

export function completionKindName(kind: CompletionKind): MonacoCompletionKindName {
  return completionKinds[kind] ?? 'Variable';
}

/** Sort order: names in scope before keywords, so `rev` offers `revenue` first. */
export function completionSortText(kind: CompletionKind, label: string): string {
  const rank: Partial<Record<CompletionKind, number>> = { column: 0, metric: 0, segment: 1, profile: 1, query: 1, source: 2, sql: 2, plot: 2, function: 3, unit: 4, mark: 4, channel: 4, keyword: 5 };
  return `${rank[kind] ?? 6}${label.toLowerCase()}`;
}

/** Monaco token scopes for the DSL's highlight kinds; the theme colours these. */
export const tokenScopes = {
  keyword: 'keyword',
  identifier: 'identifier',
  string: 'string',
  number: 'number',
  comment: 'comment',
  operator: 'operator',
  delimiter: 'delimiter',
  function: 'predefined',
  invalid: 'invalid',
} as const;
