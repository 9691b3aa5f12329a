import { analyze } from './analysis.js';
import { behaviourDocs } from './behaviour-docs.js';
import { functions } from './functions.js';
import type { SchemaCatalog } from './schema.js';
import { wordAt } from './word-at.js';

export interface Hover {
  from: number;
  to: number;
  /** Markdown: the definition as written, its kind and type. */
  markdown: string;
}

/** What the name under the cursor is: a definition (with its text and type), a column, a function. */
export function hover(text: string, offset: number, options: { schemas?: SchemaCatalog } = {}): Hover | undefined {
  const at = wordAt(text, offset);
  if (!at) return undefined;
  const analysis = analyze(text, options.schemas);
  const cell = analysis.parsed.cells.find((c) => c.contentOffset <= offset && offset <= c.contentOffset + c.content.length);
  if (!cell || cell.kind === 'markdown') return undefined;
  const { from, to, word } = at;
  const followedByParen = /^\s*\(/.test(text.slice(to));

  const fn = functions[word.toLowerCase()];
  if (fn && followedByParen) return { from, to, markdown: `**${fn.kind} function** \`${fn.usage}\`\n\n${fn.doc}` };

  const def = [...analysis.checked.names].find(([name]) => name.toLowerCase() === word.toLowerCase());
  const columns = Object.entries(options.schemas ?? {}).flatMap(([source, s]) => s.columns.filter((c) => c.name === word).map((c) => ({ source, c })));
  if (def) {
    const [name, info] = def;
    const ir = analysis.checked.ir.definitions.find((d) => d.name === name);
    const type = ir?.kind === 'metric' ? ` · ${ir.type}` : ir?.kind === 'segment' ? ' · boolean' : '';
    const level = ir?.kind === 'metric' ? (ir.level === 'aggregate' ? ` · per customer, from \`${ir.source}\`` : ' · derived') : '';
    const source = text.slice(info.range.start.offset, info.range.end.offset).trim();
    const status = info.ok ? '' : '\n\n_(has errors)_';
    const body = info.kind === 'sql' ? '' : `\n\n\`\`\`kohort\n${source}\n\`\`\``;
    const also = columns.length > 0 ? `\n\nAlso a column of ${columns.map((x) => `\`${x.source}\``).join(', ')}.` : '';
    return { from, to, markdown: `**${info.kind}** \`${name}\`${type}${level} — line ${info.nameRange.start.line}${body}${status}${also}` };
  }
  if (columns.length > 0) {
    const lines = columns.map(({ source, c }) => `**column** \`${c.name}\` · ${c.type}${c.sqlType ? ` (${c.sqlType})` : ''} · source \`${source}\``);
    return { from, to, markdown: lines.join('\n\n') };
  }
  if (fn) return { from, to, markdown: `**${fn.kind} function** \`${fn.usage}\`\n\n${fn.doc}` };
  const behaviour = behaviourDocs[word.toLowerCase()];
  if (behaviour && cell.kind === 'kohort') return { from, to, markdown: `**behavioural condition**\n\n${behaviour}` };
  return undefined;
}
