import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BatchSummary, DeliverySummary, MembershipChange } from './delivery-summary.js';
export type { BatchStatus, BatchSummary, DeliverySummary } from './delivery-summary.js';

/** Where a workspace keeps its deliveries: the log of each notebook and the batches not yet delivered. */
export function deliveriesFolder(workspace: string): string {
  return join(workspace, '.kohort', 'deliveries');
}

/** `<workspace>/.kohort/deliveries/<notebook>.jsonl`: one JSON object per line, appended. */
export function deliveryLogFile(workspace: string, notebook: string): string {
  return join(deliveriesFolder(workspace), `${notebook}.jsonl`);
}

/** A batch put in the spool: what it carries. */
export interface PlannedEvent {
  event: 'planned';
  at: string;
  deliveryId: string;
  destination: string;
  url: string;
  run: string;
  asOf: string | null;
  segment: string;
  change: MembershipChange;
  /** The batch's place among its segment's batches of this change, and how many there are. */
  index: number;
  batches: number;
  members: number;
}

/** One request for a batch. */
export interface AttemptEvent {
  event: 'attempt';
  at: string;
  deliveryId: string;
  destination: string;
  run: string;
  attempt: number;
  ok: boolean;
  status?: number;
  error?: string;
  millis: number;
}

export type DeliveryEvent = PlannedEvent | AttemptEvent;

export async function appendDeliveryEvents(workspace: string, notebook: string, events: readonly DeliveryEvent[]): Promise<void> {
  if (events.length === 0) return;
  const file = deliveryLogFile(workspace, notebook);
  await mkdir(dirname(file), { recursive: true });
  await appendFile(file, events.map((e) => `${JSON.stringify(e)}\n`).join(''));
}

/** The log's events, oldest first; a line cut short by a crash is skipped. */
export async function readDeliveryEvents(workspace: string, notebook: string): Promise<DeliveryEvent[]> {
  let text: string;
  try {
    text = await readFile(deliveryLogFile(workspace, notebook), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const events: DeliveryEvent[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const e = JSON.parse(line) as DeliveryEvent;
      if (e.event === 'planned' || e.event === 'attempt') events.push(e);
    } catch {
      // A partial last line (the process died mid-append).
    }
  }
  return events;
}

/** The log folded into one summary per run and destination, newest run first. */
export function summarizeDeliveries(events: readonly DeliveryEvent[]): DeliverySummary[] {
  const groups = new Map<string, DeliverySummary>();
  const batches = new Map<string, BatchSummary>();
  for (const e of events) {
    const key = `${e.run}\n${e.destination}`;
    if (e.event === 'planned') {
      let group = groups.get(key);
      if (!group) {
        group = { run: e.run, asOf: e.asOf, destination: e.destination, url: e.url, status: 'pending', batches: 0, delivered: 0, joined: 0, left: 0, attempts: 0, items: [] };
        groups.set(key, group);
      }
      if (batches.has(e.deliveryId)) continue;
      const batch: BatchSummary = { deliveryId: e.deliveryId, segment: e.segment, change: e.change, index: e.index, members: e.members, attempts: 0, status: 'pending' };
      batches.set(e.deliveryId, batch);
      group.items.push(batch);
      group.batches++;
      group[e.change] += e.members;
    } else {
      const batch = batches.get(e.deliveryId);
      const group = groups.get(key);
      if (!batch || !group) continue;
      batch.attempts++;
      group.attempts++;
      batch.lastAttemptAt = group.lastAttemptAt = e.at;
      if (e.status !== undefined) batch.lastStatus = e.status;
      if (batch.status === 'delivered') continue;
      if (e.ok) {
        batch.status = 'delivered';
        group.delivered++;
      } else {
        batch.status = 'failing';
        if (e.error !== undefined) batch.lastError = group.lastError = e.error;
      }
    }
  }
  for (const g of groups.values()) {
    g.status = g.delivered === g.batches ? 'delivered' : g.items.some((b) => b.status === 'failing') ? 'failing' : 'pending';
    if (g.status === 'delivered') delete g.lastError;
  }
  return [...groups.values()].sort((a, b) => (a.run < b.run ? 1 : a.run > b.run ? -1 : a.destination.localeCompare(b.destination)));
}
