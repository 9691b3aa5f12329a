import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNotebook, printNotebook } from '../../../dsl/index.js';
import { cellAtOffset, layoutCells, NotebookDocument, splitTrailer } from './notebook-document.js';

const examples = join(import.meta.dirname, '..', '..', '..', 'examples', 'ecommerce');
const customers = readFileSync(join(examples, 'customers.kohort'), 'utf8');
const sales = readFileSync(join(examples, 'sales.kohort'), 'utf8');

describe('NotebookDocument', () => {
  it.each([
    ['customers', customers],
    ['sales', sales],
    ['headerless start', 'metric a = count()\n--- markdown\n# hi'],
    ['header ends file', '--- kohort\nmetric a = count()\n--- markdown'],
    ['empty', ''],
  ])('prints %s back byte for byte, with the offsets parseNotebook finds', (_, text) => {
    const doc = NotebookDocument.fromText('n.kohort', text, 'v1');
    expect(doc.text).toBe(text);
    expect(doc.dirty).toBe(false);
    expect(doc.layout.offsets).toEqual(parseNotebook(text).cells.map((c) => c.contentOffset));
  });

  it('keeps the editor body free of trailing blank lines', () => {
    expect(splitTrailer('a\nb\n\n')).toEqual({ body: 'a\nb', trailer: '\n\n' });
    const doc = NotebookDocument.fromText('n.kohort', customers, 'v1');
    expect(doc.cells.every((c) => !/\n$/.test(c.body))).toBe(true);
  });

  it('edits, inserts, moves and removes cells and stays consistent with printNotebook', () => {
    let doc = NotebookDocument.fromText('n.kohort', sales, 'v1');
    const first = doc.cells[1]!.id;
    doc = doc.setBody(first, 'source events = lake "events" key user_id time event_time\nmetric views = count()');
    expect(doc.dirty).toBe(true);
    const inserted = doc.insert(2, 'markdown', '## Notes');
    doc = inserted.doc;
    expect(doc.cells[2]!.body).toBe('## Notes');
    doc = doc.move(inserted.id, 10);
    expect(doc.cells.at(-1)!.id).toBe(inserted.id);
    doc = doc.move(inserted.id, -100);
    expect(doc.cells[0]!.id).toBe(inserted.id);
    const sql = doc.insert(1, 'sql', 'SELECT 1', 'one');
    doc = sql.doc.setHeader(sql.id, 'sql', 'uno');
    doc = doc.remove(doc.cells.at(-1)!.id);
    const text = doc.text;
    expect(text).toBe(printNotebook(doc.cells.map((c) => ({ ...c, content: c.body + c.trailer }))));
    const parsed = parseNotebook(text);
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.cells.map((c) => [c.kind, c.name, c.content.trim()])).toEqual(doc.cells.map((c) => [c.kind, c.name, c.body.trim()]));
    expect(parsed.cells.map((c) => c.contentOffset)).toEqual(doc.layout.offsets);
    expect(doc.cells.find((c) => c.id === sql.id)?.header).toBe('--- sql uno');
  });

  it('finds the cell holding an offset', () => {
    const doc = NotebookDocument.fromText('n.kohort', sales, 'v1');
    const at = doc.text.indexOf('query funnel');
    expect(doc.cellAt(at)?.body).toContain('query funnel');
    expect(cellAtOffset(layoutCells(doc.cells), 0)).toBe(0);
    expect(doc.cellAt(doc.text.length)?.kind).toBe('sql');
  });

  it('a header line appended at the end of the file gets its newline when content follows', () => {
    let doc = NotebookDocument.fromText('n.kohort', '--- kohort\nmetric a = count()\n--- markdown', 'v1');
    const md = doc.cells[1]!;
    expect(md.headerEndsFile).toBe(true);
    doc = doc.setBody(md.id, '# Title');
    expect(doc.text).toBe('--- kohort\nmetric a = count()\n--- markdown\n# Title');
  });
});
