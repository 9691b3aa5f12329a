import { describe, expect, it } from 'vitest';
import type { PipelineStatus } from '../../../server/pipelines-status.js';
import { formatAgo, formatDeadLetterCodes, formatOffset, pipelineDetails, pipelineRoute, pipelineSummary } from './pipeline-format.js';

const now = Date.parse('2024-05-01T12:00:00Z');

function status(overrides: Partial<PipelineStatus> = {}): PipelineStatus {
  return {
    id: 'live.kohort#live',
    notebook: 'live.kohort',
    name: 'live',
    place: 'live.kohort:6:1',
    state: 'running',
    reason: '',
    since: '2024-05-01T11:00:00Z',
    restarts: 0,
    topics: ['events'],
    brokers: ['127.0.0.1:9092'],
    format: 'json',
    dataset: 'events',
    lake: '/data/lake',
    group: 'g',
    partitions: [],
    totals: { rows: 1234567, files: 1, deadLetters: 3, deadLetterCodes: { 'not-json': 1, 'negative-price': 2 }, lag: 0, buffered: 0 },
    lastFileAt: '2024-05-01T11:59:55Z',
    kafka: '',
    ...overrides,
  };
}

describe('pipeline panel text', () => {
  it('offsets keep every digit (beyond 2^53) and get separators', () => {
    expect(formatOffset('9007199254740993')).toBe('9,007,199,254,740,993');
    expect(formatOffset('0')).toBe('0');
    expect(formatOffset(null)).toBe('—');
  });

  it('ages read as people say them', () => {
    expect(formatAgo('2024-05-01T12:00:00Z', now)).toBe('just now');
    expect(formatAgo('2024-05-01T11:59:48Z', now)).toBe('12 s ago');
    expect(formatAgo('2024-05-01T11:57:00Z', now)).toBe('3 min ago');
    expect(formatAgo('2024-05-01T09:00:00Z', now)).toBe('3 h ago');
    expect(formatAgo('2024-04-01T09:00:00Z', now)).toBe('2024-04-01 09:00');
    expect(formatAgo(null, now)).toBe('never');
  });

  it('a summary line: counts with separators, singulars, lag, buffered only when some', () => {
    expect(pipelineSummary(status(), now)).toBe('1,234,567 rows · 1 file · 3 dead letters · lag 0 · last file 5 s ago');
    const waiting = status({ totals: { rows: 1, files: 2, deadLetters: 1, deadLetterCodes: {}, lag: null, buffered: 40 }, lastFileAt: null });
    expect(pipelineSummary(waiting, now)).toBe('1 row · 2 files · 1 dead letter · lag — · 40 buffered · last file never');
  });

  it('dead letters by reason, most first; the route', () => {
    expect(formatDeadLetterCodes({ 'not-json': 1, 'negative-price': 2 })).toBe('negative-price 2, not-json 1');
    expect(pipelineRoute(status())).toBe('kafka events (json) @ 127.0.0.1:9092 → events in /data/lake');
    expect(pipelineRoute(status({ topics: [] }))).toBe('');
  });

  it('details: route, group, restarts and how long in this state; nothing empty for a broken cell', () => {
    expect(pipelineDetails(status({ restarts: 1 }), now)).toBe('kafka events (json) @ 127.0.0.1:9092 → events in /data/lake · group g · 1 restart · running since 1 h ago');
    expect(pipelineDetails(status({ topics: [], group: null, state: 'failed', since: '2024-05-01T12:00:00Z' }), now)).toBe('failed since just now');
  });
});
