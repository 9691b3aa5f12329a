import { diagnostic, LineIndex, type Diagnostic, type Range } from './diagnostics.js';

/** The kinds of notebook cell. `kohort` cells hold DSL definitions. */
export type CellKind = 'kohort' | 'sql' | 'markdown';

export const cellKinds: readonly CellKind[] = ['kohort', 'sql', 'markdown'];

/**
 * One cell of a `.kohort` file: a header line `--- KIND [NAME]` and the text up to the next
 * header. The text is kept byte for byte, so parse → print gives back the file.
 */
export interface NotebookCell {
  kind: CellKind;
  /** Required for sql cells (the name other cells and `--cell` use); optional elsewhere. */
  name?: string;
  /** The header line without its newline; absent for a leading cell with no header. */
  header?: string;
  /** The cell's text, from the line after the header up to the next header. */
  content: string;
  /** Offset of `content` in the notebook text. */
  contentOffset: number;
  /** Set when the header is the file's last line and has no newline (so printing stays exact). */
  headerEndsFile?: boolean;
  /** The whole cell, header included. */
  range: Range;
  /** The header line (or the start of the content when there is none). */
  headerRange: Range;
}

export interface ParsedNotebook {
  cells: NotebookCell[];
  diagnostics: Diagnostic[];
}

const headerLine = /^---[ \t]+([A-Za-z][\w-]*)(?:[ \t]+(\S+))?[ \t]*$/;
const cellName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Splits a notebook into cells. Never throws; problems come back as diagnostics. */
export function parseNotebook(text: string): ParsedNotebook {
  const index = new LineIndex(text);
  const cells: NotebookCell[] = [];
  const diagnostics: Diagnostic[] = [];
  const headers: { start: number; end: number; kind: string; name?: string; line: string }[] = [];

  let lineStart = 0;
  while (lineStart <= text.length) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 ? text.length : newline;
    const line = text.slice(lineStart, lineEnd);
    const m = line.startsWith('---') ? headerLine.exec(line.replace(/\r$/, '')) : null;
    if (m) headers.push({ start: lineStart, end: lineEnd, kind: m[1]!, name: m[2], line });
    if (newline === -1) break;
    lineStart = newline + 1;
  }

  const contentStartAfter = (h: { end: number }) => Math.min(text.length, h.end + 1);
  if (headers.length === 0 || headers[0]!.start > 0) {
    // Text before the first header (or a file with none) is a DSL cell without a header line.
    const end = headers.length > 0 ? headers[0]!.start : text.length;
    cells.push({ kind: 'kohort', content: text.slice(0, end), contentOffset: 0, range: index.range(0, end), headerRange: index.range(0, 0) });
  }

  headers.forEach((h, i) => {
    const contentOffset = contentStartAfter(h);
    const end = i + 1 < headers.length ? headers[i + 1]!.start : text.length;
    const headerRange = index.range(h.start, h.end);
    let kind = h.kind.toLowerCase() as CellKind;
    if (!cellKinds.includes(kind)) {
      diagnostics.push(
        diagnostic('unknown-cell-kind', `unknown cell kind \`${h.kind}\`; a cell is one of: ${cellKinds.join(', ')}`, headerRange),
      );
      kind = 'markdown';
    }
    const cell: NotebookCell = {
      kind,
      header: h.line,
      content: contentOffset <= end ? text.slice(contentOffset, end) : '',
      contentOffset,
      range: index.range(h.start, end),
      headerRange,
    };
    if (h.name !== undefined) {
      if (cellName.test(h.name)) cell.name = h.name;
      else diagnostics.push(diagnostic('syntax-error', `cell name \`${h.name}\` must be letters, digits and _ , not starting with a digit`, headerRange));
    }
    if (h.end === text.length) cell.headerEndsFile = true;
    if (kind === 'sql' && h.name === undefined) {
      diagnostics.push(diagnostic('syntax-error', 'a sql cell needs a name: `--- sql NAME`', headerRange));
    }
    cells.push(cell);
  });
  return { cells, diagnostics };
}

/** Prints cells back to text. For cells that came from `parseNotebook`, the output equals the input. */
export function printNotebook(
  cells: readonly Pick<NotebookCell, 'kind' | 'name' | 'header' | 'content' | 'headerEndsFile'>[],
): string {
  let out = '';
  cells.forEach((cell, i) => {
    const headerless = i === 0 && cell.kind === 'kohort' && cell.header === undefined;
    if (!headerless) {
      if (out.length > 0 && !out.endsWith('\n')) out += '\n';
      out += cell.header ?? cellHeader(cell.kind, cell.name);
      if (!cell.headerEndsFile) out += '\n';
    }
    out += cell.content;
  });
  return out;
}

/** The canonical header line of a new cell. */
export function cellHeader(kind: CellKind, name?: string): string {
  return name ? `--- ${kind} ${name}` : `--- ${kind}`;
}
