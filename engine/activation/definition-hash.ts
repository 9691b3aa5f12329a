import { createHash } from 'node:crypto';
import type { CompiledCell, CompiledNotebook, SourceRequest } from '../../dsl/index.js';

/**
 * A segment's definition hash: its compiled SELECT plus the DSL text of every definition it
 * depends on, directly or not (metrics, segments, the source). Two exports (or deliveries) with
 * the same hash were computed by the same rules, whatever the as-of time, the lake's location or
 * unrelated cells of the notebook. Re-indenting a definition does not change it.
 */
export function definitionHash(compiled: CompiledNotebook, text: string, cell: CompiledCell): string {
  const hash = createHash('sha256').update(`select\n${cell.select ?? ''}\n`);
  for (const c of withDependencies(compiled, cell).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    hash.update(`${c.kind} ${c.name}\n${normalized(text.slice(c.range.start.offset, c.range.end.offset))}\n`);
  }
  return hash.digest('hex').slice(0, 32);
}

/** A definition and everything it reads, directly or not. */
export function withDependencies(compiled: CompiledNotebook, cell: CompiledCell): CompiledCell[] {
  const byName = new Map(compiled.cells.map((c) => [c.name, c]));
  const out = new Map<string, CompiledCell>();
  const visit = (c: CompiledCell) => {
    if (out.has(c.name)) return;
    out.set(c.name, c);
    for (const d of c.dependsOn) {
      const dep = byName.get(d);
      if (dep) visit(dep);
    }
  };
  visit(cell);
  return [...out.values()];
}

/** The sources (as the engine scans them) a definition reads. */
export function sourcesOf(compiled: CompiledNotebook, cell: CompiledCell): SourceRequest[] {
  const names = new Set(withDependencies(compiled, cell).filter((c) => c.kind === 'source').map((c) => c.name));
  return compiled.sources.filter((s) => names.has(s.name));
}

/** The customer key column of a segment (its source's `key`), when known. */
export function keyColumnOf(compiled: CompiledNotebook, cell: CompiledCell): string | undefined {
  return compiled.cells.find((c) => c.kind === 'source' && c.name === cell.source)?.key;
}

/** Definition text with runs of whitespace as one space: re-indenting changes nothing. */
function normalized(definition: string): string {
  return definition.replace(/\s+/g, ' ').trim();
}
