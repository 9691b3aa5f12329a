import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { compileNotebook } from '../dsl/index.js';
import { rees46Schemas } from './support/rees46-schema.js';

it("the README's DSL example compiles without a diagnostic", () => {
  const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## The DSL by example'));
  const example = /```\n([\s\S]*?)```/.exec(section)?.[1];
  expect(example).toBeDefined();
  const r = compileNotebook(example!, { schemas: rees46Schemas, lake: '/lake' });
  expect(r.diagnostics).toEqual([]);
  expect(r.cells.filter((c) => !c.sql).map((c) => c.name)).toEqual([]);
});
