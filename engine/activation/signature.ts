import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { MembershipChange } from './delivery-summary.js';
export type { MembershipChange } from './delivery-summary.js';

/** The signature header of a delivery: HMAC-SHA256 of the raw request body with the secret. */
export const signatureHeader = 'X-Kohort-Signature';

/** `sha256=<hex>`: HMAC-SHA256 of exactly the bytes sent as the body. */
export function signBody(body: Uint8Array, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * What a receiver does (in JavaScript): recompute the HMAC over the raw body, before parsing it,
 * and compare in constant time. Any other language does the same with its HMAC-SHA256.
 */
export function verifySignature(body: Uint8Array, header: string | undefined, secret: string): boolean {
  if (header === undefined || !header.startsWith('sha256=')) return false;
  const expected = Buffer.from(signBody(body, secret));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * A batch's delivery id: the same for every attempt at that batch (so a receiver can drop a
 * repeat), different for every other batch, destination, run or notebook.
 */
export function deliveryId(parts: { notebook: string; destination: string; run: string; segment: string; change: MembershipChange; index: number }): string {
  const text = [parts.notebook, parts.destination, parts.run, parts.segment, parts.change, String(parts.index)].join('\n');
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}
