/**
 * One diagnostic shape for every stage: the parser, the checker, the SQL writer and the API edge.
 * Monaco markers and the CLI's `file:line:col` lines are both rendered from it.
 */

/** A position in the source text: 0-based offset, 1-based line and column. */
export interface Position {
  offset: number;
  line: number;
  column: number;
}

/** A half-open range [start, end) of the source text. */
export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'info';

/** Every diagnostic code kohort can report, with its default severity. */
export const diagnosticCodes = {
  'syntax-error': 'error',
  'unknown-cell-kind': 'error',
  'duplicate-name': 'error',
  'unknown-name': 'error',
  'unknown-column': 'error',
  'unknown-function': 'error',
  'unknown-source': 'error',
  'ambiguous-source': 'error',
  'wrong-arity': 'error',
  'type-mismatch': 'error',
  'not-boolean': 'error',
  'column-outside-aggregate': 'error',
  'nested-aggregate': 'error',
  'aggregate-not-allowed': 'error',
  'mixed-sources': 'error',
  'cyclic-definition': 'error',
  'window-in-daily-profile': 'error',
  'invalid-window': 'error',
  'invalid-literal': 'error',
  'wrong-cell-kind': 'error',
  'sql-cell-empty': 'error',
  'invalid-pipeline': 'error',
  'invalid-schedule': 'error',
  'invalid-destination': 'error',
  'behaviour-not-allowed': 'error',
  'invalid-behaviour': 'error',
  'invalid-percentage': 'error',
  'missing-schema': 'warning',
  'never-holds': 'warning',
  'negation-only': 'warning',
  'window-longer-than-data': 'warning',
  'gap-longer-than-sequence': 'warning',
  'count-not-integer': 'warning',
  'unused-definition': 'info',
  'internal-error': 'error',
} as const satisfies Record<string, Severity>;

export type DiagnosticCode = keyof typeof diagnosticCodes;

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  range: Range;
  /** Suggested fixes or extra context, e.g. "did you mean `revenue`?". */
  hints?: string[];
}

export function diagnostic(code: DiagnosticCode, message: string, range: Range, hints?: string[]): Diagnostic {
  const d: Diagnostic = { code, severity: diagnosticCodes[code], message, range };
  if (hints && hints.length > 0) d.hints = hints;
  return d;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** `file:line:col: severity code: message`, the format of `kohort check`. */
export function formatDiagnostic(d: Diagnostic, file = '<input>'): string {
  const hints = d.hints?.length ? ` (${d.hints.join('; ')})` : '';
  return `${file}:${d.range.start.line}:${d.range.start.column}: ${d.severity} ${d.code}: ${d.message}${hints}`;
}

/**
 * The source line under a diagnostic with carets marking its range, as compilers print it.
 * Used by the CLI and by tests that snapshot rendered errors.
 */
export function renderDiagnostic(d: Diagnostic, text: string, file = '<input>'): string {
  const lines = text.split('\n');
  const { line, column } = d.range.start;
  const src = lines[line - 1] ?? '';
  const sameLine = d.range.end.line === line;
  const width = Math.max(1, sameLine ? d.range.end.column - column : src.length - column + 1);
  const gutter = String(line).length;
  return [
    formatDiagnostic(d, file),
    `${' '.repeat(gutter)} |`,
    `${line} | ${src}`,
    `${' '.repeat(gutter)} | ${' '.repeat(Math.max(0, column - 1))}${'^'.repeat(width)}`,
  ].join('\n');
}

/** Keeps the first diagnostic for each (code, range) so one mistake is reported once. */
export function dedupe(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of diagnostics) {
    const key = `${d.code}@${d.range.start.offset}-${d.range.end.offset}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

/** Computes positions for offsets of one text, once. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { offset: o, line: lo + 1, column: o - this.starts[lo]! + 1 };
  }
  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(Math.max(start, end)) };
  }
}
