import { StatementType, type DuckDBResult } from '@duckdb/node-api';
import { type CompiledCell, type DefinitionKind } from '../../dsl/index.js';
import { suggest } from '../../dsl/suggest.js';
import { cellError, readTable, sqlIdentifier, UserError, type ResultColumn } from '../../engine/index.js';
import { resultToArrow } from './arrow.js';
import type { DuckDBPool, PooledDuckDB, WantedRelation } from './duckdb-pool.js';
import { HttpError } from './http.js';
import { jsonRows, type JsonValue } from './json-values.js';
import { isSharedScan, placeOf, resultKey, sourceOfCell, sourcesOfCell, wantedRelations, type PreparedNotebook } from './prepared.js';
import { ResultCache, type Computed } from './result-cache.js';

/** A cell's result, as `POST /api/run` sends it. */
export interface RunResult {
  ipc: Uint8Array;
  /** Rows in all; the IPC holds `min(rows, limit)`. */
  rows: number;
  truncated: boolean;
  cached: boolean;
  /** This request's time on the server. */
  millis: number;
  /** The result key (SQL + data); equal keys, equal results. */
  key: string;
}

/** `POST /api/segment-summary`. */
export interface SegmentSummary {
  segment: string;
  source: string;
  /** The customer key column of the source. */
  keyColumn: string;
  size: number;
  /** Every customer of the source (who has an event at or before the as-of time). */
  total: number;
  /** size / total; 0 when there are no customers. */
  share: number;
  /** The first 20 members by key, with the metrics the rule reads (exact JSON values, see json-values.ts). */
  preview: Record<string, JsonValue>[];
  previewColumns: ResultColumn[];
}

/** `POST /api/customer`. */
export interface CustomerView {
  key: string;
  source: string;
  keyColumn: string;
  /** The profile shown (the notebook's first per-customer profile unless named), and its row. */
  profileName: string | null;
  profile: Record<string, JsonValue> | null;
  dailyProfileName: string | null;
  days: Record<string, JsonValue>[];
  /** The latest 50 events at or before the as-of time, newest first. */
  events: Record<string, JsonValue>[];
  columns: { profile: ResultColumn[]; days: ResultColumn[]; events: ResultColumn[] };
}

export interface RunnerOptions {
  /** Result cache budget in bytes. */
  cacheBytes: number;
}

type CachedRun = { ipc: Uint8Array; rows: number; kept: number };

/**
 * Runs cells on the pool: materialises the shared scans a cell reads (kept across requests), runs
 * its SELECT, converts to Arrow, and caches results by (SQL, data version, limit).
 */
export class Runner {
  private readonly runs: ResultCache<CachedRun>;
  private readonly summaries: ResultCache<SegmentSummary>;

  constructor(
    private readonly pool: DuckDBPool,
    options: RunnerOptions,
  ) {
    this.runs = new ResultCache(options.cacheBytes);
    this.summaries = new ResultCache(16 * 1024 * 1024);
  }

  /** Whether a result key (with this limit) is cached now. */
  isCached(key: string, limit?: number): boolean {
    return this.runs.has(runCacheKey(key, limit));
  }

  async run(prepared: PreparedNotebook, name: string, options: { limit?: number; signal: AbortSignal }): Promise<RunResult> {
    const start = performance.now();
    const cell = runnable(prepared, name);
    const key = resultKey(prepared, cell)!;
    const { value, cached } = await this.runs.get(runCacheKey(key, options.limit), options.signal, (signal) =>
      this.pool.use(
        async (db): Promise<Computed<CachedRun>> => {
          await prepareRelations(db, prepared, cell, wantedRelations(prepared, cell.relations ?? [], (n) => isSharedScan(prepared, n)));
          const result = await guarded(db, prepared, cell, () => (cell.kind === 'sql' ? readOnly(db, prepared, cell) : db.connection.stream(cell.select!)));
          // Past the limit, a DSL cell's rows are counted by DuckDB (which then reads no columns);
          // a raw sql cell's by reading on, since running it twice may cost more.
          const countRest = cell.kind === 'sql';
          const arrow = await guarded(db, prepared, cell, () =>
            resultToArrow(result, { ...(options.limit !== undefined ? { limit: options.limit } : {}), stopped: () => signal.aborted, countRest }),
          );
          const rows =
            arrow.rows ??
            Number(
              await guarded(db, prepared, cell, async () => (await db.connection.runAndReadAll(`SELECT count(*) FROM (\n${cell.select!}\n)`)).getRows()[0]![0]),
            );
          return { value: { ipc: arrow.ipc, rows, kept: arrow.kept }, bytes: arrow.ipc.byteLength, cacheable: isTracked(cell) };
        },
        { signal, wanted: wantedRelations(prepared, cell.relations ?? [], (n) => isSharedScan(prepared, n)) },
      ),
    );
    return { ipc: value.ipc, rows: value.rows, truncated: value.kept < value.rows, cached, millis: performance.now() - start, key };
  }

