import type { IncomingMessage, ServerResponse } from 'node:http';
import { activationRoutes } from './activation-routes.js';
import { baseHeaders, clientGone, HttpError, optionalCount, optionalString, queryParam, readJson, sendJson, stringField } from './http.js';
import { openApiDocument, packageVersion } from './locate.js';
import { hashOfVersion } from './notebooks.js';
import type { PipelinesReport } from './pipelines-status.js';
import { resultKey, type PreparedNotebook } from './prepared.js';
import { Cancelled } from './result-cache.js';
import { scheduleRoutes } from './schedules-routes.js';
import type { ScheduleService } from './schedules.js';
import type { Workbench } from './workbench.js';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  app: Workbench;
  /** The schedules `kohort serve` runs (absent when it runs without them). */
  schedules?: ScheduleService;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  handle(ctx: RouteContext): Promise<void>;
}

/** Text a new notebook starts with when the client sends none. */
function starterText(path: string): string {
  const name = path.split('/').pop()!.replace(/\.kohort$/, '');
  return `--- markdown\n# ${name}\n\n--- kohort\n`;
}

/**
 * The JSON API. Every route here is described in `workbench/openapi.json` (a test keeps the two
 * in step). Paths take no parameters; notebooks are named by `?path=` or a body field.
 */
