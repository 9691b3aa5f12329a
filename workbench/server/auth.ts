import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { HttpError } from './http.js';

/** The cookie a `?token=` visit sets, so the page's own requests carry the token. */
export const tokenCookie = 'kohort_token';

/** Whether `host` names this machine only: `127.0.0.0/8`, `::1` or `localhost`. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (h.startsWith('::ffff:')) return isLoopback(h.slice(7));
  return false;
}

/** A fresh access token: 32 random bytes, URL-safe. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

export interface AuthPolicy {
  /** Required on every request when set. */
  token?: string;
  /** The port the server listens on, for the Host check. */
  port: number;
  /** Whether the server listens on loopback only. */
  loopback: boolean;
}

/**
 * Who may talk to the server.
 *
 * With a token (required off loopback): `Authorization: Bearer T`, the `kohort_token` cookie, or
 * `?token=T`. Without one (loopback only), anything on this machine may, but only under a loopback
 * Host name: a web page whose domain re-resolves to 127.0.0.1 ("DNS rebinding") sends its own Host
 * and is refused. A request from another origin that changes something is refused either way.
 * Returns whether the token came in the query (the caller then sets the cookie).
 */
export function authorize(req: IncomingMessage, url: URL, policy: AuthPolicy): { tokenFromQuery: boolean } {
  const host = req.headers.host ?? '';
  if (policy.loopback && !isLoopbackHostHeader(host)) {
    throw new HttpError(403, `this server answers only to localhost/127.0.0.1 (Host: ${host || 'none'})`);
  }
  const origin = req.headers.origin;
  if (origin && req.method !== 'GET' && req.method !== 'HEAD' && !sameOrigin(origin, host)) {
    throw new HttpError(403, `requests from ${origin} are not accepted`);
  }
  if (policy.token === undefined) return { tokenFromQuery: false };
  const fromQuery = url.searchParams.get('token');
  if (fromQuery !== null && equal(fromQuery, policy.token)) return { tokenFromQuery: true };
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ') && equal(header.slice(7).trim(), policy.token)) return { tokenFromQuery: false };
  const cookie = cookieValue(req.headers.cookie, tokenCookie);
  if (cookie !== undefined && equal(cookie, policy.token)) return { tokenFromQuery: false };
  throw new HttpError(401, 'an access token is required: open the URL with ?token=… that `kohort serve` printed, or send Authorization: Bearer …', {}, {
    'WWW-Authenticate': 'Bearer realm="kohort"',
  });
}

/** The Set-Cookie value that remembers the token for this origin's later requests. */
export function tokenCookieHeader(token: string): string {
  return `${tokenCookie}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`;
}

/** Host headers seen and whether each names this machine: clients send the same few, again and again. */
const loopbackHostHeaders = new Map<string, boolean>();

function isLoopbackHostHeader(host: string): boolean {
  let answer = loopbackHostHeaders.get(host);
  if (answer === undefined) {
    const m = /^(\[[^\]]*\]|[^:]*)(?::\d+)?$/.exec(host);
    answer = m !== null && isLoopback(m[1]!);
    if (loopbackHostHeaders.size >= 64) loopbackHostHeaders.clear();
    loopbackHostHeaders.set(host, answer);
  }
  return answer;
}

function sameOrigin(origin: string, host: string): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
