import type { CompiledNotebook, SchemaCatalog } from '../../../dsl/index.js';
import type { PipelinesReport } from '../../server/pipelines-status.js';
import type { RunSummary, ScheduleView } from '../../server/schedules-api.js';
import type { RunRecord } from '../../../engine/runs/run-record.js';
import type { DeliverySummary } from '../../../engine/activation/delivery-summary.js';
import type { SegmentPreview } from '../../server/segment-preview-api.js';
export type { DeliverySummary, SegmentPreview };

/** A notebook in the workspace list. */
export interface NotebookEntry {
  /** Workspace-relative path, e.g. `ecommerce/customers.kohort`. */
  path: string;
  title: string;
  /** Last modification, ISO 8601 (or epoch ms). */
  modified: string | number;
}

export interface NotebookFile {
  path: string;
  text: string;
  /** Opaque; sent back as `baseVersion` when saving so the server can refuse a stale write. */
  version: string;
}

/** A run's table, as Arrow IPC stream bytes, with what the server said about it. */
export interface RunResult {
  ipc: Uint8Array;
  rows: number;
  truncated: boolean;
  cached: boolean;
  millis: number;
  /** Bytes received (the transfer size). */
  bytes: number;
}

export interface SegmentSummary {
  /** The customer key column of the segment's source. */
  keyColumn?: string;
  size: number;
  total: number;
  share: number;
  /** A few members, as rows of the segment's table. */
  preview: Record<string, unknown>[];
}

/** A segment export to save: the file, its name, and its metadata (`X-Kohort-Export`). */
export interface SegmentExport {
  blob: Blob;
  filename: string;
  meta: Record<string, unknown>;
}

export interface CustomerView {
  key: string;
  keyColumn?: string;
  /** The profiles the server read (it picks the first ones when none is named). */
  profileName?: string | null;
  dailyProfileName?: string | null;
  /** Metric name → value for this customer (ids beyond 2^53 as strings); null for an unknown key. */
  profile: Record<string, unknown> | null;
  /** The daily profile's rows for this customer, oldest first. */
  days: Record<string, unknown>[];
  /** Their latest events, newest first. */
  events: Record<string, unknown>[];
}

/** A segment's size after one run (`GET /api/segments/size-history`). */
export interface SegmentSizePoint {
  runId: string;
  /** The run's as-of time. */
  asOf: string;
  members: number;
  joined: number;
  left: number;
}

/** A refusal or failure from the server, with its HTTP status and the place it names. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly place?: string,
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The 409 of a save over a file that changed on disk: what is there now. */
export class ConflictError extends ApiError {
  constructor(
    message: string,
    readonly current: NotebookFile,
  ) {
    super(409, message);
    this.name = 'ConflictError';
  }
}

type Json = Record<string, unknown>;

/**
 * The workbench server's HTTP API, typed. Every method throws `ApiError` (or `ConflictError`)
 * with the server's message; an aborted signal rejects with the signal's reason.
 */
export class ApiClient {
  constructor(
    /** Where the API lives; same origin by default. */
    readonly base = '',
  ) {}

  private url(path: string, query?: Record<string, string>): string {
    const q = query ? `?${new URLSearchParams(query).toString()}` : '';
    return `${this.base}${path}${q}`;
  }

  private async send(method: string, path: string, options: { query?: Record<string, string>; body?: unknown; signal?: AbortSignal } = {}): Promise<Response> {
    const init: RequestInit = { method, credentials: 'same-origin' };
    if (options.body !== undefined) {
      init.body = JSON.stringify(options.body);
      init.headers = { 'Content-Type': 'application/json' };
    }
    if (options.signal) init.signal = options.signal;
    const res = await fetch(this.url(path, options.query), init);
    if (!res.ok) throw await this.error(res);
    return res;
  }

