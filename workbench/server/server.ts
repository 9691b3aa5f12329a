import { stat, realpath } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { UserError } from '../../engine/index.js';
import { openLakeAccess } from '../../engine/lake-access.js';
import type { LandOptions } from '../../connectors/land/lander.js';
import { authorize, isLoopback, tokenCookieHeader } from './auth.js';
import { baseHeaders, errorResponse, sendJson } from './http.js';
import { defaultUiDir } from './locate.js';
import { handleApi } from './routes.js';
import { startDeliveries } from './activation-deliveries.js';
import { ScheduleService } from './schedules.js';
import { serveStatic } from './static.js';
import { Workbench } from './workbench.js';

/** How to start `kohort serve`. */
export interface ServerOptions {
  /** The folder of notebooks: listed, opened and saved; DuckDB may read it (and the lake) only. */
  workspace: string;
  /**
   * The lake root: a folder, or an HDFS lake (`hdfs://…`, `webhdfs://…`) that queries read through
   * a cache under `<workspace>/.kohort/hdfs/`. Default: `$KOHORT_LAKE`, else `<workspace>/lake`.
   */
  lake?: string;
  /** The address to listen on. Default `127.0.0.1`; any other than loopback needs `token`. */
  host?: string;
  /** The port; 0 picks a free one. Default 4400 (what the UI's Vite dev server proxies to). */
  port?: number;
  /**
   * Access token (16+ characters). Required when `host` is not loopback; when set, every request
   * needs it (`Authorization: Bearer T`, or `?token=T` once, which sets a cookie).
   */
  token?: string;
  /** The UI's build. Default: `dist/workbench-ui/` of the kohort package. */
  uiDir?: string;
  /** Concurrent DuckDB instances (each runs one request at a time). Default 2. */
  poolSize?: number;
  /** Memory for cached results, in bytes. Default 512 MB. */
  cacheBytes?: number;
  /** Each DuckDB's memory limit, e.g. `4GB`. Default: `$KOHORT_MEMORY_LIMIT`, else 60% of RAM over `poolSize`. */
  memoryLimit?: string;
  /** Each DuckDB's threads. Default: `$KOHORT_THREADS`, else every core. */
  threads?: number;
  /** Where unexpected errors (our bugs) are logged, with their stacks. Default: stderr. */
  log?: (line: string) => void;
  /**
   * Run the workspace's pipeline cells in the background (Kafka → lake), default true; `land`
   * overrides lander options (tests: a short consumer-group session timeout).
   */
  pipelines?: boolean | { land?: Partial<LandOptions> };
  /** Run the workspace's schedule cells (default true). */
  schedules?: boolean;
}

/** A running server. */
export interface RunningServer {
  /** `http://host:port`, without the token. */
  url: string;
  /** The access token requests need, when there is one. */
  token?: string;
  /** Stops listening, ends open event streams and running queries, closes DuckDB. */
  close(): Promise<void>;
}

export const defaultPort = 4400;

/**
 * Starts the workbench server: the JSON API under `/api/` and the UI's build everywhere else, from
 * one Node process. Refuses (UserError) a non-loopback host without a token, a workspace that is
 * not a folder, and a port in use.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const loopback = isLoopback(host);
  const token = options.token;
  if (token !== undefined && (token.length < 16 || /\s/.test(token))) {
    throw new UserError('the access token must be at least 16 characters, without spaces');
  }
  if (!loopback && token === undefined) {
    throw new UserError(
      `${host} can be reached from other machines, so the server needs an access token: give one with --token or $KOHORT_TOKEN ` +
        '(or bind 127.0.0.1, the default)',
    );
  }
  const workspace = await realpath(resolve(options.workspace)).catch(() => undefined);
  if (!workspace || !(await stat(workspace)).isDirectory()) throw new UserError('the workspace must be an existing folder', options.workspace);
  // An HDFS lake is queried through its local cache; `lake` is then the cache's folder.
  const lakeAccess = openLakeAccess(options.lake ?? (process.env['KOHORT_LAKE'] || join(workspace, 'lake')), workspace);
  const lake = lakeAccess.root;
  const uiDir = resolve(options.uiDir ?? defaultUiDir());
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));

  const app = new Workbench({
    workspace,
    lake,
    poolSize: options.poolSize ?? 2,
    cacheBytes: options.cacheBytes ?? 512 * 1024 * 1024,
    ...(options.memoryLimit ? { memoryLimit: options.memoryLimit } : {}),
    ...(options.threads ? { threads: options.threads } : {}),
    lakeAccess,
    log,
    ...(options.pipelines !== undefined ? { pipelines: options.pipelines } : {}),
  });
  const schedules =
    options.schedules === false
      ? undefined
      : new ScheduleService({
          workspace,
          lake,
          // Runs open their own sessions: an HDFS lake is synced by its address.
          runLake: lakeAccess.given,
          notebooks: app.notebooks,
          log,
          ...(options.memoryLimit ? { memoryLimit: options.memoryLimit } : {}),
          ...(options.threads ? { threads: options.threads } : {}),
        });

  let port = options.port ?? defaultPort;
  const server = createServer((req, res) => {
    void handle(req, res).catch((e) => {
      // The path only: a query may hold the token.
      log(`kohort serve: ${req.method} ${(req.url ?? '').split('?')[0]}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      if (!res.headersSent) {
        const { status, body } = errorResponse(e);
        sendJson(res, status, body);
      } else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://kohort.invalid');
    } catch {
      return sendJson(res, 400, { error: 'malformed request URL' });
    }
    try {
      const { tokenFromQuery } = authorize(req, url, { ...(token !== undefined ? { token } : {}), port, loopback });
      if (tokenFromQuery && token !== undefined) {
        res.setHeader('Set-Cookie', tokenCookieHeader(token));
        // A page opened with ?token=… is sent on without it, so the token leaves the address bar.
        if (req.method === 'GET' && !url.pathname.startsWith('/api/')) {
          url.searchParams.delete('token');
          res.writeHead(303, { ...baseHeaders, Location: `${url.pathname}${url.search}` });
          res.end();
          return;
        }
      }
      if (url.pathname === '/api' || url.pathname.startsWith('/api/')) await handleApi({ req, res, url, app, ...(schedules ? { schedules } : {}) });
      else await serveStatic(req, res, url, uiDir);
    } catch (e) {
      const { status, body, headers } = errorResponse(e);
      if (status >= 500) log(`kohort serve: ${req.method} ${url.pathname}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendJson(res, status, body, headers);
    }
  }

  await new Promise<void>((done, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') fail(new UserError(`port ${port} is in use: pick another with --port`, `${host}:${port}`));
      else if (e.code === 'EADDRNOTAVAIL') fail(new UserError(`this machine has no address ${host}`, host));
      else if (e.code === 'EACCES') fail(new UserError(`not allowed to listen on port ${port}`, `${host}:${port}`));
      else fail(e);
    });
    server.listen(port, host, () => done());
  }).catch(async (e) => {
    await app.close();
    throw e;
  });
  port = (server.address() as AddressInfo).port;
  app.pipelines?.start();
  // Listening before the schedules start: a missed run they run at once is delivered too.
  const deliveries = startDeliveries(app, schedules?.runner, log);
  await schedules?.start().catch((e) => log(`kohort serve: starting the schedules: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
  const shown = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${shown}:${port}`,
    ...(token !== undefined ? { token } : {}),
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((done) => server.close(() => done()));
        server.closeAllConnections();
        await stopped;
        deliveries.close();
        await schedules?.close();
        await app.close();
      })();
      return closing;
    },
  };
}


