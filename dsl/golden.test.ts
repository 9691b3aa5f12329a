import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rees46Schemas } from '../tests/support/rees46-schema.js';
import { check } from './check.js';
import { compileNotebook, parseDefinitions, renderDiagnostic } from './index.js';
import { kohortLexer } from './tokens.js';
import type { Range } from './diagnostics.js';

/**
 * The golden corpus: each dsl/testdata/*.kohort runs through every stage with one snapshot per
 * stage (tokens, AST, IR, SQL, rendered diagnostics), PRQL's idiom. Update with `vitest -u`.
 */
const dir = join(import.meta.dirname, 'testdata');
const cases = readdirSync(dir).filter((f) => /^[^.].*\.kohort$/.test(f));

const schemas = {
  ...rees46Schemas,
  'we"ird': {
    columns: ['user id', 'select', 'col"umn', 'order', '名前', 'price ")'].map((name) => ({ name, type: name === 'select' ? ('timestamp' as const) : name === 'price ")' ? ('number' as const) : ('string' as const) })),
  },
};

/** Ranges as `line:col-line:col`, so snapshots stay readable. */
function compact(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (key, v: unknown) => {
      if (v && typeof v === 'object' && 'start' in v && 'end' in v && typeof (v as Range).start === 'object') {
        const r = v as Range;
        return `${r.start.line}:${r.start.column}-${r.end.line}:${r.end.column}`;
      }
      return v;
    }),
  );
}

describe.each(cases)('golden %s', (file) => {
  const text = readFileSync(join(dir, file), 'utf8');
  const snap = (stage: string) => join(dir, '__snapshots__', `${file.replace(/\.kohort$/, '')}.${stage}`);

  it('tokens', async () => {
    const parsed = parseDefinitions(text);
    const tokens = parsed.cells
      .filter((c) => c.kind === 'kohort')
      .flatMap((c) => kohortLexer.tokenize(c.content).tokens.map((t) => `${t.tokenType.name} ${JSON.stringify(t.image)}`));
    await expect(tokens.join('\n') + '\n').toMatchFileSnapshot(snap('tokens.txt'));
  });

  it('ast', async () => {
    const parsed = parseDefinitions(text);
    await expect(JSON.stringify(compact(parsed.statements.map((s) => s.node)), null, 1) + '\n').toMatchFileSnapshot(snap('ast.json'));
  });

  it('ir', async () => {
    const parsed = parseDefinitions(text);
    const { ir } = check({ statements: parsed.statements, sqlCells: parsed.sqlCells, schemas, resolveLocation: (l) => (l.kind === 'lake' ? `/lake/${l.path}` : `/work/${l.path}`) });
    await expect(JSON.stringify(compact(ir), null, 1) + '\n').toMatchFileSnapshot(snap('ir.json'));
  });

  it('sql and diagnostics', async () => {
    const compiled = compileNotebook(text, { schemas, lake: '/lake', baseDir: '/work' });
    const sql = compiled.cells.map((c) => `-- ${c.kind} ${c.name}\n${c.sql ?? '-- (not compiled: see diagnostics)'}\n`).join('\n');
    await expect(sql).toMatchFileSnapshot(snap('sql'));
    const rendered = compiled.diagnostics.map((d) => renderDiagnostic(d, text, file)).join('\n\n');
    await expect(rendered + '\n').toMatchFileSnapshot(snap('diagnostics.txt'));
    // The same input gives byte-identical SQL.
    expect(compileNotebook(text, { schemas, lake: '/lake', baseDir: '/work' }).cells.map((c) => c.sql)).toEqual(compiled.cells.map((c) => c.sql));
  });
});