  private async error(res: Response): Promise<ApiError> {
    let body: Json = {};
    try {
      body = (await res.json()) as Json;
    } catch {
      /* not JSON: keep the status text */
    }
    const message = typeof body['error'] === 'string' ? body['error'] : `${res.status} ${res.statusText}`;
    if (res.status === 409 && body['current'] && typeof body['current'] === 'object') {
      const current = body['current'] as { text?: string; version?: string };
      return new ConflictError(message, { path: '', text: current.text ?? '', version: current.version ?? '' });
    }
    return new ApiError(res.status, message, typeof body['place'] === 'string' ? body['place'] : undefined, body);
  }

  private async json<T>(method: string, path: string, options: { query?: Record<string, string>; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
    const res = await this.send(method, path, options);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  listNotebooks(signal?: AbortSignal): Promise<NotebookEntry[]> {
    return this.json('GET', '/api/notebooks', signal ? { signal } : {});
  }

  async readNotebook(path: string, signal?: AbortSignal): Promise<NotebookFile> {
    const file = await this.json<NotebookFile>('GET', '/api/notebooks/file', { query: { path }, ...(signal ? { signal } : {}) });
    return { ...file, path: file.path ?? path };
  }

  /** Saves `text` over `baseVersion`; a `ConflictError` when the file changed on disk since. */
  async saveNotebook(path: string, text: string, baseVersion: string): Promise<{ version: string }> {
    try {
      return await this.json('PUT', '/api/notebooks/file', { query: { path }, body: { text, baseVersion } });
    } catch (e) {
      if (e instanceof ConflictError) throw new ConflictError(e.message, { ...e.current, path });
      throw e;
    }
  }

  createNotebook(path: string, text?: string): Promise<{ path?: string; version?: string }> {
    return this.json('POST', '/api/notebooks', { body: text === undefined ? { path } : { path, text } });
  }

  renameNotebook(from: string, to: string): Promise<{ path?: string }> {
    return this.json('POST', '/api/notebooks/rename', { body: { from, to } });
  }

  async deleteNotebook(path: string): Promise<void> {
    await this.send('DELETE', '/api/notebooks/file', { query: { path } });
  }

  schemas(path: string, signal?: AbortSignal): Promise<SchemaCatalog> {
    return this.json('GET', '/api/schemas', { query: { path }, ...(signal ? { signal } : {}) });
  }

  compile(path: string, text: string, signal?: AbortSignal): Promise<CompiledNotebook> {
    return this.json('POST', '/api/compile', { body: { path, text }, ...(signal ? { signal } : {}) });
  }

  /** Runs one definition; abort `signal` to cancel it on the server too. */
  async run(request: { path: string; text: string; cell: string; limit?: number }, signal?: AbortSignal): Promise<RunResult> {
    const res = await this.send('POST', '/api/run', { body: request, ...(signal ? { signal } : {}) });
    const ipc = new Uint8Array(await res.arrayBuffer());
    const header = (name: string) => res.headers.get(name);
    return {
      ipc,
      rows: Number(header('X-Kohort-Rows') ?? NaN),
      truncated: header('X-Kohort-Truncated') === 'true' || header('X-Kohort-Truncated') === '1',
      cached: header('X-Kohort-Cached') === 'true' || header('X-Kohort-Cached') === '1',
      millis: Number(header('X-Kohort-Millis') ?? NaN),
      bytes: ipc.byteLength,
    };
  }

  segmentSummary(request: { path: string; text: string; cell: string }, signal?: AbortSignal): Promise<SegmentSummary> {
    return this.json('POST', '/api/segment-summary', { body: request, ...(signal ? { signal } : {}) });
  }

  customer(request: { path: string; text: string; key: string; profile?: string; dailyProfile?: string }, signal?: AbortSignal): Promise<CustomerView> {
    return this.json('POST', '/api/customer', { body: request, ...(signal ? { signal } : {}) });
  }

  /** The pipelines the server runs in the background, and the lake queries read. */
  pipelines(signal?: AbortSignal): Promise<PipelinesReport> {
    return this.json('GET', '/api/pipelines', signal ? { signal } : {});
  }

  /** Counts a segment of (possibly unsaved) text; abort `signal` to cancel the query on the server. */
  segmentPreview(request: { path: string; text: string; cell: string; overlapWith?: string }, signal?: AbortSignal): Promise<SegmentPreview> {
    return this.json('POST', '/api/segment-preview', { body: request, ...(signal ? { signal } : {}) });
  }

  /** A segment's members as a file (csv, parquet or json) with its metadata. */
  async exportSegment(request: { path: string; text: string; cell: string; format: 'csv' | 'parquet' | 'json' }, signal?: AbortSignal): Promise<SegmentExport> {
    const res = await this.send('POST', '/api/export', { body: request, ...(signal ? { signal } : {}) });
    const filename = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') ?? '')?.[1] ?? `${request.cell}.${request.format}`;
    const meta = JSON.parse(decodeURIComponent(res.headers.get('X-Kohort-Export') ?? '%7B%7D')) as Record<string, unknown>;
    return { blob: await res.blob(), filename, meta };
  }

  /** The webhook delivery log of a notebook, newest run first. */
  async deliveries(path: string, signal?: AbortSignal): Promise<DeliverySummary[]> {
    const body = await this.json<{ deliveries: DeliverySummary[] }>('GET', '/api/deliveries', { query: { path }, ...(signal ? { signal } : {}) });
    return body.deliveries;
  }

  /** The schedule cells of a notebook that the server runs, with their next run. */
  async schedules(path: string, signal?: AbortSignal): Promise<ScheduleView[]> {
    const body = await this.json<{ schedules: ScheduleView[] }>('GET', '/api/schedules', { query: { path }, ...(signal ? { signal } : {}) });
    return body.schedules;
  }

  /** A notebook's recorded runs, newest first. */
  async runs(path: string, limit: number, signal?: AbortSignal): Promise<RunSummary[]> {
    const body = await this.json<{ runs: RunSummary[] }>('GET', '/api/runs', { query: { path, limit: String(limit) }, ...(signal ? { signal } : {}) });
    return body.runs;
  }

  /** One run's record: its per-cell log, errors with their place, the files it read. */
  runRecord(path: string, id: string, signal?: AbortSignal): Promise<RunRecord> {
    return this.json('GET', '/api/runs/record', { query: { path, id }, ...(signal ? { signal } : {}) });
  }

  /** Queues a run of a schedule's refresh (of the whole notebook without one); it shows up in `runs`. */
  async runNow(path: string, schedule?: string): Promise<void> {
    await this.json('POST', '/api/runs', { body: schedule === undefined ? { path } : { path, schedule } });
  }

  /** A segment's size after each run, oldest first, with who joined and left; none before its first run. */
  async segmentSizeHistory(path: string, segment: string, signal?: AbortSignal): Promise<SegmentSizePoint[]> {
    try {
      const body = await this.json<{ runs: SegmentSizePoint[] }>('GET', '/api/segments/size-history', {
        query: { path, segment },
        ...(signal ? { signal } : {}),
      });
      return body.runs;
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return [];
      throw e;
    }
  }

  /** Server-sent events for edits of `path` after `version`; returns a function that stops watching. */
  watch(path: string, version: string, on: { changed(version: string): void; deleted?(): void }): () => void {
    const source = new EventSource(this.url('/api/notebooks/watch', version ? { path, version } : { path }), { withCredentials: true });
    source.addEventListener('changed', (e) => {
      try {
        const data = JSON.parse((e as MessageEvent<string>).data) as { version?: string };
        if (data.version) on.changed(data.version);
      } catch {
        /* a malformed event is ignored; the next one carries the version again */
      }
    });
    source.addEventListener('deleted', () => on.deleted?.());
    return () => source.close();
  }
}
