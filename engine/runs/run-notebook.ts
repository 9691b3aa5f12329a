import type { CompiledCell } from '../../dsl/compiled.js';
import { NotebookSession } from '../session.js';
import { isUserError } from '../user-error.js';
import { readDataVersion } from './data-version.js';
import type { RunHistory } from './history.js';
import { historyKinds, refreshPlan } from './plan.js';
import type { CellLog, DataVersion, RunError, SegmentLog } from './run-record.js';

/** One attempt at running a notebook's refresh. */
export interface AttemptRequest {
  /** The notebook's path. */
  file: string;
  /** Its text, read once for every attempt of a run. */
  text: string;
  lake?: string;
  workspace?: string;
  memoryLimit?: string;
  threads?: number;
  /** The cells to refresh (empty: the whole notebook). */
  refresh: readonly string[];
  /** Sources whose files the record lists even if the refresh does not read them (a data trigger's). */
  watched?: readonly string[];
  /** `file:line:col` of the schedule cell, where a bad `refresh` name is reported. */
  schedulePlace?: string;
  /** Compute at this instant (a rerun) instead of the notebook's own as-of time. */
  asOf?: string;
  notebook: string;
  runId: string;
  history: RunHistory;
  /** Called whenever the log changes, so the record shows the run's progress. */
  progress?: (state: AttemptState) => Promise<void>;
}

/** Where an attempt stands; at its end, its outcome. */
export interface AttemptState {
  status: 'running' | 'succeeded' | 'failed';
  asOf: string | null;
  dataVersion?: DataVersion;
  cells: CellLog[];
  segments: SegmentLog[];
  error?: RunError;
}

/**
 * Runs a notebook's refresh once: opens it over its data, pins the as-of time (so every cell
 * computes at the same instant, and a rerun can repeat it), lists the files it reads, runs the
 * query, plot and sql cells, then hands the profile and segment cells to the history writer,
 * which publishes their snapshots only if all of it succeeded. Never throws for a user's
 * mistake: a failure is the outcome's `error`, with its cell and place.
 */
export async function runAttempt(request: AttemptRequest): Promise<AttemptState> {
  const state: AttemptState = { status: 'running', asOf: null, cells: [], segments: [] };
  const report = async () => {
    await request.progress?.(structuredClone(state));
  };
  let session: NotebookSession | undefined;
  const open = (asOf?: string) =>
    NotebookSession.open({
      file: request.file,
      text: request.text,
      ...(request.lake !== undefined ? { lake: request.lake } : {}),
      ...(request.workspace !== undefined ? { workspace: request.workspace } : {}),
      ...(request.memoryLimit !== undefined ? { memoryLimit: request.memoryLimit } : {}),
      ...(request.threads !== undefined ? { threads: request.threads } : {}),
      ...(asOf !== undefined ? { asOf } : {}),
    });
  try {
    session = await open(request.asOf);
    // A run killed while staging left files nobody will publish; this run holds the notebook's lock.
    await request.history.discardUnpublished(session.lake);
    const problem = firstError(session, request.file);
    if (problem) return fail(state, problem);
    const plan = refreshPlan(session.compiled, request.refresh, request.schedulePlace);
    state.cells = plan.cells.map((c) => ({ name: c.name, kind: c.kind, status: 'pending' }));
    state.dataVersion = await readDataVersion(session.lake, session.compiled.sources.filter((s) => plan.reads.has(s.name) || request.watched?.includes(s.name)));
    state.asOf = await session.asOf();
    if (request.asOf === undefined && state.asOf !== null) {
      // `as of latest` moves when data lands: pin it, so every cell (and a rerun) sees one instant.
      session.close();
      session = undefined;
      session = await open(state.asOf);
      const pinned = firstError(session, request.file);
      if (pinned) return fail(state, pinned);
    }
    await report();

    const tables = plan.cells.filter((c) => !historyKinds.has(c.kind));
    const kept = plan.cells.filter((c) => historyKinds.has(c.kind));
    if (tables.length > 0) {
      let current = tables[0]!;
      try {
        log(state, current).status = 'running';
        await report();
        let i = 0;
        for await (const result of session.runEach(tables.map((c) => c.name), { limit: 0 })) {
          Object.assign(log(state, current), { status: 'succeeded', rows: result.table.rowCount, seconds: round(result.seconds) });
          current = tables[++i] ?? current;
          if (i < tables.length) log(state, current).status = 'running';
          await report();
        }
      } catch (e) {
        return failCell(state, current, e, request.file);
      }
    }
    if (kept.length > 0 && state.asOf === null) {
      return fail(state, { message: 'the sources hold no events, so there is no as-of time to keep the profiles and segments at' });
    }
    if (kept.length > 0) {
      for (const c of kept) log(state, c).status = 'running';
      await report();
      try {
        const history = await request.history.writeRunHistory(
          session,
          kept.map((c) => c.name),
          { notebook: request.notebook, runId: request.runId, asOf: state.asOf! },
        );
        for (const written of history.cells) {
          const entry = state.cells.find((l) => l.name === written.name);
          if (!entry) continue;
          Object.assign(entry, { status: 'succeeded', rows: written.rows, seconds: round(written.seconds), path: written.path });
          if (written.recomputedDays) entry.recomputedDays = written.recomputedDays;
          if (written.skipped === 'past') entry.note = 'days kept: the run is as of a time before them';
          else if (written.full) entry.note = 'every day rebuilt (a first run, a changed definition, or a source outside the lake)';
        }
        state.segments = history.segments;
        for (const c of kept) if (log(state, c).status === 'running') log(state, c).status = 'succeeded';
      } catch (e) {
        const cell = cellAt(kept, e) ?? kept[0]!;
        for (const c of kept) if (c !== cell && log(state, c).status === 'running') log(state, c).status = 'pending';
        return failCell(state, cell, e, request.file);
      }
    }
    state.status = 'succeeded';
    return state;
  } catch (e) {
    return fail(state, errorOf(e));
  } finally {
    session?.close();
  }
}

