import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '../../engine/user-error.js';

/**
 * A small WebHDFS client (the REST API of HDFS's NameNode, `/webhdfs/v1/<path>?op=…`).
 *
 * Built on node:http, not fetch: a DataNode answers a CREATE's body with an unasked
 * `100 Continue` before its `201 Created`, which fetch (undici) rejects as a bad response, and
 * fetch cannot re-send a streamed body on a 307. So every data operation is done in the two steps
 * WebHDFS documents: ask the NameNode (`redirect: manual`), then talk to the DataNode it names.
 *
 * Every call retries with exponential backoff while HDFS is unreachable or says it is not ready
 * (connection refused or reset, timeouts, 5xx, safe mode, standby, no DataNode yet), and calls
 * `onRetry` each time so a long-running caller can show that it is waiting and why. A refusal
 * that retrying cannot fix (404, 403, a bad request) fails at once with a `WebHdfsError` naming
 * the operation and the path.
 */
export interface WebHdfsOptions {
  /** The NameNode's HTTP address, e.g. `http://127.0.0.1:9870`. */
  url: string;
  /** `user.name` for simple (non-Kerberos) auth. Default `$HADOOP_USER_NAME`, else `kohort`. */
  user?: string;
  /** Attempts after the first before giving up. Default 8 (about a minute); `Infinity` waits forever. */
  retries?: number;
  /** First backoff; doubled per attempt up to `maxBackoffMs`, with ±25% jitter. Default 250 ms. */
  backoffMs?: number;
  /** Default 8 s. */
  maxBackoffMs?: number;
  /** Per request (connect + headers, and idle time while streaming). Default 30 s. */
  timeoutMs?: number;
  /** Told about every failed attempt that will be retried. */
  onRetry?: (r: WebHdfsRetry) => void;
}

/** A failed attempt about to be retried. */
export interface WebHdfsRetry {
  op: string;
  path: string;
  attempt: number;
  delayMs: number;
  /** Why, e.g. `NameNode 127.0.0.1:9870: connection refused`. */
  reason: string;
}

/** What LISTSTATUS and GETFILESTATUS say about a file or folder. */
export interface HdfsFileStatus {
  /** The entry's name in its folder (empty for GETFILESTATUS of the path itself). */
  pathSuffix: string;
  type: 'FILE' | 'DIRECTORY' | 'SYMLINK';
  length: number;
  /** Milliseconds since the epoch. */
  modificationTime: number;
}

/** A WebHDFS operation that failed for good. `status` is 0 when no HTTP answer came. */
export class WebHdfsError extends UserError {
  constructor(
    message: string,
    readonly op: string,
    readonly path: string,
    readonly status: number,
    /** The Java exception's simple name from a RemoteException, e.g. `FileNotFoundException`. */
    readonly exception?: string,
  ) {
    super(message, `hdfs:${path}`);
  }
}

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** The body of a CREATE: bytes, or a local file (re-read on each attempt). */
export type WebHdfsBody = Buffer | string | { file: string };

const keepAlive = { keepAlive: true, maxSockets: 16 };

export class WebHdfs {
  readonly url: URL;
  private readonly user: string;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly timeoutMs: number;
  private readonly onRetry: ((r: WebHdfsRetry) => void) | undefined;
  private readonly httpAgent = new HttpAgent(keepAlive);
  private readonly httpsAgent = new HttpsAgent(keepAlive);
  /** Aborted by `close()`: a call waiting to retry gives up instead of retrying forever. */
  private readonly closing = new AbortController();

