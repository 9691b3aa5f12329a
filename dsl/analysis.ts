import { check, type CheckResult } from './check.js';
import { parseDefinitions, type ParsedDefinitions } from './compile.js';
import type { SchemaCatalog } from './schema.js';

/** A notebook parsed and checked, without SQL: what an editor needs on every keystroke. */
export interface Analysis {
  text: string;
  parsed: ParsedDefinitions;
  checked: CheckResult;
}

let last: { text: string; schemas: SchemaCatalog | undefined; analysis: Analysis } | undefined;

/**
 * Parses and checks a notebook. Completion, hover and definition asked at the same text share one
 * analysis; source paths are not resolved (they don't matter to an editor).
 */
export function analyze(text: string, schemas?: SchemaCatalog): Analysis {
  if (last && last.text === text && last.schemas === schemas) return last.analysis;
  const parsed = parseDefinitions(text);
  const checked = check({ statements: parsed.statements, sqlCells: parsed.sqlCells, schemas: schemas ?? {}, resolveLocation: (l) => l.path });
  const analysis = { text, parsed, checked };
  last = { text, schemas, analysis };
  return analysis;
}
