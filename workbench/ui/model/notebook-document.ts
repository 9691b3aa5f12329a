import { cellHeader, parseNotebook, type CellKind } from '../../../dsl/index.js';

/**
 * One cell as the workbench edits it. `body` is what the editor shows; `trailer` is the blank
 * lines after it, kept apart so the editor has no trailing empty lines and an untouched file is
 * saved back byte for byte.
 */
export interface CellModel {
  /** Stable for the life of the page; not saved. */
  readonly id: string;
  readonly kind: CellKind;
  /** The header's name (required for sql cells). */
  readonly name?: string;
  /** The header line as read from the file; rebuilt when the kind or name changes. */
  readonly header?: string;
  readonly body: string;
  readonly trailer: string;
  /** The header is the file's last line without a newline (kept so printing stays exact). */
  readonly headerEndsFile?: boolean;
}

/** The notebook text and where each cell's content starts in it. */
export interface NotebookLayout {
  text: string;
  /** Offset of each cell's content (its body) in `text`, by cell position. */
  offsets: number[];
  /** Offset where each cell's header (or content, when headerless) starts. */
  starts: number[];
}

let nextId = 0;
/** A fresh cell id, unique in this page. */
export function newCellId(): string {
  nextId += 1;
  return `c${nextId}`;
}

/** Splits content into the body the editor shows and its trailing whitespace. */
export function splitTrailer(content: string): { body: string; trailer: string } {
  const m = /\s*$/.exec(content);
  const cut = m ? m.index : content.length;
  return { body: content.slice(0, cut), trailer: content.slice(cut) };
}

/** Cells of a notebook text, in order, each with a new id. */
export function cellsFromText(text: string): CellModel[] {
  return parseNotebook(text).cells.map((c) => {
    const { body, trailer } = splitTrailer(c.content);
    const cell: { -readonly [K in keyof CellModel]: CellModel[K] } = { id: newCellId(), kind: c.kind, body, trailer };
    if (c.name !== undefined) cell.name = c.name;
    if (c.header !== undefined) cell.header = c.header;
    if (c.headerEndsFile) cell.headerEndsFile = true;
    return cell;
  });
}

/**
 * Prints cells as `printNotebook` does and records where each one starts. The language service
 * works on the whole notebook text; these offsets map a cell editor's positions into it.
 */
export function layoutCells(cells: readonly CellModel[]): NotebookLayout {
  let text = '';
  const offsets: number[] = [];
  const starts: number[] = [];
  cells.forEach((cell, i) => {
    const headerless = i === 0 && cell.kind === 'kohort' && cell.header === undefined;
    if (!headerless) {
      if (text.length > 0 && !text.endsWith('\n')) text += '\n';
      starts.push(text.length);
      text += cell.header ?? cellHeader(cell.kind, cell.name);
      if (!cell.headerEndsFile) text += '\n';
    } else {
      starts.push(text.length);
    }
    offsets.push(text.length);
    text += cell.body + cell.trailer;
  });
  return { text, offsets, starts };
}

