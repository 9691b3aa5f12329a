import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dailyDir, type CompiledCell, type Relation, type SourceRequest } from '../../dsl/index.js';
import { sqlIdentifier, sqlString } from '../duckdb.js';
import { cellError } from '../errors.js';
import type { NotebookSession } from '../session.js';
import { UserError } from '../user-error.js';
import { changedPartitions, daysToRecompute, nextState, stampDataset, type DailyState, type PartitionContent, type RefreshInput } from './fingerprint.js';
import { scalarText, type AsOfInstant } from './instant.js';
import { dailyDayDir, dailyStateFile } from './layout.js';
import type { HistoryStage } from './stage.js';

/**
 * A per-day profile kept in the lake, one folder per day (`daily/<notebook>/<cell>/date=D/`),
 * refreshed incrementally: only the days `fingerprint.ts` finds changed are recomputed, by running
 * the cell's compiled SQL with its source's scan restricted to those days (a time-range filter
 * DuckDB pushes into the Parquet scan, so other days' row groups are skipped unread). The dsl is
 * not involved: the cell's relations are re-assembled here with the source relation wrapped.
 *
 * History moves forward only: a run with an as-of earlier than the days were computed at leaves
 * them alone (`skipped: 'past'`). A changed definition (or no state yet) rebuilds every day.
 */

export interface DailyRefresh {
  /** Rows written (the recomputed days' rows). */
  rows: number;
  recomputedDays: string[];
  /** Every day was recomputed: no usable state, a new definition, or a source outside the lake. */
  full: boolean;
  skipped?: 'past';
}

export interface DailyTarget {
  lake: string;
  notebook: string;
  asOf: AsOfInstant;
}

/** Whether a profile or query cell reads a per-day relation: a `profile … per day`. */
export function isDailyProfile(session: NotebookSession, cell: CompiledCell): boolean {
  return cell.kind === 'profile' && (cell.reads ?? []).some((r) => relationOf(session, r)?.kind === 'daily');
}

function relationOf(session: NotebookSession, name: string): Relation | undefined {
  return session.compiled.relations.find((r) => r.name === name);
}

/** Stages the recomputed days of a per-day profile, the removal of days that have no rows any more, and the new state. */
export async function stageDailyRefresh(session: NotebookSession, stage: HistoryStage, cell: CompiledCell, target: DailyTarget): Promise<DailyRefresh> {
  const source = session.compiled.cells.find((c) => c.kind === 'source' && c.name === cell.source);
  const request = session.compiled.sources.find((s) => s.name === cell.source);
  if (!source?.time || !request) throw new Error(`internal error: per-day profile ${cell.name} has no source`);
  const statePath = dailyStateFile(target.lake, target.notebook, cell.name);
  const definition = definitionHash(session, cell, source, request);
  const saved = await readState(statePath);
  const prev = saved && saved.definition === definition && request.location.kind === 'lake' ? saved : undefined;
  if (prev && target.asOf.micros < BigInt(prev.asOfMicros)) return { rows: 0, recomputedDays: [], full: false, skipped: 'past' };

  const connection = session.connection;
  const place = { name: cell.name, place: session.placeOf(cell) };
  // A source outside the lake (a parquet or csv file) has no partitions to compare: always rebuilt.
  const stamps = request.location.kind === 'lake' ? await stampDataset(request.location.path) : new Map();
  const { changed, removed } = changedPartitions(prev, stamps);
  let content: Map<string, PartitionContent>;
  try {
    content = await scanPartitions(session, request.location.path, source.time, changed.map((p) => [p, stamps.get(p)!] as const));
  } catch (e) {
    throw cellError(e, place, [target.lake]);
  }
  const input: RefreshInput = { prev, changed, removed, content, asOf: target.asOf };
  const full = prev === undefined;
  const days = full ? undefined : daysToRecompute(input);

  const staged = stage.path(`daily/${cell.name}`);
  await mkdir(stage.path('daily'), { recursive: true });
  let rows = 0;
  if (days === undefined || days.length > 0) {
    const sql = dailySql(session, cell, source.time, target.asOf, days);
    const select = `SELECT *, ${sqlIdentifier('day')} AS "date"\nFROM (\n${sql}\n)`;
    try {
      await checkColumns(session, cell, sql);
      rows = Number(await scalarText(connection, `COPY (\n${select}\n) TO ${sqlString(staged)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY ("date"), FILENAME_PATTERN 'part-{i}')`));
    } catch (e) {
      if (e instanceof UserError) throw e;
      throw cellError(e, place, [target.lake]);
    }
  }
  const produced = await dayFolders(staged);
  const existing = await dayFolders(dailyDir(target.lake, target.notebook, cell.name));
  // A full rebuild replaces every day there was; an incremental one the days it recomputed.
  const recomputed = days ?? [...new Set([...produced, ...existing])].sort();
  for (const day of recomputed) {
    const finalDir = dailyDayDir(target.lake, target.notebook, cell.name, day);
    const newFiles = produced.includes(day) ? await parquetFiles(join(staged, `date=${day}`)) : [];
    for (const f of newFiles) stage.place(join(staged, `date=${day}`, f), join(finalDir, f));
    for (const f of await parquetFiles(finalDir)) if (!newFiles.includes(f)) stage.remove(join(finalDir, f));
  }
  const state: DailyState = nextState({ ...input, stamps, definition, recomputed, produced });
  const stagedState = stage.path(`daily/${cell.name}.state.json`);
  await writeFile(stagedState, JSON.stringify(state));
  stage.place(stagedState, statePath);
  return { rows, recomputedDays: recomputed, full };
}

