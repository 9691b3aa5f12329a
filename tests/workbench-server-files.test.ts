import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { routes } from '../workbench/server/routes.js';
import { startServer, type RunningServer } from '../workbench/server/index.js';

// Notebooks, their files and the server's defences. No lake needed: nothing here runs DuckDB.

let root: string;
let workspace: string;
let outside: string;
let server: RunningServer;

const notebook = (title: string) => `--- markdown\n# ${title}\n\n--- kohort\nsource events = lake "events" key user_id time event_time\n`;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kohort-serve-files-'));
  workspace = join(root, 'workspace');
  outside = join(root, 'outside');
  mkdirSync(join(workspace, 'sales'), { recursive: true });
  mkdirSync(join(workspace, '.kohort'), { recursive: true });
  mkdirSync(join(workspace, 'node_modules', 'x'), { recursive: true });
  mkdirSync(join(workspace, '.git'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(workspace, 'customers.kohort'), notebook('Customers'));
  writeFileSync(join(workspace, 'sales', 'funnel.kohort'), '--- kohort\nsource events = lake "events" key user_id time event_time\n');
  writeFileSync(join(workspace, '.kohort', 'hidden.kohort'), notebook('Hidden'));
  writeFileSync(join(workspace, '.git', 'x.kohort'), notebook('Git'));
  writeFileSync(join(workspace, 'node_modules', 'x', 'dep.kohort'), notebook('Dep'));
  writeFileSync(join(workspace, 'notes.txt'), 'not a notebook');
  writeFileSync(join(outside, 'secret.kohort'), notebook('Secret'));
  symlinkSync(join(outside, 'secret.kohort'), join(workspace, 'escape.kohort'));
  symlinkSync(outside, join(workspace, 'linked'));
  server = await startServer({ workspace, port: 0, uiDir: join(root, 'no-ui'), log: () => {} });
});

afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

async function api(path: string, init: RequestInit = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(server.url + path, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body, headers: res.headers };
}

