import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import {
  compileNotebook,
  parseDefinitions,
  type CompiledCell,
  type CompiledNotebook,
  type Diagnostic,
  type SchemaCatalog,
  type SourceRequest,
  type SourceSchema,
} from '../../dsl/index.js';
import { introspectSources, UserError } from '../../engine/index.js';
import { dataVersion } from './data-version.js';
import type { DuckDBPool, WantedRelation } from './duckdb-pool.js';
import { Cancelled } from './result-cache.js';

/** What a source's rows are keyed and timed by, as its definition says. */
export interface SourceModel {
  name: string;
  key: string;
  time: string;
}

/**
 * A notebook's text compiled against the data it reads: the two-phase compile (compile → introspect
 * each source → compile with schemas) with everything the runner needs beside it.
 */
export interface PreparedNotebook {
  /** The notebook's path relative to the workspace: what places (`file:line:col`) name. */
  file: string;
  text: string;
  compiled: CompiledNotebook;
  schemas: SchemaCatalog;
  /** Sources whose data could not be introspected, with the reason. */
  sourceErrors: ReadonlyMap<string, UserError>;
  sources: ReadonlyMap<string, SourceModel>;
  /** One hash of every source's data version. */
  dataVersion: string;
  /** Each relation's key: its SQL, what it reads, and the data. */
  relationKeys: ReadonlyMap<string, string>;
}

export interface PrepareRequest {
  /** Relative to the workspace. */
  file: string;
  /** Absolute. */
  abs: string;
  text: string;
  asOf?: string;
}

type Introspected = { schema: SourceSchema } | { error: UserError };

/**
 * Compiles notebooks for the server. Schemas are introspected once per source and data version;
 * compiles are remembered by (text, path, as-of, schemas), so the requests a page sends for its
 * cells compile once.
 */
export class Preparer {
  private readonly schemaCache = new Map<string, Promise<Introspected>>();
  private readonly compileCache = new Map<string, { compiled: CompiledNotebook; sources: Map<string, SourceModel> }>();

  constructor(
    private readonly pool: DuckDBPool,
    private readonly lake: string,
    /** The folders whose files may be versioned: the workspace and the lake (real paths too). */
    private readonly readable: readonly string[],
    /**
     * Brings the data of lake sources up to date first (an HDFS lake's local cache); answers the
     * sources that cannot be read, with why.
     */
    private readonly refreshLake?: (sources: readonly SourceRequest[]) => Promise<ReadonlyMap<string, UserError>>,
  ) {}

  async prepare(request: PrepareRequest, signal?: AbortSignal): Promise<PreparedNotebook> {
    const base = {
      file: request.file,
      lake: this.lake,
      baseDir: dirname(request.abs),
      ...(request.asOf !== undefined ? { asOf: request.asOf } : {}),
    };
    const first = this.compile(request.text, base, undefined);
    const unreadable = (await this.refreshLake?.(first.compiled.sources)) ?? new Map<string, UserError>();
    const versions = new Map<string, string>();
    await Promise.all(first.compiled.sources.map(async (s) => versions.set(s.name, await dataVersion(s.location, this.readable))));

    const schemas: Record<string, SourceSchema> = {};
    const sourceErrors = new Map<string, UserError>();
    const found = await Promise.all(
      first.compiled.sources.map((s): Promise<Introspected> | Introspected => {
        const error = unreadable.get(s.name);
        return error ? { error } : this.introspect(s, versions.get(s.name)!, placeOfSource(first.compiled, request.file, s.name));
      }),
    );
    first.compiled.sources.forEach((s, i) => {
      const entry = found[i]!;
      if ('schema' in entry) schemas[s.name] = entry.schema;
      else sourceErrors.set(s.name, relocate(entry.error, placeOfSource(first.compiled, request.file, s.name)));
    });

    if (signal?.aborted) throw new Cancelled();
    const full = first.compiled.sources.length === 0 ? first : this.compile(request.text, base, schemas);
    const compiled = withSourceErrors(full.compiled, sourceErrors);
    const dataVersionAll = hash([...versions].sort().map(([k, v]) => `${k}=${v}`).join('\n'));
    return {
      file: request.file,
      text: request.text,
      compiled,
      schemas,
      sourceErrors,
      sources: full.sources,
      dataVersion: dataVersionAll,
      relationKeys: relationKeys(compiled, dataVersionAll),
    };
  }

  /**
   * A source's columns, once per (scan, data version); concurrent requests (a page running its
   * cells) share one introspection.
   */
  private introspect(source: SourceRequest, version: string, place: string): Promise<Introspected> {
    const key = schemaKey(source, version);
    let entry = this.schemaCache.get(key);
    if (!entry) {
      // Shared, so not cancelled with any one request (a DESCRIBE is quick anyway).
      entry = this.pool.use(async (db): Promise<Introspected> => {
        try {
          const catalog = await introspectSources(db.connection, [source], { readable: db.db.readable, placeOf: () => place });
          return { schema: catalog[source.name]! };
        } catch (e) {
          if (e instanceof UserError) return { error: e };
          throw e;
        }
      });
      this.schemaCache.set(key, entry);
      // A failure (or a cancelled request) is not remembered: the next request tries again.
      entry.catch(() => this.schemaCache.get(key) === entry && this.schemaCache.delete(key));
      if (this.schemaCache.size > 256) this.schemaCache.delete(this.schemaCache.keys().next().value!);
    }
    return entry;
  }