  async segmentSummary(prepared: PreparedNotebook, name: string, signal: AbortSignal): Promise<SegmentSummary> {
    const cell = runnable(prepared, name);
    if (cell.kind !== 'segment') throw new HttpError(400, `\`${name}\` is ${article(cell.kind)}, not a segment`);
    const source = sourceOfCell(prepared, cell, 'metrics');
    const model = source === undefined ? undefined : prepared.sources.get(source);
    if (!source || !model) throw new UserError(`segment \`${name}\`: cannot tell which source it belongs to`, placeOf(prepared.file, cell));
    const wanted = wantedRelations(prepared, cell.relations ?? [], (n) => isSharedScan(prepared, n));
    const { value } = await this.summaries.get(resultKey(prepared, cell)!, signal, (inner) =>
      this.pool.use(
        async (db): Promise<Computed<SegmentSummary>> => {
          await prepareRelations(db, prepared, cell, wanted);
          const select = cell.select!;
          const counts = await guarded(db, prepared, cell, async () =>
            (
              await db.connection.runAndReadAll(
                `SELECT (SELECT count(*) FROM (\n${select}\n)) AS size, (SELECT count(*) FROM ${sqlIdentifier(`${source}__metrics`)}) AS total`,
              )
            ).getRows()[0]!,
          );
          const preview = await guarded(db, prepared, cell, async () =>
            readTable(await db.connection.stream(`SELECT * FROM (\n${select}\n) ORDER BY ${sqlIdentifier(model.key)} LIMIT 20`)),
          );
          const size = Number(counts[0]);
          const total = Number(counts[1]);
          const summary: SegmentSummary = {
            segment: name,
            source,
            keyColumn: model.key,
            size,
            total,
            share: total === 0 ? 0 : size / total,
            preview: jsonRows(preview),
            previewColumns: preview.columns,
          };
          return { value: summary, bytes: JSON.stringify(summary.preview).length + 512, cacheable: true };
        },
        { signal: inner, wanted },
      ),
    );
    return value;
  }

