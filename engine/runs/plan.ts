import type { CompiledCell, CompiledNotebook, DefinitionKind } from '../../dsl/compiled.js';
import { suggest } from '../../dsl/suggest.js';
import { resultKinds } from '../session.js';
import { UserError } from '../user-error.js';

/** Kinds whose tables a run keeps in the lake's history (dated snapshots), not just computes. */
export const historyKinds: ReadonlySet<DefinitionKind> = new Set<DefinitionKind>(['profile', 'segment']);

/** What a run does: its cells in dependency order, and every definition they read. */
export interface RefreshPlan {
  /** Profile, segment, query, plot and sql cells to run, upstream first, else in file order. */
  cells: CompiledCell[];
  /** The cells and everything they read, transitively (sources and metrics included). */
  reads: Set<string>;
}

/**
 * The cells a refresh runs: the named ones and the result cells they depend on, upstream first
 * (ties in file order); none named: every result cell of the notebook. A name that is not a cell,
 * or not a cell with a table, is a UserError at `place` (the schedule cell).
 */
export function refreshPlan(compiled: CompiledNotebook, refresh: readonly string[], place?: string): RefreshPlan {
  const byName = new Map(compiled.cells.map((c) => [c.name, c]));
  for (const name of refresh) {
    const cell = byName.get(name);
    if (!cell) {
      const close = suggest(name, [...byName.keys()]);
      throw new UserError(`refresh names \`${name}\`, which is not a cell of this notebook${close.length ? ` — did you mean \`${close[0]}\`?` : ''}`, place);
    }
    if (!resultKinds.includes(cell.kind)) {
      throw new UserError(`refresh names \`${name}\`, a ${cell.kind}: name profiles, segments, queries, plots or sql cells`, place);
    }
  }
  const targets = refresh.length > 0 ? refresh : compiled.cells.filter((c) => resultKinds.includes(c.kind)).map((c) => c.name);
  const reads = new Set<string>();
  const stack = [...targets];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (reads.has(name)) continue;
    reads.add(name);
    for (const d of byName.get(name)?.dependsOn ?? []) stack.push(d);
  }
  const order: CompiledCell[] = [];
  const placed = new Set<string>();
  const visit = (cell: CompiledCell, path: Set<string>) => {
    if (placed.has(cell.name) || path.has(cell.name)) return;
    path.add(cell.name);
    for (const d of cell.dependsOn) {
      const dep = byName.get(d);
      if (dep) visit(dep, path);
    }
    path.delete(cell.name);
    placed.add(cell.name);
    if (resultKinds.includes(cell.kind)) order.push(cell);
  };
  for (const cell of compiled.cells) if (reads.has(cell.name)) visit(cell, new Set());
  return { cells: order, reads };
}
