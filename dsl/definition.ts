import { analyze } from './analysis.js';
import { wordAt } from './word-at.js';

export interface DefinitionLocation {
  /** The defining name's span in the notebook text. */
  from: number;
  to: number;
  /** The notebook cell it sits in. */
  cellIndex: number;
}

/** Go to definition: where the name under the cursor is defined, in any cell. */
export function definition(text: string, offset: number): DefinitionLocation | undefined {
  const at = wordAt(text, offset);
  if (!at) return undefined;
  const analysis = analyze(text);
  const found = [...analysis.checked.names].find(([name]) => name.toLowerCase() === at.word.toLowerCase());
  if (!found) return undefined;
  const [, info] = found;
  return { from: info.nameRange.start.offset, to: info.nameRange.end.offset, cellIndex: info.cellIndex };
}
