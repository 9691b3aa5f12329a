import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { baseHeaders, HttpError } from './http.js';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves the UI's build: files as they are, `index.html` for client routes (any path that is not
 * a missing asset), and a plain page saying how to build the UI when there is none. Never a file
 * outside `dir`.
 */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, url: URL, dir: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'the workbench UI is read with GET', {}, { Allow: 'GET, HEAD' });
  const root = await realpath(dir).catch(() => undefined);
  const index = root ? await fileOf(join(root, 'index.html')) : undefined;
  if (!root || !index) return notBuilt(res, dir);

  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    throw new HttpError(400, 'the path is not valid URL encoding');
  }
  if (path.includes('\0')) throw new HttpError(400, 'a path cannot contain a NUL byte');
  const target = resolve(root, `.${path}`);
  if (target !== root && !target.startsWith(root + sep)) throw new HttpError(403, 'outside the workbench UI');
  let file = await fileOf(target);
  if (file) {
    const real = await realpath(target);
    if (!real.startsWith(root + sep)) throw new HttpError(403, 'outside the workbench UI');
  } else {
    // A missing asset is a 404; anything else is a client route (`/notebooks/sales.kohort`).
    const ext = extname(path).toLowerCase();
    if (ext in contentTypes && ext !== '.html') throw new HttpError(404, `no file ${path}`);
    file = index;
  }
  const isIndex = file.path === index.path;
  res.writeHead(200, {
    ...baseHeaders,
    'Content-Type': contentTypes[extname(file.path).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': file.size,
    // Vite names built assets by their content hash: those never change; index.html always may.
    'Cache-Control': isIndex || !/[-.][A-Za-z0-9_-]{8,}\.\w+$/.test(file.path) ? 'no-cache' : 'public, max-age=31536000, immutable',
    ...(isIndex ? { 'Content-Security-Policy': "frame-ancestors 'none'" } : {}),
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await new Promise<void>((done, fail) => {
    const stream = createReadStream(file.path);
    stream.on('error', fail);
    res.on('close', () => {
      stream.destroy();
      done();
    });
    stream.pipe(res);
  });
}

async function fileOf(path: string): Promise<{ path: string; size: number } | undefined> {
  const info = await stat(path).catch(() => undefined);
  return info?.isFile() ? { path, size: info.size } : undefined;
}

function notBuilt(res: ServerResponse, dir: string): void {
  const html = `<!doctype html>
<meta charset="utf-8">
<title>kohort — the workbench UI is not built</title>
<body style="font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem">
<h1>The workbench UI is not built</h1>
<p>kohort's server is running, but there is no UI to serve: <code>${escapeHtml(dir)}</code> has no <code>index.html</code>.</p>
<p>Build the UI (its Vite build writes to that folder), then reload this page.</p>
<p>The API is up: <a href="/api/health">/api/health</a>, described by <a href="/api/openapi.json">/api/openapi.json</a>.</p>
</body>
`;
  res.writeHead(503, { ...baseHeaders, 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(html), 'Cache-Control': 'no-store' });
  res.end(html);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
