import { dirname, resolve } from 'node:path';
import { compileNotebook } from '../../dsl/index.js';
import type { RunRecord } from '../runs/records.js';
import type { RunPublishedListener } from '../runs/runner.js';
import { readNotebook } from '../session.js';
import { destinationsOf, planRunChanges, resumeDeliveries, type DeliveryContext, type Destination } from './deliver.js';
import type { RetryPolicy } from './webhook-sender.js';

export interface PublishedDeliveryOptions {
  /** The lake the runs write their history to (absolute). */
  lake: string;
  /** Where failures to plan or send are reported. */
  log: (line: string) => void;
  /** Resolve the listener only once the sends are over (a CLI run exits after it); default: send in the background. */
  waitForSends?: boolean;
  /** Stops background sends (a server closing); what is not delivered stays in the spool. */
  signal?: AbortSignal;
  retry?: Partial<Omit<RetryPolicy, 'retries'>>;
  env?: Readonly<Record<string, string | undefined>>;
}

/** The destination cells of the notebook at `file` (compiled without schemas: destinations need none). */
export function destinationsOfNotebook(file: string, lake: string): Destination[] {
  const abs = resolve(file);
  return destinationsOf(compileNotebook(readNotebook(file), { file: abs, lake, baseDir: dirname(abs) }));
}

function contextOf(file: string, notebook: string, destinations: Destination[], options: PublishedDeliveryOptions): DeliveryContext {
  return {
    workspace: dirname(resolve(file)),
    lake: options.lake,
    notebook,
    destinations,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
}

/**
 * Wires destinations to a runner: after each published run, the notebook's destination cells get
 * who joined and left (planned into the spool before the listener returns, so the next run cannot
 * get ahead of it), then the spool is sent, oldest first.
 */
export function deliverPublishedRuns(runner: { onRunPublished(listener: RunPublishedListener): () => void }, options: PublishedDeliveryOptions): () => void {
  return runner.onRunPublished(async (record: RunRecord) => {
    const destinations = destinationsOfNotebook(record.file, options.lake);
    if (destinations.length === 0) return;
    const context = contextOf(record.file, record.notebook, destinations, options);
    await planRunChanges(context, { id: record.id, asOf: record.asOf });
    const sending = resumeDeliveries(context).then(
      (r) => r.pending > 0 && options.log(`kohort: ${r.pending} webhook batch(es) of ${record.file} not delivered yet; they are sent again after the next run or at start`),
      (e: unknown) => options.log(`kohort: delivering run ${record.id} of ${record.file}: ${e instanceof Error ? e.message : String(e)}`),
    );
    if (options.waitForSends) await sending;
  });
}

/** At start: sends what earlier rounds left in the spool of the notebook at `file`. */
export async function resumeNotebookDeliveries(file: string, notebook: string, options: PublishedDeliveryOptions): Promise<void> {
  const destinations = destinationsOfNotebook(file, options.lake);
  if (destinations.length === 0) return;
  const r = await resumeDeliveries(contextOf(file, notebook, destinations, options));
  if (r.delivered > 0 || r.pending > 0) options.log(`kohort: webhooks of ${file}: ${r.delivered} batch(es) delivered from the spool, ${r.pending} still waiting`);
}