  private compile(text: string, options: Parameters<typeof compileNotebook>[1] & object, schemas: SchemaCatalog | undefined) {
    const key = hash(JSON.stringify([text, options, schemas ?? null]));
    const hit = this.compileCache.get(key);
    if (hit) {
      this.compileCache.delete(key);
      this.compileCache.set(key, hit);
      return hit;
    }
    const compiled = compileNotebook(text, schemas ? { ...options, schemas } : options);
    const entry = { compiled, sources: sourceModels(text) };
    this.compileCache.set(key, entry);
    if (this.compileCache.size > 64) this.compileCache.delete(this.compileCache.keys().next().value!);
    return entry;
  }
}

/** `file:line:col` of a definition. */
export function placeOf(file: string, cell: Pick<CompiledCell, 'range'>): string {
  return `${file}:${cell.range.start.line}:${cell.range.start.column}`;
}

/** The relations a cell's run needs, in dependency order, each with its key. */
export function wantedRelations(prepared: PreparedNotebook, names: Iterable<string>, materialize: (name: string) => boolean): WantedRelation[] {
  const needed = new Set<string>();
  const byName = new Map(prepared.compiled.relations.map((r) => [r.name, r]));
  const visit = (name: string) => {
    if (needed.has(name)) return;
    const r = byName.get(name);
    if (!r) return;
    needed.add(name);
    r.dependsOn.forEach(visit);
  };
  for (const n of names) visit(n);
  return prepared.compiled.relations
    .filter((r) => needed.has(r.name))
    .map((r) => ({ name: r.name, sql: r.sql, key: prepared.relationKeys.get(r.name)!, materialize: materialize(r.name) }));
}

/**
 * The relations worth computing once and keeping: the as-of time and each source's per-customer
 * and per-day metrics scans, which nearly every cell reads. The rest are views over them.
 */
export function isSharedScan(prepared: PreparedNotebook, name: string): boolean {
  if (name === 'as_of') return true;
  // A segment's sequence sorts its customers' events: kept like the scans for every cell that reads it.
  if (prepared.compiled.relations.some((r) => r.name === name && r.kind === 'sequence')) return true;
  const m = /^(.*)__(metrics|daily)$/.exec(name);
  return m !== null && prepared.sources.has(m[1]!);
}

/** The source whose per-customer (or per-day) scan a cell reads, if any. */
export function sourceOfCell(prepared: PreparedNotebook, cell: CompiledCell, grain: 'metrics' | 'daily'): string | undefined {
  for (const r of cell.relations ?? []) {
    const m = /^(.*)__(metrics|daily)$/.exec(r);
    if (m && m[2] === grain && prepared.sources.has(m[1]!)) return m[1]!;
  }
  return undefined;
}

/** Every source a cell reads, following its dependencies. */
export function sourcesOfCell(prepared: PreparedNotebook, cell: CompiledCell): string[] {
  const byName = new Map(prepared.compiled.cells.map((c) => [c.name, c]));
  const seen = new Set<string>();
  const out: string[] = [];
  const visit = (c: CompiledCell) => {
    if (seen.has(c.name)) return;
    seen.add(c.name);
    if (c.kind === 'source') out.push(c.name);
    for (const d of c.dependsOn) {
      const dep = byName.get(d);
      if (dep) visit(dep);
    }
  };
  visit(cell);
  return out;
}

/**
 * A cell's result key: its complete SQL and the data under it. Equal keys give equal results, so
 * the UI can tell a stale result (its key differs from the latest compile's) from a current one.
 */
export function resultKey(prepared: PreparedNotebook, cell: CompiledCell): string | undefined {
  return cell.sql === undefined ? undefined : hash(`${cell.sql}\n--data ${prepared.dataVersion}`);
}

function relationKeys(compiled: CompiledNotebook, dataVersionAll: string): Map<string, string> {
  const keys = new Map<string, string>();
  // Relations come in dependency order, so each one's dependencies are keyed before it.
  for (const r of compiled.relations) {
    keys.set(r.name, hash([r.name, r.sql, ...r.dependsOn.map((d) => keys.get(d) ?? d), dataVersionAll].join('\n\0')));
  }
  return keys;
}

/**
 * Introspection failures belong to the notebook's diagnostics: the `missing-schema` warning of
 * the source gets the reason as a hint (no new diagnostic code: the registry is the DSL's).
 */
function withSourceErrors(compiled: CompiledNotebook, errors: ReadonlyMap<string, UserError>): CompiledNotebook {
  if (errors.size === 0) return compiled;
  const diagnostics: Diagnostic[] = compiled.diagnostics.map((d) => {
    if (d.code !== 'missing-schema') return d;
    const source = [...errors.keys()].find((name) => d.message.includes(`\`${name}\``));
    if (source === undefined) return d;
    const reason = errors.get(source)!;
    return { ...d, hints: [...(d.hints ?? []), messageWithoutPlace(reason)] };
  });
  return { ...compiled, diagnostics };
}

/** A UserError's message without the place it starts with. */
export function messageWithoutPlace(e: UserError): string {
  const prefix = e.place ? `${e.place}: ` : '';
  return prefix && e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
}

function relocate(e: UserError, place: string): UserError {
  return e.place === place ? e : new UserError(messageWithoutPlace(e), place);
}

function placeOfSource(compiled: CompiledNotebook, file: string, name: string): string {
  const cell = compiled.cells.find((c) => c.kind === 'source' && c.name === name);
  return cell ? placeOf(file, cell) : file;
}

/**
 * Each source's key and time columns. The compiled notebook does not carry them (yet), so they
 * are read from the parsed definitions, the DSL's public parse API.
 */
function sourceModels(text: string): Map<string, SourceModel> {
  const out = new Map<string, SourceModel>();
  for (const { node } of parseDefinitions(text).statements) {
    if (node.kind === 'source' && node.key && node.time) out.set(node.name.text, { name: node.name.text, key: node.key.text, time: node.time.text });
  }
  return out;
}

function schemaKey(s: SourceRequest, version: string): string {
  return `${s.scan}\n${version}`;
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}