/**
 * The cell's SQL with each relation it needs as a CTE; the as-of time is this run's, and the
 * source's events are cut to `days` (all of them when undefined).
 */
function dailySql(session: NotebookSession, cell: CompiledCell, time: string, asOf: AsOfInstant, days: string[] | undefined): string {
  const t = sqlIdentifier(time);
  const ctes = (cell.relations ?? []).map((name) => {
    const relation = relationOf(session, name);
    if (!relation) throw new Error(`internal error: no relation ${name}`);
    let sql = relation.sql;
    if (relation.kind === 'as-of') sql = `SELECT ${asOf.sql} AS ${sqlIdentifier('as_of')}`;
    else if (relation.kind === 'source' && name === cell.source && days) {
      const first = days[0]!;
      const last = days[days.length - 1]!;
      // The range lets DuckDB skip other days' row groups by their statistics; the list is exact.
      sql = `SELECT *\nFROM (\n${sql}\n)\nWHERE ${t} >= CAST(DATE ${sqlString(first)} AS TIMESTAMP) AND ${t} < CAST(DATE ${sqlString(last)} AS TIMESTAMP) + INTERVAL 1 DAY
  AND CAST(${t} AS DATE) IN (${days.map((d) => `DATE ${sqlString(d)}`).join(', ')})`;
    }
    return `${sqlIdentifier(name)} AS (\n${sql}\n)`;
  });
  return ctes.length ? `WITH\n${ctes.join(',\n')}\n${cell.select}` : cell.select!;
}

/** The event days and latest event time of each partition's files, read from their time column only. */
async function scanPartitions(session: NotebookSession, root: string, time: string, partitions: readonly (readonly [string, { name: string }[]])[]): Promise<Map<string, PartitionContent>> {
  const content = new Map<string, PartitionContent>(partitions.map(([p]) => [p, { days: [], maxMicros: null }]));
  const partitionOf = new Map<string, string>();
  for (const [p, files] of partitions) for (const f of files) partitionOf.set(join(root, p, f.name), p);
  if (partitionOf.size === 0) return content;
  const t = sqlIdentifier(time);
  const sql = `SELECT "__kohort_file", CAST(CAST(${t} AS DATE) AS VARCHAR), CAST(epoch_us(max(${t})) AS VARCHAR)
FROM read_parquet([${[...partitionOf.keys()].map(sqlString).join(', ')}], filename = '__kohort_file')
WHERE ${t} IS NOT NULL
GROUP BY 1, 2`;
  for (const [file, day, max] of (await session.connection.runAndReadAll(sql)).getRowsJS()) {
    const c = content.get(partitionOf.get(String(file))!)!;
    if (!c.days.includes(String(day))) c.days.push(String(day));
    if (c.maxMicros === null || BigInt(String(max)) > BigInt(c.maxMicros)) c.maxMicros = String(max);
  }
  for (const c of content.values()) c.days.sort();
  return content;
}

/** What the days depend on besides the data: the cell's SQL and its source's scan, key and time (not the as-of time). */
function definitionHash(session: NotebookSession, cell: CompiledCell, source: CompiledCell, request: SourceRequest): string {
  const relations = (cell.relations ?? []).map((name) => relationOf(session, name)).filter((r) => r && r.kind !== 'as-of' && r.kind !== 'source');
  const parts = [request.scan, source.key, source.time, ...relations.map((r) => r!.sql), cell.select];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** A UserError when the profile has a column named like its day folders. */
async function checkColumns(session: NotebookSession, cell: CompiledCell, sql: string): Promise<void> {
  const names = (await session.connection.runAndReadAll(`SELECT column_name FROM (DESCRIBE ${sql})`)).getRowsJS().map((r) => String(r[0]));
  if (names.includes('date')) {
    throw new UserError(`profile \`${cell.name}\` has a column \`date\`, the name of its day folders in the lake (date=YYYY-MM-DD): rename it`, session.placeOf(cell));
  }
}

async function readState(path: string): Promise<DailyState | undefined> {
  if (!existsSync(path)) return undefined;
  try {
    const state = JSON.parse(await readFile(path, 'utf8')) as DailyState;
    return state.version === 1 ? state : undefined;
  } catch {
    return undefined; // unreadable: rebuilt from scratch
  }
}

/** The days (`YYYY-MM-DD`) of the `date=…` folders in `dir`. */
async function dayFolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory() && /^date=\d{4}-\d{2}-\d{2}$/.test(e.name))
    .map((e) => e.name.slice('date='.length))
    .sort();
}

async function parquetFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && e.name.endsWith('.parquet')).map((e) => e.name).sort();
}
