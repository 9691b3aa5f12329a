import { dirname } from 'node:path';
import { notebookId } from '../../dsl/index.js';
import { readDeliveryEvents, summarizeDeliveries } from '../../engine/activation/index.js';
import { segmentSizeHistory } from '../../engine/history/index.js';
import { clientGone, HttpError, optionalString, queryParam, readJson, sendJson, stringField } from './http.js';
import type { Route } from './routes.js';
import { sendSegmentExport } from './segment-export.js';
import { segmentPreview } from './segment-preview.js';
import { segmentsApi } from './segments-api.js';

const defaultPage = 100;
const maxPage = 10_000;

/**
 * Activation: membership lookups over the run history (the segments of one customer, a
 * segment's members page by page, its size per run), the editor's live size preview, exports to
 * download, and the webhook delivery log. Described in `openapi.json` with the other routes.
 */
export const activationRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/api/segments/of-customer',
    async handle({ res, url, app }) {
      const api = segmentsApi(app);
      const path = queryParam(url, 'path');
      const key = queryParam(url, 'key');
      const date = url.searchParams.get('date');
      if (date !== null) {
        const notebook = await api.notebookOf(path);
        sendJson(res, 200, { notebook, key, date, segments: await api.segmentsOn(notebook, key, date) });
        return;
      }
      const ready = api.ready(path);
      const notebook = ready?.notebook ?? (await api.notebookOf(path));
      const index = ready?.index ?? (await api.index(notebook));
      sendJson(res, 200, { notebook, key, date: null, segments: index.segmentsOf(key) });
    },
  },
  {
    method: 'GET',
    path: '/api/segments/members',
    async handle({ res, url, app }) {
      const api = segmentsApi(app);
      const notebook = await api.notebookOf(queryParam(url, 'path'));
      const segment = queryParam(url, 'segment');
      const index = await api.index(notebook);
      if (!index.has(segment)) throw new HttpError(404, noHistory(segment, notebook));
      const limitText = url.searchParams.get('limit');
      const limit = limitText === null ? defaultPage : Number(limitText);
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > maxPage) throw new HttpError(400, `\`limit\` must be a whole number from 1 to ${maxPage}`);
      const page = index.members(segment, url.searchParams.get('after') ?? undefined, limit);
      sendJson(res, 200, { notebook, segment, keyColumn: index.keyColumn(segment), size: index.size(segment), ...page });
    },
  },
  {
    method: 'GET',
    path: '/api/segments/size-history',
    async handle({ res, url, app }) {
      const notebook = await segmentsApi(app).notebookOf(queryParam(url, 'path'));
      const segment = queryParam(url, 'segment');
      const runs = await segmentSizeHistory(app.options.lake, notebook, segment);
      if (runs.length === 0) throw new HttpError(404, noHistory(segment, notebook));
      sendJson(res, 200, { notebook, segment, runs });
    },
  },
  {
    method: 'POST',
    path: '/api/segment-preview',
    async handle({ req, res, app }) {
      const body = await readJson(req);
      const signal = clientGone(res);
      const prepared = await app.prepare(stringField(body, 'path'), stringField(body, 'text'), optionalString(body, 'asOf'), signal);
      sendJson(res, 200, await segmentPreview(app, prepared, stringField(body, 'cell'), optionalString(body, 'overlapWith'), signal));
    },
  },
  {
    method: 'POST',
    path: '/api/export',
    async handle({ req, res, app }) {
      const body = await readJson(req);
      const signal = clientGone(res);
      const prepared = await app.prepare(stringField(body, 'path'), stringField(body, 'text'), optionalString(body, 'asOf'), signal);
      await sendSegmentExport(app, prepared, stringField(body, 'cell'), optionalString(body, 'format') ?? 'csv', res, signal);
    },
  },
  {
    method: 'GET',
    path: '/api/deliveries',
    async handle({ res, url, app }) {
      const p = await app.notebooks.resolve(queryParam(url, 'path'), true);
      const notebook = notebookId(p.rel);
      // Deliveries live beside the notebook, as its runs do: `<folder>/.kohort/deliveries/`.
      sendJson(res, 200, { notebook, deliveries: summarizeDeliveries(await readDeliveryEvents(dirname(p.abs), notebook)) });
    },
  },
];

function noHistory(segment: string, notebook: string): string {
  return `segment \`${segment}\` of notebook \`${notebook}\` has no run history yet: runs of a schedule (in \`kohort serve\`, or \`kohort run FILE --schedule NAME\`) record it`;
}
