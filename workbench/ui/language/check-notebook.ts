// Parse + check without writing SQL, sharing its cache with complete/hover/definition.
import { analyze, dependsOn, type Diagnostic, type SchemaCatalog } from '../../../dsl/index.js';
import { hashText, upstream, graphOf, type DefinitionNode } from '../model/run-graph.js';

/** What the editor needs after each keystroke: diagnostics and the definitions' graph. */
export interface NotebookCheck {
  diagnostics: Diagnostic[];
  definitions: DefinitionNode[];
  /** Hash of the notebook-wide inputs every result reads (the as-of statement). */
  globalInputs: string;
  dailyProfiles: string[];
  sourceKeys: Record<string, string>;
}

/**
 * Parses and checks a notebook (no SQL is written: that is the run's job, on the server) and
 * returns its diagnostics and dependency graph. A definition is broken when it, or anything it
 * reads, failed to parse or check: it would have no SQL.
 */
export function checkNotebook(text: string, schemas?: SchemaCatalog): NotebookCheck {
  const { parsed, checked } = analyze(text, schemas);
  const seen = new Set<string>();
  const diagnostics = [...parsed.diagnostics, ...checked.diagnostics]
    .filter((d) => {
      const key = `${d.code}:${d.range.start.offset}:${d.range.end.offset}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.range.start.offset - b.range.start.offset);

  const irByName = new Map(checked.ir.definitions.map((d) => [d.name, d]));
  const definitions: DefinitionNode[] = [];
  for (const [name, info] of checked.names) {
    const ir = irByName.get(name);
    const node: DefinitionNode = {
      name,
      kind: info.kind,
      offset: info.range.start.offset,
      dependsOn: ir ? dependsOn(ir) : [],
      textHash: hashText(text.slice(info.range.start.offset, info.range.end.offset)),
    };
    if (ir?.kind === 'plot') node.plot = ir.spec;
    if (!ir || !info.ok) node.broken = true;
    definitions.push(node);
  }
  const graph = graphOf(definitions);
  for (const node of definitions) {
    if (!node.broken && [...upstream(graph, node.name)].some((n) => graph.get(n)?.broken)) node.broken = true;
  }
  definitions.sort((a, b) => a.offset - b.offset);

  const asOf: string[] = [];
  const dailyProfiles: string[] = [];
  const sourceKeys: Record<string, string> = {};
  for (const { node } of parsed.statements) {
    if (node.kind === 'as-of') asOf.push(text.slice(node.range.start.offset, node.range.end.offset));
    if (node.kind === 'profile' && node.grain === 'day') dailyProfiles.push(node.name.text);
    if (node.kind === 'source' && node.key) sourceKeys[node.name.text] = node.key.text;
  }
  return { diagnostics, definitions, globalInputs: hashText(asOf.join('\n')), dailyProfiles, sourceKeys };
}