  async customer(
    prepared: PreparedNotebook,
    key: string,
    names: { profile?: string; dailyProfile?: string },
    signal: AbortSignal,
  ): Promise<CustomerView> {
    const profile = names.profile !== undefined ? profileCell(prepared, names.profile, 'metrics') : firstProfile(prepared, 'metrics');
    const profileSource = profile ? sourceOfCell(prepared, profile, 'metrics') : undefined;
    const daily =
      names.dailyProfile !== undefined
        ? profileCell(prepared, names.dailyProfile, 'daily')
        : firstProfile(prepared, 'daily', profileSource);
    const source = profileSource ?? (daily ? sourceOfCell(prepared, daily, 'daily') : undefined) ?? prepared.compiled.cells.find((c) => c.kind === 'source')?.name;
    const model = source === undefined ? undefined : prepared.sources.get(source);
    if (source === undefined || model === undefined) throw new UserError('the notebook defines no source, so there are no customers to show', prepared.file);
    const sourceCell = prepared.compiled.cells.find((c) => c.kind === 'source' && c.name === source)!;
    const sourceError = prepared.sourceErrors.get(source);
    if (sourceError) throw sourceError;
    if (daily && daily.sql !== undefined && sourceOfCell(prepared, daily, 'daily') !== source) {
      throw new HttpError(400, `the daily profile \`${daily.name}\` is of another source than \`${source}\``);
    }
    const keyType = prepared.schemas[source]?.columns.find((c) => c.name === model.key)?.sqlType ?? 'VARCHAR';
    checkKey(key, keyType, model.key);

    // Views, not tables: a filter on one customer goes down into the Parquet scan. A table of
    // all customers already computed by a run is used as it is.
    const wanted = wantedRelations(prepared, [...(profile?.relations ?? []), ...(daily?.relations ?? []), source], () => false);
    return this.pool.use(
      async (db) => {
        await prepareRelations(db, prepared, sourceCell, wanted);
        const k = sqlIdentifier(model.key);
        const match = `${k} = CAST($1 AS ${keyType})`;
        const read = async (cell: CompiledCell, sql: string) =>
          guarded(db, prepared, cell, async () => readTable(await db.connection.stream(sql, [key])));
        const profileTable = profile ? await read(profile, `SELECT * EXCLUDE (${k}) FROM (\n${profile.select}\n) WHERE ${match} LIMIT 1`) : undefined;
        const daysTable = daily ? await read(daily, `SELECT * EXCLUDE (${k}) FROM (\n${daily.select}\n) WHERE ${match} ORDER BY "day"`) : undefined;
        const eventsTable = await read(
          sourceCell,
          `SELECT * FROM ${sqlIdentifier(source)} WHERE ${match} ORDER BY ${sqlIdentifier(model.time)} DESC LIMIT 50`,
        );
        return {
          key,
          source,
          keyColumn: model.key,
          profileName: profile?.name ?? null,
          profile: profileTable ? (jsonRows(profileTable)[0] ?? null) : null,
          dailyProfileName: daily?.name ?? null,
          days: daysTable ? jsonRows(daysTable) : [],
          events: jsonRows(eventsTable),
          columns: { profile: profileTable?.columns ?? [], days: daysTable?.columns ?? [], events: eventsTable.columns },
        };
      },
      { signal, wanted },
    );
  }
}

function runCacheKey(key: string, limit: number | undefined): string {
  return `${key}\n${limit ?? 'all'}`;
}

/**
 * The named definition, ready to run: it exists, it compiled, and the data of its sources could
 * be read. Otherwise a UserError (422) that names the place to look.
 */
export function runnable(prepared: PreparedNotebook, name: string): CompiledCell {
  const cells = prepared.compiled.cells;
  const cell = cells.find((c) => c.name === name);
  if (!cell) {
    const close = suggest(name, cells.map((c) => c.name));
    const hint = close.length ? ` — did you mean \`${close[0]}\`?` : '';
    throw new UserError(`no cell \`${name}\` in ${prepared.file}${hint}`, prepared.file);
  }
  for (const source of sourcesOfCell(prepared, cell)) {
    const e = prepared.sourceErrors.get(source);
    if (e) throw e;
  }
  if (cell.sql === undefined || cell.select === undefined) {
    const error = firstErrorOf(prepared, cell);
    if (error) throw new UserError(`cell \`${name}\` cannot run: ${error.message}`, `${prepared.file}:${error.range.start.line}:${error.range.start.column}`);
    throw new UserError(`cell \`${name}\` has errors (or depends on a definition that has)`, placeOf(prepared.file, cell));
  }
  return cell;
}

/** The first error in the cell or in a definition it depends on. */
function firstErrorOf(prepared: PreparedNotebook, cell: CompiledCell) {
  const byName = new Map(prepared.compiled.cells.map((c) => [c.name, c]));
  const errors = prepared.compiled.diagnostics.filter((d) => d.severity === 'error');
  const seen = new Set<string>();
  const queue = [cell];
  while (queue.length > 0) {
    const c = queue.shift()!;
    if (seen.has(c.name)) continue;
    seen.add(c.name);
    const own = errors.find((d) => d.range.start.offset >= c.range.start.offset && d.range.start.offset < Math.max(c.range.end.offset, c.range.start.offset + 1));
    if (own) return own;
    for (const d of c.dependsOn) {
      const dep = byName.get(d);
      if (dep) queue.push(dep);
    }
  }
  return errors[0];
}