  constructor(options: WebHdfsOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new UserError(`not a WebHDFS address: \`${options.url}\` (expected e.g. http://127.0.0.1:9870)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new UserError(`not a WebHDFS address: \`${options.url}\` (expected http:// or https://)`);
    }
    this.url = url;
    this.user = options.user ?? process.env['HADOOP_USER_NAME'] ?? 'kohort';
    this.retries = options.retries ?? 8;
    this.backoffMs = options.backoffMs ?? 250;
    this.maxBackoffMs = options.maxBackoffMs ?? 8000;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.onRetry = options.onRetry;
  }

  /**
   * Closes idle keep-alive connections (lets the process exit promptly). Calls waiting to retry
   * fail at once with a `WebHdfsError` (status 0).
   */
  close(): void {
    this.closing.abort();
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /** The entries of a folder; `null` when the folder does not exist. */
  async listStatus(path: string): Promise<HdfsFileStatus[] | null> {
    const a = await this.call('GET', 'LISTSTATUS', path, {}, [200, 404]);
    if (a.status === 404) return null;
    const json = parseJson(a.body) as { FileStatuses?: { FileStatus?: HdfsFileStatus[] } };
    return (json.FileStatuses?.FileStatus ?? []).map(statusOf);
  }

  /** The status of a path; `null` when it does not exist. */
  async getFileStatus(path: string): Promise<HdfsFileStatus | null> {
    const a = await this.call('GET', 'GETFILESTATUS', path, {}, [200, 404]);
    if (a.status === 404) return null;
    return statusOf((parseJson(a.body) as { FileStatus: HdfsFileStatus }).FileStatus);
  }

  /** Creates a folder and its parents; true when it exists afterwards. */
  async mkdirs(path: string): Promise<boolean> {
    const a = await this.call('PUT', 'MKDIRS', path);
    return (parseJson(a.body) as { boolean: boolean }).boolean;
  }

  /**
   * Writes a file in WebHDFS's two steps: PUT to the NameNode without a body, which answers 307
   * with the DataNode's address; then PUT the body there (201). Parent folders are created. With
   * `overwrite: false` an existing file is a `WebHdfsError` (403, FileAlreadyExistsException).
   */
  async create(path: string, body: WebHdfsBody, options: { overwrite?: boolean } = {}): Promise<void> {
    const overwrite = options.overwrite ?? false;
    await this.retrying('CREATE', path, async () => {
      const first = await this.send('PUT', this.opUrl('CREATE', path, { overwrite: String(overwrite) }));
      if (first.status !== 307) return this.refusal('CREATE', path, first, [307]);
      const location = first.headers.location;
      if (!location) throw new WebHdfsError(`WebHDFS CREATE ${path}: the NameNode's 307 names no DataNode`, 'CREATE', path, 307);
      const second = await this.send('PUT', new URL(location, this.url), body);
      if (second.status === 201 || second.status === 200) return;
      // A retry of the whole CREATE is safe: it asks the NameNode again (with overwrite, or the
      // half-written file of a lost DataNode is reported as existing and surfaces as a refusal).
      return this.refusal('CREATE', path, second, [201]);
    });
  }

  /** Reads a whole file; `null` when it does not exist. */
  async open(path: string): Promise<Buffer | null> {
    const a = await this.retrying('OPEN', path, async () => {
      const first = await this.send('GET', this.opUrl('OPEN', path, {}));
      if (first.status === 404) return first;
      if (first.status === 200) return first;
      if (first.status !== 307 || !first.headers.location) return this.refusal('OPEN', path, first, [307]);
      const second = await this.send('GET', new URL(first.headers.location, this.url));
      if (second.status === 200 || second.status === 404) return second;
      return this.refusal('OPEN', path, second, [200]);
    });
    return a.status === 404 ? null : a.body;
  }

  /**
   * Streams a file to `localPath` (overwritten). Returns false when the remote file does not
   * exist. A retry restarts the download from the beginning.
   */
  async download(path: string, localPath: string): Promise<boolean> {
    return this.retrying('OPEN', path, async () => {
      const first = await this.send('GET', this.opUrl('OPEN', path, {}));
      if (first.status === 404) return false;
      if (first.status !== 307 || !first.headers.location) return this.refusal('OPEN', path, first, [307]);
      const res = await this.stream('GET', new URL(first.headers.location, this.url));
      if (res.statusCode !== 200) {
        const body = await collect(res);
        if (res.statusCode === 404) return false;
        return this.refusal('OPEN', path, { status: res.statusCode ?? 0, headers: res.headers, body }, [200]);
      }
      await pipeline(res, createWriteStream(localPath));
      return true;
    });
  }

  /**
   * Renames `from` to `to` (atomic in the NameNode). Returns WebHDFS's boolean: false when `from`
   * is missing or `to` already exists (HDFS does not replace files on rename).
   */
  async rename(from: string, to: string): Promise<boolean> {
    const a = await this.call('PUT', 'RENAME', from, { destination: absolute(to) });
    return (parseJson(a.body) as { boolean: boolean }).boolean;
  }

  /** Deletes a file or folder; false when it did not exist. */
  async delete(path: string, options: { recursive?: boolean } = {}): Promise<boolean> {
    const a = await this.call('DELETE', 'DELETE', path, { recursive: String(options.recursive ?? false) });
    return (parseJson(a.body) as { boolean: boolean }).boolean;
  }

  /** A NameNode operation with no redirect, retried; `ok` lists the statuses that are answers. */
  private call(method: string, op: string, path: string, params: Record<string, string> = {}, ok: number[] = [200]): Promise<Answer> {
    return this.retrying(op, path, async () => {
      const a = await this.send(method, this.opUrl(op, path, params));
      if (ok.includes(a.status)) return a;
      return this.refusal(op, path, a, ok);
    });
  }

  private opUrl(op: string, path: string, params: Record<string, string>): URL {
    const url = new URL(`/webhdfs/v1${encodePath(absolute(path))}`, this.url);
    url.searchParams.set('op', op);
    url.searchParams.set('user.name', this.user);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return url;
  }

  /** Throws the right error for an unexpected answer: retryable (`Retry`) or final (`WebHdfsError`). */
  private refusal(op: string, path: string, a: Answer, expected: number[]): never {
    const remote = remoteException(a.body);
    const what = remote ? `${remote.exception}: ${remote.message}` : `${a.status} ${a.body.toString('utf8').slice(0, 200).trim()}`;
    if (a.status >= 500 || (remote && (retryableExceptions.has(remote.exception) || notReadyMessage.test(remote.message)))) {
      throw new Retry(`${hostOf(this.url)} answered ${a.status} (${what})`);
    }
    throw new WebHdfsError(
      `WebHDFS ${op} ${path} failed: ${a.status}${remote ? ` ${remote.exception}: ${remote.message}` : ''} (expected ${expected.join(' or ')})`,
      op,
      path,
      a.status,
      remote?.exception,
    );
  }

  private async retrying<T>(op: string, path: string, attempt: () => Promise<T>): Promise<T> {
    for (let n = 0; ; n++) {
      try {
        return await attempt();
      } catch (e) {
        const reason = e instanceof Retry ? e.message : transportReason(e);
        if (reason === undefined) throw e;
        if (n >= this.retries || this.closing.signal.aborted) {
          const attempts = `after ${n + 1} attempt${n === 0 ? '' : 's'}${this.closing.signal.aborted ? ' (the client was closed)' : ''}`;
          throw new WebHdfsError(`WebHDFS ${op} ${path} failed ${attempts}: ${reason}`, op, path, 0);
        }
        const base = Math.min(this.maxBackoffMs, this.backoffMs * 2 ** n);
        const delayMs = Math.round(base * (0.75 + Math.random() * 0.5));
        this.onRetry?.({ op, path, attempt: n + 1, delayMs, reason });
        await sleep(delayMs, undefined, { signal: this.closing.signal }).catch(() => undefined);
      }
    }
  }

  private async send(method: string, url: URL, body?: WebHdfsBody): Promise<Answer> {
    const res = await this.stream(method, url, body);
    const data = await collect(res);
    return { status: res.statusCode ?? 0, headers: res.headers, body: data };
  }

  private async stream(method: string, url: URL, body?: WebHdfsBody): Promise<IncomingMessage> {
    const https = url.protocol === 'https:';
    const headers: Record<string, string | number> = {};
    let size: number | undefined;
    if (body !== undefined) {
      headers['content-type'] = 'application/octet-stream';
      size = typeof body === 'object' && !Buffer.isBuffer(body) ? (await stat(body.file)).size : Buffer.byteLength(body);
      headers['content-length'] = size;
    } else if (method === 'PUT' || method === 'POST') {
      headers['content-length'] = 0;
    }
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = (https ? httpsRequest : httpRequest)(
        url,
        { method, headers, agent: https ? this.httpsAgent : this.httpAgent, timeout: this.timeoutMs },
        resolve,
      );
      req.on('error', (e) => reject(new Transport(`${hostOf(url)}: ${describeSocketError(e)}`)));
      req.on('timeout', () => req.destroy(new Error(`no answer in ${this.timeoutMs / 1000} s`)));
      if (body === undefined) req.end();
      else if (typeof body === 'object' && !Buffer.isBuffer(body)) {
        const file = createReadStream(body.file);
        file.on('error', (e) => req.destroy(e));
        file.pipe(req);
      } else req.end(body);
    });
  }
}

