import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileNotebook, complete } from '../../../dsl/index.js';
import { NotebookDocument } from '../model/notebook-document.js';
import { completionKindName, completionSortText, diagnosticsByCell, toLocal } from './cell-mapping.js';

const customers = readFileSync(join(import.meta.dirname, '..', '..', '..', 'examples', 'ecommerce', 'customers.kohort'), 'utf8');

describe('cell mapping', () => {
  it('puts a diagnostic in the cell it starts in, with offsets local to the cell', () => {
    let doc = NotebookDocument.fromText('c.kohort', customers, 'v');
    const metrics = doc.cells.find((c) => c.body.includes('metric views'))!;
    doc = doc.setBody(metrics.id, `${metrics.body}\nmetric bad = revnue / views`);
    const compiled = compileNotebook(doc.text, {});
    const errors = compiled.diagnostics.filter((d) => d.severity === 'error');
    const byCell = diagnosticsByCell(errors, doc.layout, doc.cells.map((c) => c.body.length));
    const index = doc.indexOf(metrics.id);
    expect([...byCell.keys()]).toEqual([index]);
    const [d] = byCell.get(index)!;
    const body = doc.cells[index]!.body;
    expect(body.slice(d!.start, d!.end)).toBe('revnue');
    expect(d!.message).toContain('did you mean `revenue`');
    expect(d!.place).toMatch(/^\d+:\d+$/);
  });

  it('maps completion spans back into the cell', () => {
    const doc = NotebookDocument.fromText('c.kohort', customers, 'v');
    const cell = doc.cells.find((c) => c.body.includes('segment buyers'))!;
    const base = doc.offsetOf(cell.id);
    const local = cell.body.indexOf('purchases > 0') + 'purch'.length;
    const result = complete(doc.text, base + local);
    expect(result.items.map((i) => i.label)).toContain('purchases');
    expect(toLocal(result.from, result.to, base, cell.body.length)).toEqual({ start: local - 5, end: local - 5 + 'purchases'.length });
  });

  it('clamps spans to the cell and ranks names before keywords', () => {
    expect(toLocal(5, 500, 10, 20)).toEqual({ start: 0, end: 20 });
    expect(completionKindName('metric')).toBe('Variable');
    expect(completionKindName('column')).toBe('Field');
    expect(completionSortText('metric', 'revenue') < completionSortText('keyword', 'and')).toBe(true);
  });
});