/** The position of the cell holding notebook offset `offset`, or -1 before any cell. */
export function cellAtOffset(layout: NotebookLayout, offset: number): number {
  let lo = 0;
  let hi = layout.starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (layout.starts[mid]! <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * A notebook being edited: its path, the version last read or written, and immutable cells.
 * Every change returns a new document, so components compare by identity.
 */
export class NotebookDocument {
  private cachedLayout?: NotebookLayout;

  private constructor(
    /** Workspace-relative path, as the server names it. */
    readonly path: string,
    readonly cells: readonly CellModel[],
    /** The server's version of the text this document started from. */
    readonly version: string,
    /** The text as last saved or loaded: `dirty` compares against it. */
    readonly savedText: string,
  ) {}

  static fromText(path: string, text: string, version: string): NotebookDocument {
    return new NotebookDocument(path, cellsFromText(text), version, text);
  }

  get layout(): NotebookLayout {
    this.cachedLayout ??= layoutCells(this.cells);
    return this.cachedLayout;
  }

  get text(): string {
    return this.layout.text;
  }

  get dirty(): boolean {
    return this.text !== this.savedText;
  }

  indexOf(id: string): number {
    return this.cells.findIndex((c) => c.id === id);
  }

  cell(id: string): CellModel | undefined {
    return this.cells.find((c) => c.id === id);
  }

  /** Offset of the cell's body in the notebook text. */
  offsetOf(id: string): number {
    const i = this.indexOf(id);
    return i < 0 ? -1 : this.layout.offsets[i]!;
  }

  /** The cell holding a notebook offset (a definition's start, a diagnostic's start). */
  cellAt(offset: number): CellModel | undefined {
    const i = cellAtOffset(this.layout, offset);
    return i < 0 ? undefined : this.cells[i];
  }

  private with(cells: CellModel[]): NotebookDocument {
    return new NotebookDocument(this.path, cells, this.version, this.savedText);
  }

  /** The same cells, saved as `version` with `text`. */
  saved(version: string, text = this.text): NotebookDocument {
    return new NotebookDocument(this.path, this.cells, version, text);
  }

  /** The same path and cells at another path (after a rename). */
  moved(path: string): NotebookDocument {
    return new NotebookDocument(path, this.cells, this.version, this.savedText);
  }

  setBody(id: string, body: string): NotebookDocument {
    return this.update(id, (c) => (c.body === body ? c : { ...c, body, headerEndsFile: false }));
  }

  /** Changes a cell's kind and name; the header line is rebuilt. */
  setHeader(id: string, kind: CellKind, name?: string): NotebookDocument {
    return this.update(id, (c) => {
      const { header: _h, name: _n, ...rest } = c;
      const next: CellModel = { ...rest, kind, header: cellHeader(kind, name || undefined) };
      return name ? { ...next, name } : next;
    });
  }

  /** Inserts a new cell at `index` (clamped); returns the document and the new cell's id. */
  insert(index: number, kind: CellKind, body = '', name?: string): { doc: NotebookDocument; id: string } {
    const at = Math.max(0, Math.min(index, this.cells.length));
    const cells = this.cells.map((c) => (c.headerEndsFile ? { ...c, headerEndsFile: false, trailer: c.trailer } : c));
    const id = newCellId();
    const cell: CellModel = { id, kind, body, trailer: '\n\n', header: cellHeader(kind, name), ...(name ? { name } : {}) };
    // The cell before a new one needs a line break so the new header starts a line.
    const prev = cells[at - 1];
    if (prev && prev.trailer === '' && prev.body !== '') cells[at - 1] = { ...prev, trailer: '\n\n' };
    cells.splice(at, 0, cell);
    return { doc: this.with(cells), id };
  }

  /** Moves a cell by `delta` positions (clamped). */
  move(id: string, delta: number): NotebookDocument {
    const from = this.indexOf(id);
    if (from < 0) return this;
    const to = Math.max(0, Math.min(this.cells.length - 1, from + delta));
    if (to === from) return this;
    const cells = [...this.cells];
    const [cell] = cells.splice(from, 1);
    cells.splice(to, 0, cell!);
    return this.with(this.normaliseTrailers(cells));
  }

  remove(id: string): NotebookDocument {
    const cells = this.cells.filter((c) => c.id !== id);
    return cells.length === this.cells.length ? this : this.with(cells);
  }

  private update(id: string, f: (c: CellModel) => CellModel): NotebookDocument {
    let changed = false;
    const cells = this.cells.map((c) => {
      if (c.id !== id) return c;
      const n = f(c);
      if (n !== c) changed = true;
      return n;
    });
    return changed ? this.with(cells) : this;
  }

  /** After a move, a cell that was last (no trailing blank line) may sit in the middle. */
  private normaliseTrailers(cells: CellModel[]): CellModel[] {
    return cells.map((c, i) => (i < cells.length - 1 && c.trailer === '' && c.body !== '' ? { ...c, trailer: '\n\n' } : c));
  }
}