/** A failed attempt worth retrying (HDFS not reachable or not ready). */
class Retry extends Error {}
/** No HTTP answer: the connection failed. */
class Transport extends Retry {}

const retryableExceptions = new Set([
  'SafeModeException',
  'RetriableException',
  'StandbyException',
  'ObserverRetryOnActiveException',
  'ConnectException',
  'NoRouteToHostException',
]);

/** A NameNode up before its DataNodes (just restarted) says so in plain IOExceptions. */
const notReadyMessage = /Failed to find datanode|could only be (replicated|written) to 0 nodes|There are 0 datanode|safe ?mode/i;

function transportReason(e: unknown): string | undefined {
  if (e instanceof Retry) return e.message;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code && socketErrors[code]) return socketErrors[code];
  return undefined;
}

const socketErrors: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host lookup failed',
  UND_ERR_SOCKET: 'bad response',
};

function describeSocketError(e: Error): string {
  const code = (e as NodeJS.ErrnoException).code;
  return (code && socketErrors[code]) || e.message;
}

/** Which side a URL points at, for messages: the NameNode's port is the configured one. */
function hostOf(url: URL): string {
  return `${url.pathname.startsWith('/webhdfs/') && url.searchParams.has('namenoderpcaddress') ? 'DataNode' : 'NameNode'} ${url.host}`;
}

function collect(res: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', (e) => reject(new Transport(`reading the answer: ${e.message}`)));
    res.on('aborted', () => reject(new Transport('the answer was cut off')));
  });
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new Retry(`not JSON: ${body.toString('utf8').slice(0, 200)}`);
  }
}

function remoteException(body: Buffer): { exception: string; message: string } | undefined {
  if (body.length === 0 || body[0] !== 0x7b) return undefined;
  try {
    const r = (JSON.parse(body.toString('utf8')) as { RemoteException?: { exception?: string; message?: string } }).RemoteException;
    if (!r) return undefined;
    return { exception: r.exception ?? 'RemoteException', message: (r.message ?? '').split('\n')[0]! };
  } catch {
    return undefined;
  }
}

function statusOf(s: HdfsFileStatus): HdfsFileStatus {
  return { pathSuffix: s.pathSuffix, type: s.type, length: Number(s.length), modificationTime: Number(s.modificationTime) };
}

/** `/a/b`, always absolute, no trailing slash (except the root). */
export function absolute(path: string): string {
  const p = `/${path}`.replace(/\/+/g, '/');
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}
