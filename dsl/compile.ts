import type * as ast from './ast.js';
import { check, type Located } from './check.js';
import type { CompileOptions, CompiledCell, CompiledNotebook } from './compiled.js';
import { dedupe, diagnostic, LineIndex, type Diagnostic, type Range } from './diagnostics.js';
import { parseNotebook, type NotebookCell } from './notebook.js';
import { parseDsl } from './parser.js';
import { dirname, isDatasetName, join } from './paths.js';
import { membershipFile, notebookId } from './history-paths.js';
import type { IRDefinition } from './ir.js';
import type { SourceRequest } from './schema.js';
import { duckdb } from './sql/duckdb.js';
import type { Dialect } from './sql/dialect.js';
import { assembleSql, writeNotebook, type WriteOptions } from './sql/write.js';
import { toAst } from './to-ast.js';

/** The parsed notebook: its cells and every definition with the cell it came from. */
export interface ParsedDefinitions {
  cells: NotebookCell[];
  statements: Located<ast.Statement>[];
  sqlCells: Located<ast.SqlCell>[];
  diagnostics: Diagnostic[];
  lines: LineIndex;
}

/** Splits a notebook into cells and parses every DSL cell (with recovery) into AST statements. */
export function parseDefinitions(text: string): ParsedDefinitions {
  const lines = new LineIndex(text);
  const notebook = parseNotebook(text);
  const diagnostics = [...notebook.diagnostics];
  const statements: Located<ast.Statement>[] = [];
  const sqlCells: Located<ast.SqlCell>[] = [];
  notebook.cells.forEach((cell, cellIndex) => {
    if (cell.kind === 'kohort') {
      const parsed = parseCell(cell.content);
      // Cached cells are parsed at offset 0, line 1; shift them to where the cell sits now.
      const start = lines.position(cell.contentOffset);
      const shift = (r: Range): Range => shiftRange(r, cell.contentOffset, start.line - 1);
      diagnostics.push(...parsed.diagnostics.map((d) => ({ ...d, range: shift(d.range) })));
      for (const s of parsed.statements) statements.push({ node: mapRanges(s, shift), cellIndex });
    } else if (cell.kind === 'sql' && cell.name) {
      const nameStart = cell.headerRange.start.offset + (cell.header?.lastIndexOf(cell.name) ?? 0);
      sqlCells.push({
        node: {
          kind: 'sql',
          name: { text: cell.name, range: lines.range(nameStart, nameStart + cell.name.length) },
          sql: cell.content,
          offset: cell.contentOffset,
          range: cell.range,
        },
        cellIndex,
      });
    }
  });
  return { cells: notebook.cells, statements, sqlCells, diagnostics, lines };
}

interface ParsedCell {
  statements: ast.Statement[];
  diagnostics: Diagnostic[];
}

/**
 * Parsed DSL cells by their text. An editor reparses the notebook on every keystroke, but only the
 * cell being typed in has changed, so the others come from here. Entries are immutable.
 */
const cellCache = new Map<string, ParsedCell>();
const cellCacheLimit = 4000;

/** Empties the parsed-cell cache (benchmarks measure cold compiles with it). */
export function clearParseCache(): void {
  cellCache.clear();
}

function parseCell(content: string): ParsedCell {
  const cached = cellCache.get(content);
  if (cached) {
    // Refresh its place in the (insertion-ordered) map: least recently used goes first.
    cellCache.delete(content);
    cellCache.set(content, cached);
    return cached;
  }
  const lines = new LineIndex(content);
  const diagnostics: Diagnostic[] = [];
  const parsed = parseDsl(content);
  for (const e of parsed.lexErrors) diagnostics.push(diagnostic('syntax-error', e.message, lines.range(e.offset, e.offset + Math.max(1, e.length))));
  for (const e of parsed.parseErrors) {
    // An error at the end of the cell sits just after the last real token.
    const at = Number.isFinite(e.token.startOffset)
      ? { start: e.token.startOffset, end: (e.token.endOffset ?? e.token.startOffset) + 1 }
      : e.previous && Number.isFinite(e.previous.endOffset)
        ? { start: e.previous.endOffset! + 1, end: e.previous.endOffset! + 1 }
        : { start: content.trimEnd().length, end: content.trimEnd().length };
    diagnostics.push(diagnostic('syntax-error', e.message, lines.range(at.start, at.end)));
  }
  const built = toAst(parsed.cst, lines, 0);
  diagnostics.push(...built.diagnostics);
  for (const e of diagnostics) {
    // A syntax error belongs to the last definition that starts before it (an error "found `segment`"
    // sits on the next definition's first word). That definition keeps its name, so others don't
    // cascade, but is not compiled.
    const owner = built.statements.filter((s) => s.range.start.offset < e.range.start.offset).pop();
    if (owner && owner.kind !== 'as-of') owner.broken = true;
  }
  const result = { statements: built.statements, diagnostics };
  cellCache.set(content, result);
  if (cellCache.size > cellCacheLimit) cellCache.delete(cellCache.keys().next().value!);
  return result;
}

/** Moves a range of a cell parsed on its own to its place in the notebook: columns stay, as a cell starts a line. */
function shiftRange(r: Range, offset: number, lines: number): Range {
  return {
    start: { offset: r.start.offset + offset, line: r.start.line + lines, column: r.start.column },
    end: { offset: r.end.offset + offset, line: r.end.line + lines, column: r.end.column },
  };
}

/** A copy of an AST node with every range passed through `f`. */
function mapRanges<T>(node: T, f: (r: Range) => Range): T {
  if (Array.isArray(node)) return node.map((n) => mapRanges(n, f)) as T;
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'range' ? f(v as Range) : mapRanges(v, f);
  return out as T;
}

