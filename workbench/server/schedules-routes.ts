import { HttpError, optionalString, queryParam, readJson, sendJson, stringField } from './http.js';
import type { Route, RouteContext } from './routes.js';
import type { ScheduleService } from './schedules.js';

/** The service, or a 503 when the server runs without schedules. */
function service(ctx: RouteContext): ScheduleService {
  if (!ctx.schedules) throw new HttpError(503, 'this server runs without schedules');
  return ctx.schedules;
}

/** The notebook a request names (`?path=` or a body field), checked like every notebook path. */
async function notebookPath(ctx: RouteContext, path: unknown): Promise<string> {
  return (await ctx.app.notebooks.resolve(path, true)).rel;
}

function limitParam(url: URL): number {
  const text = url.searchParams.get('limit');
  if (text === null) return 50;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1 || n > 1000) throw new HttpError(400, '`limit` must be a whole number from 1 to 1000');
  return n;
}

/** Schedules and runs: see `openapi.json`. (A segment's size over runs is `/api/segments/size-history`.) */
export const scheduleRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/api/schedules',
    async handle(ctx) {
      const path = ctx.url.searchParams.get('path');
      const schedules = service(ctx).schedules(path === null ? undefined : await notebookPath(ctx, path));
      sendJson(ctx.res, 200, { schedules, at: new Date().toISOString() });
    },
  },
  {
    method: 'GET',
    path: '/api/runs',
    async handle(ctx) {
      const path = await notebookPath(ctx, queryParam(ctx.url, 'path'));
      sendJson(ctx.res, 200, { runs: await service(ctx).runs(path, limitParam(ctx.url)) });
    },
  },
  {
    method: 'POST',
    path: '/api/runs',
    async handle(ctx) {
      const body = await readJson(ctx.req);
      const path = await notebookPath(ctx, stringField(body, 'path'));
      const schedule = optionalString(body, 'schedule');
      await service(ctx).runNow(path, schedule);
      sendJson(ctx.res, 202, { queued: true, path, ...(schedule !== undefined ? { schedule } : {}) });
    },
  },
  {
    method: 'GET',
    path: '/api/runs/record',
    async handle(ctx) {
      const path = await notebookPath(ctx, queryParam(ctx.url, 'path'));
      sendJson(ctx.res, 200, await service(ctx).run(path, queryParam(ctx.url, 'id')));
    },
  },
];