function send(method: string, path: string, body: unknown) {
  return api(path, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

const file = (p: string) => `/api/notebooks/file?path=${encodeURIComponent(p)}`;

/** A raw request, for headers fetch will not let us set (Host, Origin). */
function rawRequest(path: string, options: { method?: string; headers?: Record<string, string>; body?: string; url?: string }): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  const url = new URL(options.url ?? server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: url.port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('health and the API description', () => {
  test('health answers ok and the version', async () => {
    const { status, body } = await api('/api/health');
    expect(status).toBe(200);
    expect(body).toEqual({ ok: true, version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });

  test('the OpenAPI document describes every route, and only those', async () => {
    const { status, body } = await api('/api/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toMatch(/^3\./);
    const documented = Object.entries(body.paths as Record<string, object>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(documented.sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
  });

  test('unknown endpoints are 404 and wrong methods 405, as JSON', async () => {
    expect((await api('/api/nope')).status).toBe(404);
    const wrong = await api('/api/health', { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
    expect(wrong.body).toEqual({ error: expect.any(String) });
  });

  test('bodies must be JSON objects', async () => {
    const notJson = await api('/api/notebooks', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{' });
    expect(notJson.status).toBe(400);
    const plain = await api('/api/notebooks', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{}' });
    expect(plain.status).toBe(415);
    const missing = await send('POST', '/api/notebooks', { text: 'x' });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatch(/path/);
  });
});

describe('notebooks', () => {
  test('the list holds .kohort files, recursively, without hidden folders, node_modules or symlinks', async () => {
    const { status, body } = await api('/api/notebooks');
    expect(status).toBe(200);
    expect(body).toEqual([
      { path: 'customers.kohort', title: 'Customers', modified: expect.any(String) },
      { path: 'sales/funnel.kohort', title: 'funnel', modified: expect.any(String) },
    ]);
    expect(new Date(body[0].modified).getTime()).toBe(statSync(join(workspace, 'customers.kohort')).mtime.getTime());
  });

  test('open gives the text and a version', async () => {
    const { status, body } = await api(file('customers.kohort'));
    expect(status).toBe(200);
    expect(body).toEqual({ path: 'customers.kohort', text: notebook('Customers'), version: expect.any(String) });
    expect((await api(file('missing.kohort'))).status).toBe(404);
  });

  test('save writes atomically, keeps the file mode and leaves no temp file', async () => {
    const path = join(workspace, 'saved.kohort');
    writeFileSync(path, notebook('Before'));
    chmodSync(path, 0o600);
    const opened = (await api(file('saved.kohort'))).body;
    const saved = await send('PUT', file('saved.kohort'), { text: notebook('After'), baseVersion: opened.version });
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({ version: expect.any(String) });
    expect(saved.body.version).not.toBe(opened.version);
    expect(readFileSync(path, 'utf8')).toBe(notebook('After'));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(workspace).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    // The new version is what a fresh open reports, so the next save goes through.
    expect((await api(file('saved.kohort'))).body.version).toBe(saved.body.version);
    expect((await send('PUT', file('saved.kohort'), { text: notebook('Again'), baseVersion: saved.body.version })).status).toBe(200);
  });

  test('an edit made on disk since opening is a 409 with what is on disk, never overwritten', async () => {
    const path = join(workspace, 'conflict.kohort');
    writeFileSync(path, notebook('Mine'));
    const opened = (await api(file('conflict.kohort'))).body;
    writeFileSync(path, notebook('Theirs'));
    const refused = await send('PUT', file('conflict.kohort'), { text: notebook('Mine, edited'), baseVersion: opened.version });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({ error: expect.stringMatching(/changed on disk/), current: { text: notebook('Theirs'), version: expect.any(String) } });
    expect(readFileSync(path, 'utf8')).toBe(notebook('Theirs'));
    // Keeping mine anyway: save against the version on disk now.
    const kept = await send('PUT', file('conflict.kohort'), { text: notebook('Mine, edited'), baseVersion: refused.body.current.version });
    expect(kept.status).toBe(200);
    expect(readFileSync(path, 'utf8')).toBe(notebook('Mine, edited'));
  });

  test('touching a file is not a conflict; deleting it is', async () => {
    const path = join(workspace, 'touched.kohort');
    writeFileSync(path, notebook('Touched'));
    const opened = (await api(file('touched.kohort'))).body;
    utimesSync(path, new Date(), new Date(Date.now() + 5_000));
    const saved = await send('PUT', file('touched.kohort'), { text: notebook('Touched, edited'), baseVersion: opened.version });
    expect(saved.status).toBe(200);
    rmSync(path);
    const gone = await send('PUT', file('touched.kohort'), { text: 'x', baseVersion: saved.body.version });
    expect(gone.status).toBe(409);
    expect(gone.body.current).toBeNull();
    expect(existsSync(path)).toBe(false);
  });

  test('create, rename and delete', async () => {
    const created = await send('POST', '/api/notebooks', { path: 'new/first.kohort', text: notebook('First') });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ path: 'new/first.kohort', version: expect.any(String) });
    expect(readFileSync(join(workspace, 'new', 'first.kohort'), 'utf8')).toBe(notebook('First'));
    expect((await send('POST', '/api/notebooks', { path: 'new/first.kohort', text: 'other' })).status).toBe(409);
    expect(readFileSync(join(workspace, 'new', 'first.kohort'), 'utf8')).toBe(notebook('First'));

    const starter = await send('POST', '/api/notebooks', { path: 'new/blank.kohort' });
    expect(starter.status).toBe(201);
    expect(readFileSync(join(workspace, 'new', 'blank.kohort'), 'utf8')).toMatch(/^--- markdown\n# blank\n/);

    expect((await send('POST', '/api/notebooks/rename', { from: 'new/first.kohort', to: 'new/blank.kohort' })).status).toBe(409);
    const renamed = await send('POST', '/api/notebooks/rename', { from: 'new/first.kohort', to: 'moved/renamed.kohort' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({ path: 'moved/renamed.kohort', version: expect.any(String) });
    expect(existsSync(join(workspace, 'new', 'first.kohort'))).toBe(false);
    expect(readFileSync(join(workspace, 'moved', 'renamed.kohort'), 'utf8')).toBe(notebook('First'));
    expect((await send('POST', '/api/notebooks/rename', { from: 'new/first.kohort', to: 'x.kohort' })).status).toBe(404);

    const stale = await api(`${file('moved/renamed.kohort')}&version=${encodeURIComponent(starter.body.version)}`, { method: 'DELETE' });
    expect(stale.status).toBe(409);
    const deleted = await api(file('moved/renamed.kohort'), { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    expect(existsSync(join(workspace, 'moved', 'renamed.kohort'))).toBe(false);
    expect((await api(file('moved/renamed.kohort'), { method: 'DELETE' })).status).toBe(404);
  });
});

describe('paths cannot leave the workspace', () => {
  const refusals: [string, number][] = [
    ['../../etc/passwd', 403],
    ['../outside/secret.kohort', 403],
    ['sales/../../outside/secret.kohort', 403],
    ['/etc/passwd', 400],
    [join(root ?? '/tmp', 'outside', 'secret.kohort'), 400],
    ['escape.kohort', 403], // a symlink to a file outside
    ['linked/secret.kohort', 403], // through a symlinked folder
    ['.kohort/hidden.kohort', 403],
    ['.git/x.kohort', 403],
    ['node_modules/x/dep.kohort', 403],
    ['notes.txt', 400],
    ['customers.kohort\0.txt', 400],
    ['sales\\funnel.kohort', 400],
    ['.kohort', 403],
    ['', 400],
  ];

  test.each(refusals)('open %j → %i', async (path, status) => {
    const res = await api(file(path));
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ error: expect.any(String) });
    expect(JSON.stringify(res.body)).not.toMatch(/Secret|at .*\.ts:\d+/);
  });

  test('percent-encoded dots in the query are decoded once, then refused', async () => {
    expect((await api('/api/notebooks/file?path=%2e%2e%2f%2e%2e%2fetc%2fpasswd')).status).toBe(403);
    expect((await api('/api/notebooks/file?path=%2E%2E/outside/secret.kohort')).status).toBe(403);
    // Encoded twice: the folder is literally named `%2e%2e`, which does not exist.
    expect((await api('/api/notebooks/file?path=%252e%252e%252fsecret.kohort')).status).toBe(404);
    expect((await api('/api/notebooks/file?path=customers.kohort%00')).status).toBe(400);
  });

  test('writes are refused too, and nothing is written outside', async () => {
    const version = (await api(file('customers.kohort'))).body.version;
    expect((await send('PUT', file('../outside/secret.kohort'), { text: 'pwned', baseVersion: version })).status).toBe(403);
    expect((await send('PUT', file('escape.kohort'), { text: 'pwned', baseVersion: version })).status).toBe(403);
    expect((await send('POST', '/api/notebooks', { path: '../outside/new.kohort', text: 'pwned' })).status).toBe(403);
    expect((await send('POST', '/api/notebooks', { path: 'linked/new.kohort', text: 'pwned' })).status).toBe(403);
    expect((await send('POST', '/api/notebooks/rename', { from: 'customers.kohort', to: '../outside/stolen.kohort' })).status).toBe(403);
    expect((await send('POST', '/api/notebooks/rename', { from: 'escape.kohort', to: 'mine.kohort' })).status).toBe(403);
    expect((await api(file('escape.kohort'), { method: 'DELETE' })).status).toBe(403);
    expect((await api(file('linked/secret.kohort'), { method: 'DELETE' })).status).toBe(403);
    expect(readdirSync(outside).sort()).toEqual(['secret.kohort']);
    expect(readFileSync(join(outside, 'secret.kohort'), 'utf8')).toBe(notebook('Secret'));
    expect(existsSync(join(workspace, 'customers.kohort'))).toBe(true);
  });

  test('compile and run requests are held to the same paths', async () => {
    const text = notebook('x');
    expect((await send('POST', '/api/compile', { path: '../outside/secret.kohort', text })).status).toBe(403);
    expect((await send('POST', '/api/run', { path: '/etc/x.kohort', text, cell: 'events' })).status).toBe(400);
    expect((await api('/api/schemas?path=escape.kohort')).status).toBe(403);
    expect((await api('/api/notebooks/watch?path=..%2Foutside%2Fsecret.kohort')).status).toBe(403);
  });
});

describe('watching a notebook', () => {
  /** Reads Server-Sent Events from a streaming fetch. */
  async function watch(path: string) {
    const controller = new AbortController();
    const res = await fetch(`${server.url}/api/notebooks/watch?path=${encodeURIComponent(path)}`, { signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    const queue: { event: string; data: any }[] = [];
    const next = async (timeoutMs = 5_000): Promise<{ event: string; data: any } | undefined> => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = queue.shift();
        if (found) return found;
        const blocks = buffer.split('\n\n');
        buffer = blocks.pop()!;
        for (const block of blocks) {
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) queue.push({ event, data: JSON.parse(data) });
        }
        if (queue.length > 0) continue;
        const left = deadline - Date.now();
        if (left <= 0) return undefined;
        const chunk = await Promise.race([reader.read(), new Promise<undefined>((r) => setTimeout(() => r(undefined), left))]);
        if (!chunk) return undefined;
        if (chunk.done) return undefined;
        buffer += chunk.value;
      }
    };
    return { next, close: () => controller.abort() };
  }

  test('an edit on disk is reported, the server\'s own save is not', async () => {
    const path = join(workspace, 'watched.kohort');
    writeFileSync(path, notebook('Watched'));
    const opened = (await api(file('watched.kohort'))).body;
    const events = await watch('watched.kohort');
    try {
      expect(await events.next()).toEqual({ event: 'ready', data: { version: opened.version } });
      // Our own save: no event. Then someone else's edit: exactly that one.
      const saved = await send('PUT', file('watched.kohort'), { text: notebook('Saved by us'), baseVersion: opened.version });
      expect(saved.status).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
      writeFileSync(path, notebook('Edited elsewhere'));
      const changed = await events.next();
      expect(changed?.event).toBe('changed');
      const now = (await api(file('watched.kohort'))).body;
      expect(now.text).toBe(notebook('Edited elsewhere'));
      expect(changed?.data).toEqual({ version: now.version });
      // The edit is offered, not applied: saving over it with the old base is refused.
      expect((await send('PUT', file('watched.kohort'), { text: 'mine', baseVersion: saved.body.version })).status).toBe(409);
      rmSync(path);
      expect(await events.next()).toEqual({ event: 'deleted', data: {} });
    } finally {
      events.close();
    }
  });

  test('a change between opening and watching is reported at once when the version is given', async () => {
    const path = join(workspace, 'raced.kohort');
    writeFileSync(path, notebook('Raced'));
    const opened = (await api(file('raced.kohort'))).body;
    writeFileSync(path, notebook('Raced, changed'));
    const controller = new AbortController();
    const res = await fetch(`${server.url}/api/notebooks/watch?path=raced.kohort&version=${encodeURIComponent(opened.version)}`, { signal: controller.signal });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const deadline = Date.now() + 5_000;
    while (!text.includes('event: changed') && Date.now() < deadline) text += (await reader.read()).value ?? '';
    controller.abort();
    expect(text).toContain('event: changed');
  });
});

describe('access', () => {
  test('off loopback, the server refuses to start without a token', async () => {
    await expect(startServer({ workspace, host: '0.0.0.0', port: 0 })).rejects.toThrow(/access token/);
    await expect(startServer({ workspace, host: '::', port: 0 })).rejects.toThrow(/access token/);
    await expect(startServer({ workspace, port: 0, token: 'short' })).rejects.toThrow(/at least 16/);
  });

  test('with a token, every request needs it: bearer, cookie, or ?token= once', async () => {
    const token = 'k'.repeat(40);
    const guarded = await startServer({ workspace, port: 0, token, uiDir: join(root, 'no-ui'), log: () => {} });
    try {
      expect(guarded.token).toBe(token);
      const bare = await fetch(`${guarded.url}/api/notebooks`);
      expect(bare.status).toBe(401);
      expect(await bare.json()).toEqual({ error: expect.stringMatching(/token/) });
      expect((await fetch(`${guarded.url}/api/notebooks`, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
      expect((await fetch(`${guarded.url}/api/notebooks`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
      expect((await fetch(`${guarded.url}/api/notebooks?token=${token}`)).status).toBe(200);
      const page = await fetch(`${guarded.url}/some/route?token=${token}`, { redirect: 'manual' });
      expect(page.status).toBe(303);
      expect(page.headers.get('location')).toBe('/some/route');
      const cookie = page.headers.get('set-cookie')!;
      expect(cookie).toMatch(/^kohort_token=k+; Path=\/; HttpOnly; SameSite=Strict/);
      expect((await fetch(`${guarded.url}/api/notebooks`, { headers: { Cookie: cookie.split(';')[0]! } })).status).toBe(200);
      expect((await fetch(`${guarded.url}/api/notebooks`, { headers: { Cookie: 'kohort_token=nope' } })).status).toBe(401);
    } finally {
      await guarded.close();
    }
  });

  test('on loopback, another Host (DNS rebinding) and another Origin are refused', async () => {
    const rebinding = await rawRequest('/api/notebooks', { headers: { Host: 'evil.example:80' } });
    expect(rebinding.status).toBe(403);
    expect(JSON.parse(rebinding.body)).toEqual({ error: expect.stringMatching(/localhost/) });
    const port = new URL(server.url).port;
    expect((await rawRequest('/api/notebooks', { headers: { Host: `localhost:${port}` } })).status).toBe(200);
    const crossSite = await rawRequest('/api/notebooks', {
      method: 'POST',
      headers: { Host: `127.0.0.1:${port}`, Origin: 'http://evil.example', 'Content-Type': 'application/json' },
      body: JSON.stringify({ path: 'evil.kohort', text: 'x' }),
    });
    expect(crossSite.status).toBe(403);
    expect(existsSync(join(workspace, 'evil.kohort'))).toBe(false);
    const sameSite = await rawRequest('/api/notebooks', {
      method: 'POST',
      headers: { Host: `127.0.0.1:${port}`, Origin: `http://127.0.0.1:${port}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ path: 'same-site.kohort', text: 'x' }),
    });
    expect(sameSite.status).toBe(201);
  });
});

describe('the UI', () => {
  test('without a build, the page says so plainly', async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toMatch(/workbench UI is not built/);
  });

  test('with a build: files, index.html for client routes, and nothing outside it', async () => {
    const ui = join(root, 'ui');
    mkdirSync(join(ui, 'assets'), { recursive: true });
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>kohort</title>');
    writeFileSync(join(ui, 'assets', 'main-AbCdEf12.js'), 'console.log(1)');
    writeFileSync(join(root, 'ui-secret.txt'), 'TOP-SECRET-CONTENT');
    symlinkSync(join(root, 'ui-secret.txt'), join(ui, 'leak.txt'));
    const withUi = await startServer({ workspace, port: 0, uiDir: ui, log: () => {} });
    try {
      const index = await fetch(`${withUi.url}/`);
      expect(index.status).toBe(200);
      expect(await index.text()).toContain('<title>kohort</title>');
      expect(index.headers.get('cache-control')).toBe('no-cache');
      const asset = await fetch(`${withUi.url}/assets/main-AbCdEf12.js`);
      expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
      expect(asset.headers.get('cache-control')).toMatch(/immutable/);
      expect(await (await fetch(`${withUi.url}/notebooks/customers.kohort`)).text()).toContain('<title>kohort</title>');
      expect((await fetch(`${withUi.url}/assets/missing.js`)).status).toBe(404);
      // Every kind of answer says no MIME sniffing and no Referer: files, JSON, errors, event streams.
      const watch = new AbortController();
      const answers = [
        index,
        asset,
        await fetch(`${withUi.url}/api/health`),
        await fetch(`${withUi.url}/api/nope`),
        await fetch(`${withUi.url}/api/notebooks/watch?path=customers.kohort`, { signal: watch.signal }),
      ];
      watch.abort();
      for (const res of answers) {
        expect(res.headers.get('x-content-type-options'), res.url).toBe('nosniff');
        expect(res.headers.get('referrer-policy'), res.url).toBe('no-referrer');
      }
      const port = new URL(withUi.url).port;
      for (const path of ['/..%2f..%2fui-secret.txt', '/%2e%2e/ui-secret.txt', '/assets/..%2f..%2fui-secret.txt', '/leak.txt']) {
        const res = await rawRequest(path, { url: withUi.url, headers: { Host: `127.0.0.1:${port}` } });
        expect(res.status, path).toBeGreaterThanOrEqual(400);
        expect(res.body).not.toContain('TOP-SECRET-CONTENT');
      }
    } finally {
      await withUi.close();
    }
  });
});
