import type { PipelineState, PipelineStatus } from '../../../server/pipelines-status.js';

/** Pure text for the pipelines panel: readable counts, offsets, ages and states. */

/** `1234567` → `1,234,567`. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** A Kafka offset (a decimal string, maybe beyond 2^53) with separators; `—` when unknown. */
export function formatOffset(offset: string | null): string {
  if (offset === null || !/^\d+$/.test(offset)) return '—';
  return offset.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `lag` for people: `—` when unknown. */
export function formatLag(lag: number | null): string {
  return lag === null ? '—' : formatCount(lag);
}

/** How long ago an ISO time was: `just now`, `12 s ago`, `3 min ago`, `2 h ago`, else the date. */
export function formatAgo(iso: string | null, now: number): string {
  if (iso === null) return 'never';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 2) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(at).toISOString().slice(0, 16).replace('T', ' ');
}

/** What a state badge says. */
export const stateLabels: Readonly<Record<PipelineState, string>> = {
  starting: 'starting',
  running: 'running',
  retrying: 'retrying',
  failed: 'failed',
  stopped: 'stopped',
};

/** `not-json 2, negative-price 1`, largest first. */
export function formatDeadLetterCodes(codes: Readonly<Record<string, number>>): string {
  return Object.entries(codes)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([code, n]) => `${code} ${formatCount(n)}`)
    .join(', ');
}

/** The one-line summary of a pipeline: `1,234 rows · 12 files · 3 dead letters · lag 0 · last file 2 s ago`. */
export function pipelineSummary(p: PipelineStatus, now: number): string {
  const parts = [
    `${formatCount(p.totals.rows)} ${p.totals.rows === 1 ? 'row' : 'rows'}`,
    `${formatCount(p.totals.files)} ${p.totals.files === 1 ? 'file' : 'files'}`,
    `${formatCount(p.totals.deadLetters)} dead ${p.totals.deadLetters === 1 ? 'letter' : 'letters'}`,
    `lag ${formatLag(p.totals.lag)}`,
    `last file ${formatAgo(p.lastFileAt, now)}`,
  ];
  if (p.totals.buffered > 0) parts.splice(4, 0, `${formatCount(p.totals.buffered)} buffered`);
  return parts.join(' · ');
}

/** Where a pipeline reads and writes: `kafka events @ 127.0.0.1:9092 → events in /data/lake`. */
export function pipelineRoute(p: PipelineStatus): string {
  if (p.topics.length === 0) return '';
  const format = p.format ? ` (${p.format})` : '';
  return `kafka ${p.topics.join(', ')}${format} @ ${p.brokers.join(', ')} → ${p.dataset ?? '?'} in ${p.lake ?? '?'}`;
}

/** `kafka … → events in /lake · group g · 2 restarts · running since 3 s ago`. */
export function pipelineDetails(p: PipelineStatus, now: number): string {
  const parts = [pipelineRoute(p)];
  if (p.group) parts.push(`group ${p.group}`);
  if (p.restarts) parts.push(`${p.restarts} ${p.restarts === 1 ? 'restart' : 'restarts'}`);
  parts.push(`${stateLabels[p.state]} since ${formatAgo(p.since, now)}`);
  return parts.filter(Boolean).join(' · ');
}