/** The notebook's first error as a run error, with its place and the cell it sits in. */
function firstError(session: NotebookSession, file: string): RunError | undefined {
  const problem = session.diagnostics.find((d) => d.severity === 'error');
  if (!problem) return undefined;
  const at = problem.range.start.offset;
  const cell = session.compiled.cells.find((c) => c.range.start.offset <= at && at <= c.range.end.offset);
  return { message: `${problem.code}: ${problem.message}`, ...placeFields(`${file}:${problem.range.start.line}:${problem.range.start.column}`), ...(cell ? { cell: cell.name } : {}) };
}

function log(state: AttemptState, cell: CompiledCell): CellLog {
  return state.cells.find((l) => l.name === cell.name)!;
}

function fail(state: AttemptState, error: RunError): AttemptState {
  for (const c of state.cells) if (c.status === 'running') c.status = 'failed';
  return { ...state, status: 'failed', error };
}

function failCell(state: AttemptState, cell: CompiledCell, e: unknown, file: string): AttemptState {
  const error: RunError = { ...errorOf(e), cell: cell.name };
  if (error.place === undefined) Object.assign(error, placeFields(`${file}:${cell.range.start.line}:${cell.range.start.column}`));
  const entry = log(state, cell);
  entry.status = 'failed';
  entry.error = error;
  return fail(state, error);
}

/** A failure as the record keeps it: a UserError's message and place; a bug's message, marked as one. */
export function errorOf(e: unknown): RunError {
  if (isUserError(e)) {
    const prefix = e.place ? `${e.place}: ` : '';
    const message = prefix && e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
    return { message, ...(e.place ? placeFields(e.place) : {}) };
  }
  return { message: `internal error: ${e instanceof Error ? e.message : String(e)}` };
}

/** `place`, and its line and column when it is `file:line:col`. */
function placeFields(place: string): Pick<RunError, 'place' | 'line' | 'column'> {
  const m = /:(\d+):(\d+)$/.exec(place);
  return m ? { place, line: Number(m[1]), column: Number(m[2]) } : { place };
}

/** The cell whose definition holds the line an error's place names, among `cells`. */
function cellAt(cells: readonly CompiledCell[], e: unknown): CompiledCell | undefined {
  const line = isUserError(e) && e.place ? Number(/:(\d+):\d+$/.exec(e.place)?.[1]) : Number.NaN;
  return Number.isNaN(line) ? undefined : cells.find((c) => c.range.start.line <= line && line <= c.range.end.line);
}

const round = (seconds: number) => Math.round(seconds * 1000) / 1000;