/**
 * Compiles a notebook to DuckDB SQL, one complete SELECT per definition. Never throws: user
 * mistakes and our own bugs alike come back as diagnostics.
 */
export function compileNotebook(text: string, options: CompileOptions = {}, dialect: Dialect = duckdb): CompiledNotebook {
  try {
    return compileUnsafe(text, options, dialect);
  } catch (e) {
    const lines = new LineIndex(text);
    const message = e instanceof Error ? e.message : String(e);
    return {
      cells: [],
      relations: [],
      sources: [],
      diagnostics: [diagnostic('internal-error', `kohort failed to compile this notebook (a bug; please report it): ${message}`, lines.range(0, 0))],
    };
  }
}

function compileUnsafe(text: string, options: CompileOptions, dialect: Dialect): CompiledNotebook {
  const parsed = parseDefinitions(text);
  const diagnostics = [...parsed.diagnostics];
  const lake = options.lake ?? 'lake';
  const baseDir = options.baseDir ?? (options.file ? dirname(options.file) : '.');
  const resolve = (location: ast.SourceDefinition['location']) => (location.kind === 'lake' ? join(lake, location.path) : join(baseDir, location.path));

  // Sources with unusable locations are reported here and left out of the check.
  const statements = parsed.statements.filter((s) => {
    if (s.node.kind !== 'source' || s.node.location.kind !== 'lake' || isDatasetName(s.node.location.path)) return true;
    diagnostics.push(
      diagnostic('invalid-literal', `\`${s.node.location.path}\` is not a lake dataset name: use one folder name of letters, digits, _ - and .`, s.node.location.range),
    );
    return false;
  });

  const notebook = notebookId(options.notebook ?? options.file ?? 'notebook');
  const checked = check({
    statements,
    sqlCells: parsed.sqlCells,
    schemas: options.schemas ?? {},
    resolveLocation: resolve,
    membershipFile: (segment) => membershipFile(lake, notebook, segment),
  });
  diagnostics.push(...checked.diagnostics);

  const writeOptions: WriteOptions = {};
  if (options.asOf !== undefined) {
    const asOf = parseAsOfOption(options.asOf);
    if (asOf) writeOptions.asOf = asOf;
    else diagnostics.push(diagnostic('invalid-literal', `as-of \`${options.asOf}\` is not a date (YYYY-MM-DD) or timestamp (YYYY-MM-DD hh:mm:ss)`, parsed.lines.range(0, 0)));
  }
  const written = writeNotebook(checked.ir, dialect, writeOptions);

  const sources: SourceRequest[] = [];
  for (const s of statements) {
    if (s.node.kind !== 'source') continue;
    const location = { kind: s.node.location.kind, path: resolve(s.node.location) };
    sources.push({ name: s.node.name.text, location, scan: dialect.scan(location), ...(s.node.time ? { time: s.node.time.text } : {}) });
  }

  const irByName = new Map(checked.ir.definitions.map((d) => [d.name, d]));
  const cells: CompiledCell[] = [];
  for (const [name, info] of checked.names) {
    const ir = irByName.get(name);
    const cell: CompiledCell = { name, kind: info.kind, range: info.range, cellIndex: info.cellIndex, dependsOn: ir ? dependsOn(ir) : [] };
    const sql = written.cells.get(name);
    if (ir && sql) {
      cell.sql = assembleSql(written.relations, sql, dialect);
      cell.relations = sql.relations;
      cell.reads = sql.reads;
      cell.select = sql.select;
    }
    if (ir?.kind === 'plot') cell.plot = ir.spec;
    if (ir?.kind === 'source') Object.assign(cell, { key: ir.key, time: ir.time });
    if (ir?.kind === 'metric' || ir?.kind === 'profile' || ir?.kind === 'segment') cell.source = ir.source;
    if (ir?.kind === 'query' && ir.input.kind !== 'relation') cell.source = ir.input.source;
    if (ir?.kind === 'pipeline') {
      const { connector, topics, brokers, format, dataset, lake: pipelineLake, group, flush } = ir;
      cell.pipeline = { connector, topics, brokers, format, dataset, ...(pipelineLake !== undefined ? { lake: pipelineLake } : {}), ...(group !== undefined ? { group } : {}), flush };
    }
    if (ir?.kind === 'schedule') cell.schedule = ir.spec;
    if (ir?.kind === 'destination') cell.destination = ir.spec;
    cells.push(cell);
  }
  cells.sort((a, b) => a.range.start.offset - b.range.start.offset);

  return { cells, relations: written.relations, sources, asOfSql: written.asOfSql, diagnostics: dedupe(diagnostics).sort((a, b) => a.range.start.offset - b.range.start.offset) };
}

/** The definitions a checked definition reads directly (an aggregate metric reads its source). */
export function dependsOn(ir: IRDefinition): string[] {
  return ir.kind === 'source' ? [] : ir.kind === 'metric' && ir.level === 'aggregate' ? [ir.source] : ir.dependsOn;
}

const asOfDate = /^\d{4}-\d{2}-\d{2}$/;
const asOfTimestamp = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)(?: ?(?:UTC|Z))?$/;

function parseAsOfOption(text: string): WriteOptions['asOf'] {
  const t = text.trim();
  if (asOfDate.test(t) && !Number.isNaN(Date.parse(`${t}T00:00:00Z`))) return { kind: 'date', value: t };
  const m = asOfTimestamp.exec(t);
  if (m && !Number.isNaN(Date.parse(`${m[1]}T00:00:00Z`))) return { kind: 'timestamp', value: `${m[1]} ${m[2]}` };
  return undefined;
}