export const routes: readonly Route[] = [
  ...activationRoutes,
  {
    method: 'GET',
    path: '/api/health',
    async handle({ res }) {
      sendJson(res, 200, { ok: true, version: packageVersion() });
    },
  },
  {
    method: 'GET',
    path: '/api/openapi.json',
    async handle({ res }) {
      sendJson(res, 200, openApiDocument());
    },
  },
  {
    method: 'GET',
    path: '/api/notebooks',
    async handle({ res, app }) {
      sendJson(res, 200, await app.notebooks.list());
    },
  },
  {
    method: 'POST',
    path: '/api/notebooks',
    async handle({ req, res, app, schedules }) {
      const body = await readJson(req);
      const path = stringField(body, 'path');
      const text = optionalString(body, 'text') ?? starterText(path);
      sendJson(res, 201, await app.notebooks.create(path, text));
      void app.pipelines?.changed();
      void schedules?.changed();
    },
  },
  {
    method: 'POST',
    path: '/api/notebooks/rename',
    async handle({ req, res, app, schedules }) {
      const body = await readJson(req);
      sendJson(res, 200, await app.notebooks.rename(stringField(body, 'from'), stringField(body, 'to')));
      void app.pipelines?.changed();
      void schedules?.changed();
    },
  },
  {
    method: 'GET',
    path: '/api/notebooks/file',
    async handle({ res, url, app }) {
      sendJson(res, 200, await app.notebooks.read(queryParam(url, 'path')));
    },
  },
  {
    method: 'PUT',
    path: '/api/notebooks/file',
    async handle({ req, res, url, app, schedules }) {
      const body = await readJson(req);
      const saved = await app.notebooks.save(queryParam(url, 'path'), stringField(body, 'text'), stringField(body, 'baseVersion'));
      sendJson(res, 200, { version: saved.version });
      void app.pipelines?.changed();
      void schedules?.changed();
    },
  },
  {
    method: 'DELETE',
    path: '/api/notebooks/file',
    async handle({ res, url, app, schedules }) {
      sendJson(res, 200, await app.notebooks.delete(queryParam(url, 'path'), url.searchParams.get('version') ?? undefined));
      void app.pipelines?.changed();
      void schedules?.changed();
    },
  },
  {
    method: 'GET',
    path: '/api/notebooks/watch',
    async handle({ res, url, app }) {
      const p = await app.notebooks.resolve(queryParam(url, 'path'), true);
      const current = await app.readVersion(p.abs);
      const known = url.searchParams.get('version');
      res.writeHead(200, {
        ...baseHeaders,
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      res.write('retry: 2000\n\n');
      send('ready', { version: current });
      const unsubscribe = app.watcher.subscribe(p.abs, hashOfVersion(known ?? current), (e) =>
        e.kind === 'changed' ? send('changed', { version: e.version }) : send('deleted', {}),
      );
      const ping = setInterval(() => res.write(': ping\n\n'), 20_000);
      await new Promise<void>((done) =>
        res.once('close', () => {
          clearInterval(ping);
          unsubscribe();
          done();
        }),
      );
    },
  },
  {
    method: 'GET',
    path: '/api/schemas',
    async handle({ res, url, app }) {
      const path = queryParam(url, 'path');
      const file = await app.notebooks.read(path);
      const prepared = await app.prepare(path, file.text, undefined, clientGone(res));
      sendJson(res, 200, prepared.schemas);
    },
  },
  {
    method: 'POST',
    path: '/api/schemas',
    async handle({ req, res, app }) {
      const body = await readJson(req);
      const prepared = await app.prepare(stringField(body, 'path'), stringField(body, 'text'), optionalString(body, 'asOf'), clientGone(res));
      sendJson(res, 200, prepared.schemas);
    },
  },
  {
    method: 'POST',
    path: '/api/compile',
    async handle({ req, res, app }) {
      const body = await readJson(req);
      const prepared = await app.prepare(stringField(body, 'path'), stringField(body, 'text'), optionalString(body, 'asOf'), clientGone(res));
      sendJson(res, 200, { ...prepared.compiled, resultKeys: resultKeys(prepared) });
    },
  },
  {
    method: 'POST',
    path: '/api/run',
    async handle({ req, res, app }) {
      const body = await readJson(req);
      const signal = clientGone(res);
      const limit = optionalCount(body, 'limit');
      const prepared = await app.prepare(stringField(body, 'path'), stringField(body, 'text'), optionalString(body, 'asOf'), signal);
      const result = await app.runner.run(prepared, stringField(body, 'cell'), { signal, ...(limit !== undefined ? { limit } : {}) });
      res.writeHead(200, {
        ...baseHeaders,
        'Content-Type': 'application/vnd.apache.arrow.stream',
        'Content-Length': result.ipc.byteLength,
        'Cache-Control': 'no-store',
        'X-Kohort-Rows': String(result.rows),
        'X-Kohort-Truncated': String(result.truncated),
        'X-Kohort-Cached': String(result.cached),
        'X-Kohort-Millis': String(Math.round(result.millis)),
        'X-Kohort-Key': result.key,
      });
      res.end(result.ipc);
    },
  },
  {
    method: 'POST',
    path: '/api/segment-summary',
    async handle({ req, res, app }) {
      const body = await readJson(req);
      const signal = clientGone(res);
      const prepared = await app.prepare(stringField(body, 'path'), stringField(body, 'text'), optionalString(body, 'asOf'), signal);
      sendJson(res, 200, await app.runner.segmentSummary(prepared, stringField(body, 'cell'), signal));
    },
  },
  {
    method: 'POST',
    path: '/api/customer',
    async handle({ req, res, app }) {
      const body = await readJson(req);
      const signal = clientGone(res);
      const prepared = await app.prepare(stringField(body, 'path'), stringField(body, 'text'), optionalString(body, 'asOf'), signal);
      const profile = optionalString(body, 'profile');
      const dailyProfile = optionalString(body, 'dailyProfile');
      const view = await app.runner.customer(
        prepared,
        stringField(body, 'key'),
        { ...(profile !== undefined ? { profile } : {}), ...(dailyProfile !== undefined ? { dailyProfile } : {}) },
        signal,
      );
      sendJson(res, 200, view);
    },
  },
  {
    method: 'GET',
    path: '/api/pipelines',
    async handle({ res, app }) {
      const report: PipelinesReport = { pipelines: app.pipelines?.status() ?? [], lake: app.lakeStatus(), at: new Date().toISOString() };
      sendJson(res, 200, report);
    },
  },
  ...scheduleRoutes,
];

/**
 * Each runnable cell's result key (`X-Kohort-Key` of its run): a shown result whose key differs
 * from the latest compile's is stale, because the cell's SQL or the data under it changed.
 */
function resultKeys(prepared: PreparedNotebook): Record<string, string> {
  const out: Record<string, string> = {};
  for (const cell of prepared.compiled.cells) {
    const key = resultKey(prepared, cell);
    if (key !== undefined) out[cell.name] = key;
  }
  return out;
}

const routesByPath = new Map<string, Route[]>();
for (const route of routes) routesByPath.set(route.path, [...(routesByPath.get(route.path) ?? []), route]);

/** Dispatches an `/api/…` request; a wrong method is a 405 that says which are allowed. */
export async function handleApi(ctx: RouteContext): Promise<void> {
  const matching = routesByPath.get(ctx.url.pathname);
  if (matching === undefined) throw new HttpError(404, `no API endpoint ${ctx.url.pathname}`);
  const route = matching.find((r) => r.method === ctx.req.method);
  if (!route) {
    const allow = matching.map((r) => r.method).join(', ');
    throw new HttpError(405, `${ctx.url.pathname} takes ${allow}`, {}, { Allow: allow });
  }
  try {
    await route.handle(ctx);
  } catch (e) {
    // The client left (an aborted run): there is no one to answer.
    if (e instanceof Cancelled) {
      ctx.res.destroy();
      return;
    }
    throw e;
  }
}
