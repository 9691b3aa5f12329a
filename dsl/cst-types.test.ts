import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateCstDts } from 'chevrotain';
import { expect, it } from 'vitest';
import { parser } from './parser.js';

it('dsl/cst.d.ts matches the grammar (regenerate it when the parser changes)', () => {
  const committed = readFileSync(join(import.meta.dirname, 'cst.d.ts'), 'utf8');
  const fresh = '/* Generated from dsl/parser.ts by generateCstDts; a test fails when it is stale. */\n' + generateCstDts(parser.getGAstProductions());
  expect(committed).toBe(fresh);
});
