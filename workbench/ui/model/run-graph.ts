import type { DefinitionKind, PlotSpec } from '../../../dsl/index.js';

/**
 * The dependency graph of a notebook's definitions, as the language worker reports it after each
 * edit, and the decisions that follow from it: which results are stale, and in which order
 * "run", "run stale" and "run all" execute. Pure data in, plain data out.
 */
export interface DefinitionNode {
  name: string;
  kind: DefinitionKind;
  /** Notebook offset where the definition starts; maps it to its cell. */
  offset: number;
  /** Names it reads directly. */
  dependsOn: string[];
  /** A hash of the definition's own text: it changes when the definition is edited. */
  textHash: string;
  /** The chart of a plot definition. */
  plot?: PlotSpec;
  /** Set when the definition (or something it reads) has errors, so it has no SQL to run. */
  broken?: boolean;
}

/** The kinds whose result is a table to look at; metrics and sources are columns and inputs. */
export const resultKinds: ReadonlySet<DefinitionKind> = new Set<DefinitionKind>(['profile', 'segment', 'query', 'plot', 'sql']);

export type Graph = ReadonlyMap<string, DefinitionNode>;

export function graphOf(nodes: readonly DefinitionNode[]): Graph {
  const g = new Map<string, DefinitionNode>();
  for (const n of nodes) if (!g.has(n.name)) g.set(n.name, n);
  return g;
}

/** The definition and everything it reads, transitively (cycles are cut). */
export function upstream(graph: Graph, name: string): Set<string> {
  const seen = new Set<string>();
  const stack = [name];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    for (const d of graph.get(n)?.dependsOn ?? []) if (graph.has(d)) stack.push(d);
  }
  return seen;
}

/** Everything that reads any of `names`, transitively, excluding `names` themselves. */
export function downstream(graph: Graph, names: Iterable<string>): Set<string> {
  const readers = new Map<string, string[]>();
  for (const n of graph.values()) {
    for (const d of n.dependsOn) {
      const list = readers.get(d);
      if (list) list.push(n.name);
      else readers.set(d, [n.name]);
    }
  }
  const start = new Set(names);
  const out = new Set<string>();
  const stack = [...start];
  while (stack.length > 0) {
    const n = stack.pop()!;
    for (const r of readers.get(n) ?? []) {
      if (!out.has(r) && !start.has(r)) {
        out.add(r);
        stack.push(r);
      }
    }
  }
  return out;
}

/**
 * What a result was computed from: the text hash of the definition and of everything upstream
 * of it, plus the notebook-wide inputs (the as-of statement). Equal inputs give equal strings.
 */
export function inputsOf(graph: Graph, name: string, global = ''): string {
  const names = [...upstream(graph, name)].sort();
  return `${global}|${names.map((n) => `${n}:${graph.get(n)?.textHash ?? '?'}`).join(',')}`;
}

/** A result's record: the inputs it was computed from. */
export interface RunRecord {
  inputs: string;
}

/**
 * Results that no longer match the notebook: the definition, or something it reads, was edited
 * (or removed, or broke) since it ran. Only definitions that have a result can be stale.
 */
export function staleResults(graph: Graph, runs: ReadonlyMap<string, RunRecord>, global = ''): Set<string> {
  const stale = new Set<string>();
  for (const [name, record] of runs) {
    const node = graph.get(name);
    if (!node || node.broken || inputsOf(graph, name, global) !== record.inputs) stale.add(name);
  }
  return stale;
}

/**
 * The order to run `targets` in: upstream first (a plot after its query), otherwise file order.
 * Only result kinds run; definitions that are broken are left out.
 */
export function runOrder(graph: Graph, targets: Iterable<string>): string[] {
  const wanted = new Set([...targets].filter((t) => {
    const n = graph.get(t);
    return n !== undefined && resultKinds.has(n.kind) && !n.broken;
  }));
  const fileOrder = [...graph.values()].sort((a, b) => a.offset - b.offset).map((n) => n.name);
  const order: string[] = [];
  const placed = new Set<string>();
  const visiting = new Set<string>();
  const visit = (name: string) => {
    if (placed.has(name) || visiting.has(name)) return;
    visiting.add(name);
    for (const d of graph.get(name)?.dependsOn ?? []) if (wanted.has(d)) visit(d);
    visiting.delete(name);
    placed.add(name);
    order.push(name);
  };
  for (const name of fileOrder) if (wanted.has(name)) visit(name);
  return order;
}

/** Every result definition, in run order: "run all". */
export function runAllOrder(graph: Graph): string[] {
  return runOrder(graph, graph.keys());
}

/** The definitions sitting in a cell, given cell start offsets (content offsets, by position). */
export function definitionsInCell(graph: Graph, cellStart: number, cellEnd: number): DefinitionNode[] {
  return [...graph.values()].filter((n) => n.offset >= cellStart && n.offset < cellEnd).sort((a, b) => a.offset - b.offset);
}

/** A short, stable hash of a string (FNV-1a, 32 bits, hex). Enough to notice an edit. */
export function hashText(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0') + text.length.toString(36);
}
