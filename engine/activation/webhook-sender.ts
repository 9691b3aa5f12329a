import { setTimeout as wait } from 'node:timers/promises';

/** How hard a delivery tries within one round; what is left is tried again at the next run or start. */
export interface RetryPolicy {
  /** Attempts after the first (the destination's `retries`). */
  retries: number;
  /** The wait before the first retry, doubled for each further one (with jitter). */
  baseDelayMs: number;
  /** No wait is longer: a `Retry-After` beyond it ends the round instead. */
  maxDelayMs: number;
  /** One request's time limit. */
  timeoutMs: number;
}

export const defaultRetryPolicy: Omit<RetryPolicy, 'retries'> = { baseDelayMs: 1000, maxDelayMs: 5 * 60_000, timeoutMs: 30_000 };

/** What one request did. */
export interface AttemptResult {
  ok: boolean;
  /** The HTTP status, when there was an answer. */
  status?: number;
  /** Why it failed: the network error, or the status with the start of the receiver's answer. */
  error?: string;
  millis: number;
  /** Whether trying again may help: network errors, timeouts, 408, 429 and 5xx. */
  retryable: boolean;
  /** The receiver's `Retry-After`, in milliseconds. */
  retryAfterMs?: number;
}

/** POSTs `body` once. Never throws: a failure is an `AttemptResult` that says why. */
export async function postOnce(url: string, body: Uint8Array, headers: Record<string, string>, timeoutMs: number, signal?: AbortSignal): Promise<AttemptResult> {
  const start = performance.now();
  const limit = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body,
      redirect: 'error',
      signal: signal ? AbortSignal.any([signal, limit]) : limit,
    });
    const text = await res.text().catch(() => '');
    const millis = performance.now() - start;
    if (res.ok) return { ok: true, status: res.status, millis, retryable: false };
    const retryAfterMs = retryAfter(res.headers.get('retry-after'));
    const answer = text.trim().slice(0, 200);
    return {
      ok: false,
      status: res.status,
      error: `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${answer ? `: ${answer}` : ''}`,
      millis,
      retryable: res.status >= 500 || res.status === 429 || res.status === 408,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  } catch (e) {
    const millis = performance.now() - start;
    if (limit.aborted) return { ok: false, error: `no answer within ${timeoutMs} ms`, millis, retryable: true };
    return { ok: false, error: networkError(e), millis, retryable: true };
  }
}

/**
 * POSTs until the receiver takes it (2xx) or the round is over: after `retries` retries with
 * exponential backoff, at an answer that retrying cannot fix (a 4xx other than 408/429), at a
 * `Retry-After` longer than `maxDelayMs`, or when `signal` aborts. Every attempt is reported.
 */
export async function postWithRetries(
  url: string,
  body: Uint8Array,
  headers: Record<string, string>,
  policy: RetryPolicy,
  onAttempt: (attempt: number, result: AttemptResult) => Promise<void>,
  signal?: AbortSignal,
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) return false;
    const result = await postOnce(url, body, headers, policy.timeoutMs, signal);
    await onAttempt(attempt, result);
    if (result.ok) return true;
    if (!result.retryable || attempt > policy.retries) return false;
    const backoff = policy.baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
    const delay = result.retryAfterMs ?? backoff;
    if (delay > policy.maxDelayMs) return false;
    try {
      await wait(delay, undefined, signal ? { signal } : {});
    } catch {
      return false; // aborted while waiting
    }
  }
}

/** `Retry-After` as milliseconds: delay-seconds or an HTTP date. */
function retryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** fetch's "fetch failed" with the reason underneath (`connect ECONNREFUSED 127.0.0.1:9999`). */
function networkError(e: unknown): string {
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause : undefined;
  const message = cause?.message ?? (e instanceof Error ? e.message : String(e));
  return message.includes('ECONN') || message.includes('ENOTFOUND') || message.includes('socket') ? message : `network error: ${message}`;
}