export async function prepareRelations(db: PooledDuckDB, prepared: PreparedNotebook, cell: CompiledCell, wanted: readonly WantedRelation[]): Promise<void> {
  try {
    await db.prepare(wanted, (e, relation) => {
      // The relation of a definition is reported at that definition; shared scans at the cell.
      const owner = prepared.compiled.cells.find((c) => c.name === relation.name) ?? cell;
      throw cellError(e, { name: owner.name, place: placeOf(prepared.file, owner) }, db.db.readable);
    });
  } catch (e) {
    if (!(e instanceof UserError)) await db.reset();
    throw e;
  }
}

/** Runs a DuckDB step of a cell; DuckDB's refusals become the cell's UserError. */
export async function guarded<T>(db: PooledDuckDB, prepared: PreparedNotebook, cell: CompiledCell, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    if (e instanceof UserError || e instanceof HttpError) throw e;
    throw cellError(e, { name: cell.name, place: placeOf(prepared.file, cell) }, db.db.readable);
  }
}

/**
 * A raw sql cell runs only as one read-only statement, as in the engine: DuckDB's parser splits
 * it and the prepared statement's type must be SELECT or EXPLAIN.
 */
async function readOnly(db: PooledDuckDB, prepared: PreparedNotebook, cell: CompiledCell): Promise<DuckDBResult> {
  const place = placeOf(prepared.file, cell);
  const statements = await db.connection.extractStatements(cell.select!);
  if (statements.count !== 1) {
    throw new UserError(`sql cell \`${cell.name}\` holds ${statements.count} statements; a sql cell is one SELECT query`, place);
  }
  const statement = await statements.prepare(0);
  const type = statement.statementType;
  if (type !== StatementType.SELECT && type !== StatementType.EXPLAIN) {
    throw new UserError(
      `sql cell \`${cell.name}\` is a ${StatementType[type] ?? 'non-query'} statement; a sql cell may only read (SELECT, WITH … SELECT, FROM …)`,
      place,
    );
  }
  return statement.stream();
}

/**
 * Whether a cell's result depends only on data kohort versions (its sources). A sql cell with a
 * string literal may name a file of its own (`read_csv('x.csv')`), whose changes kohort cannot
 * see, so its results are not cached.
 */
function isTracked(cell: CompiledCell): boolean {
  return cell.kind !== 'sql' || !cell.select!.includes("'");
}

function profileCell(prepared: PreparedNotebook, name: string, grain: 'metrics' | 'daily'): CompiledCell {
  const cell = runnable(prepared, name);
  if (cell.kind !== 'profile') throw new HttpError(400, `\`${name}\` is ${article(cell.kind)}, not a profile`);
  if (!sourceOfCell(prepared, cell, grain)) {
    throw new HttpError(400, grain === 'daily' ? `\`${name}\` is a profile per customer, not per day` : `\`${name}\` is a profile per day, not per customer`);
  }
  return cell;
}

function firstProfile(prepared: PreparedNotebook, grain: 'metrics' | 'daily', source?: string): CompiledCell | undefined {
  const candidates = prepared.compiled.cells.filter((c) => c.kind === 'profile' && c.sql !== undefined && sourceOfCell(prepared, c, grain) !== undefined);
  return candidates.find((c) => source === undefined || sourceOfCell(prepared, c, grain) === source) ?? (source === undefined ? candidates[0] : undefined);
}

const integerTypes = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|INT\d*)$/i;

function checkKey(key: string, sqlType: string, column: string): void {
  if (!/^[A-Za-z0-9_(), ]+$/.test(sqlType)) throw new HttpError(400, `customers keyed by ${sqlType} cannot be looked up`);
  if (integerTypes.test(sqlType) && !/^-?\d{1,40}$/.test(key)) throw new HttpError(400, `\`${key}\` is not a customer key: \`${column}\` is ${sqlType}`);
}

function article(kind: DefinitionKind): string {
  return `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}`;
}
