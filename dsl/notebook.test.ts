import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNotebook, printNotebook } from './index.js';

describe('notebook files', () => {
  it('splits cells by header lines and keeps their names', () => {
    const text = '--- markdown\n# Title\n\n--- kohort\nmetric a = count()\n\n--- sql top\nselect 1\n';
    const { cells, diagnostics } = parseNotebook(text);
    expect(diagnostics).toEqual([]);
    expect(cells.map((c) => [c.kind, c.name ?? null, c.content])).toEqual([
      ['markdown', null, '# Title\n\n'],
      ['kohort', null, 'metric a = count()\n\n'],
      ['sql', 'top', 'select 1\n'],
    ]);
    expect(cells[1]!.range.start.line).toBe(4);
  });

  it('a file without headers is one DSL cell', () => {
    const { cells } = parseNotebook('metric a = count()\n');
    expect(cells.map((c) => c.kind)).toEqual(['kohort']);
  });

  it('reports unknown cell kinds and unnamed sql cells', () => {
    const { diagnostics } = parseNotebook('--- python\nx\n--- sql\nselect 1\n');
    expect(diagnostics.map((d) => [d.code, d.range.start.line])).toEqual([
      ['unknown-cell-kind', 1],
      ['syntax-error', 3],
    ]);
  });

  const samples = [
    '',
    '\n\n',
    'metric a = count()',
    '--- kohort',
    '--- kohort\n',
    '--- markdown\n---\nnot a header: a markdown rule\n--- sql x\r\nselect 1\r\n',
    'lead\n--- kohort  \nmetric a = count()\n--- markdown notes\n# n',
    ...readdirSync(join(import.meta.dirname, 'testdata')).filter((f) => /^[^.].*\.kohort$/.test(f)).map((f) => readFileSync(join(import.meta.dirname, 'testdata', f), 'utf8')),
  ];
  it.each(samples.map((s, i) => [i, s]))('parse → print gives back the file byte for byte (#%i)', (_, text) => {
    expect(printNotebook(parseNotebook(text).cells)).toBe(text);
  });

  it('new cells print with canonical headers', () => {
    expect(printNotebook([{ kind: 'markdown', content: '# A\n' }, { kind: 'sql', name: 'q', content: 'select 1\n' }])).toBe('--- markdown\n# A\n--- sql q\nselect 1\n');
  });
});
