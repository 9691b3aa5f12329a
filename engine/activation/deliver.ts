import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CompiledNotebook, DestinationSpec } from '../../dsl/index.js';
import { openDuckDB } from '../duckdb.js';
import { UserError } from '../user-error.js';
import { appendDeliveryEvents, deliveriesFolder, readDeliveryEvents, type PlannedEvent } from './delivery-log.js';
import { segmentChange } from './segment-changes.js';
import { deliveryId, signatureHeader, signBody, type MembershipChange } from './signature.js';
import { defaultRetryPolicy, postWithRetries, type RetryPolicy } from './webhook-sender.js';

/** A destination cell: its name and what it asks for. */
export interface Destination {
  name: string;
  spec: DestinationSpec;
}

/** The destination cells of a compiled notebook. */
export function destinationsOf(compiled: CompiledNotebook): Destination[] {
  return compiled.cells.filter((c) => c.kind === 'destination' && c.destination).map((c) => ({ name: c.name, spec: c.destination! }));
}

export interface DeliveryContext {
  /** The notebook's folder: deliveries live in its `.kohort/deliveries/`. */
  workspace: string;
  lake: string;
  /** The notebook's id in the lake's history. */
  notebook: string;
  destinations: readonly Destination[];
  /** Overrides of the waits (tests); `retries` comes from each destination. */
  retry?: Partial<Omit<RetryPolicy, 'retries'>>;
  /** Where secrets are read from. Default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Stops sending (batches not taken stay for the next round). */
  signal?: AbortSignal;
}

/** A published run, as deliveries need it. */
export interface PublishedRun {
  id: string;
  /** The instant it computed at, ISO 8601. */
  asOf: string | null;
}

/** What a round did. */
export interface DeliveryReport {
  /** Batches put in the spool by this call. */
  planned: number;
  delivered: number;
  /** Batches still waiting, for every destination given. */
  pending: number;
}

/** The JSON body of one batch (also what the spool keeps, byte for byte). */
export interface DeliveryBody {
  deliveryId: string;
  notebook: string;
  destination: string;
  run: string;
  asOf: string | null;
  segment: string;
  change: MembershipChange;
  keyColumn: string;
  batch: { index: number; count: number };
  /** Customer keys as strings: ids past 2^53 keep every digit. */
  members: string[];
}

/**
 * After a run is published: for each destination, the members who joined and who left each of
 * its segments in that run, in batches of `batch`, sent in order. Each batch is written to the
 * spool (`.kohort/deliveries/<notebook>/<destination>/pending/<run>/`) before anything is sent, so
 * a failure (or a crash) loses nothing: what is not delivered now is sent first at the next run or
 * start (`resumeDeliveries`). Calling it twice for one run plans it once.
 */
export async function deliverRunChanges(context: DeliveryContext, run: PublishedRun): Promise<DeliveryReport> {
  const planned = await planRunChanges(context, run);
  const flushed = await resumeDeliveries(context);
  return { planned, delivered: flushed.delivered, pending: flushed.pending };
}

/**
 * The first half of `deliverRunChanges`: puts a run's batches in the spool (once per run and
 * destination) and sends nothing. Quick, so a runner can call it before its next run.
 */
export async function planRunChanges(context: DeliveryContext, run: PublishedRun): Promise<number> {
  let planned = 0;
  const logged = new Set((await readDeliveryEvents(context.workspace, context.notebook)).filter((e) => e.event === 'planned').map((e) => `${e.run}\n${e.destination}`));
  const toPlan = context.destinations.filter((d) => !logged.has(`${run.id}\n${d.name}`) && !existsSync(runFolder(context, d.name, run.id)));
  if (toPlan.length > 0) {
    const db = await openDuckDB({ workspace: context.workspace, lake: context.lake, threads: 1 });
    try {
      for (const d of toPlan) planned += await plan(context, d, run, db.connection);
    } finally {
      db.close();
    }
  }
  return planned;
}

/** Sends what waits in the spool for each destination, oldest run first; at start, and after each run. */
export async function resumeDeliveries(context: DeliveryContext): Promise<Omit<DeliveryReport, 'planned'>> {
  let delivered = 0;
  let pending = 0;
  for (const d of context.destinations) {
    const r = await withDestinationLock(context, d.name, () => flush(context, d));
    delivered += r.delivered;
    pending += r.pending;
  }
  return { delivered, pending };
}

/** Destination names are DSL names (backticks allow anything): one safe path segment each. */
function folderName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_');
}

function destinationFolder(context: DeliveryContext, destination: string): string {
  return join(deliveriesFolder(context.workspace), context.notebook, folderName(destination));
}

function runFolder(context: DeliveryContext, destination: string, run: string): string {
  return join(destinationFolder(context, destination), 'pending', folderName(run));
}

async function plan(context: DeliveryContext, d: Destination, run: PublishedRun, connection: Parameters<typeof segmentChange>[0]): Promise<number> {
  const final = runFolder(context, d.name, run.id);
  const staging = join(destinationFolder(context, d.name), `.planning-${folderName(run.id)}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  const events: PlannedEvent[] = [];
  let seq = 0;
  const batchSize = Math.max(1, d.spec.batch);
  for (const segment of d.spec.segments) {
    for (const change of ['joined', 'left'] as const) {
      const found = await segmentChange(connection, { lake: context.lake, notebook: context.notebook, segment, run: run.id, change });
      if (found.count === 0) continue;
      const count = Math.ceil(found.count / batchSize);
      let index = 0;
      let members: string[] = [];
      const write = async () => {
        const id = deliveryId({ notebook: context.notebook, destination: d.name, run: run.id, segment, change, index });
        const body: DeliveryBody = {
          deliveryId: id,
          notebook: context.notebook,
          destination: d.name,
          run: run.id,
          asOf: run.asOf,
          segment,
          change,
          keyColumn: found.keyColumn,
          batch: { index, count },
          members,
        };
        await writeFile(join(staging, `${String(seq++).padStart(8, '0')}-${id}.json`), JSON.stringify(body));
        events.push({
          event: 'planned',
          at: new Date().toISOString(),
          deliveryId: id,
          destination: d.name,
          url: d.spec.url,
          run: run.id,
          asOf: run.asOf,
          segment,
          change,
          index,
          batches: count,
          members: members.length,
        });
        index++;
        members = [];
      };
      for await (const keys of found.keys()) {
        for (const key of keys) {
          members.push(key);
          if (members.length === batchSize) await write();
        }
      }
      if (members.length > 0) await write();
    }
  }
  // The run's batches appear at once (a rename), then the log says so.
  await mkdir(join(destinationFolder(context, d.name), 'pending'), { recursive: true });
  await rename(staging, final);
  await appendDeliveryEvents(context.workspace, context.notebook, events);
  return events.length;
}

/** Sends a destination's spooled batches in order; stops at the first one the receiver did not take. */
async function flush(context: DeliveryContext, d: Destination): Promise<{ delivered: number; pending: number }> {
  const pendingFolder = join(destinationFolder(context, d.name), 'pending');
  const runs = existsSync(pendingFolder) ? (await readdir(pendingFolder)).filter((n) => !n.startsWith('.')).sort() : [];
  const queue: { folder: string; file: string }[] = [];
  for (const r of runs) {
    const folder = join(pendingFolder, r);
    const files = (await readdir(folder)).filter((f) => f.endsWith('.json')).sort();
    if (files.length === 0) await rmdir(folder).catch(() => undefined);
    for (const file of files) queue.push({ folder, file });
  }
  const policy: RetryPolicy = { ...defaultRetryPolicy, ...context.retry, retries: d.spec.retries };
  let delivered = 0;
  for (let i = 0; i < queue.length; i++) {
    const { folder, file } = queue[i]!;
    const body = await readFile(join(folder, file));
    const parsed = JSON.parse(body.toString('utf8')) as DeliveryBody;
    const log = (attempt: number, result: { ok: boolean; status?: number; error?: string; millis: number }) =>
      appendDeliveryEvents(context.workspace, context.notebook, [
        {
          event: 'attempt',
          at: new Date().toISOString(),
          deliveryId: parsed.deliveryId,
          destination: d.name,
          run: parsed.run,
          attempt,
          ok: result.ok,
          ...(result.status !== undefined ? { status: result.status } : {}),
          ...(result.error !== undefined ? { error: result.error } : {}),
          millis: Math.round(result.millis),
        },
      ]);
    let headers: Record<string, string>;
    try {
      headers = requestHeaders(d, parsed, body, context.env ?? process.env);
    } catch (e) {
      await log(1, { ok: false, error: e instanceof Error ? e.message : String(e), millis: 0 });
      return { delivered, pending: queue.length - i };
    }
    const ok = await postWithRetries(d.spec.url, body, headers, policy, log, context.signal);
    if (!ok) return { delivered, pending: queue.length - i };
    await rm(join(folder, file), { force: true });
    delivered++;
    const next = queue[i + 1];
    if (next?.folder !== folder) await rmdir(folder).catch(() => undefined);
  }
  return { delivered, pending: 0 };
}

function requestHeaders(d: Destination, body: DeliveryBody, raw: Uint8Array, env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': 'kohort',
    'X-Kohort-Delivery': body.deliveryId,
    'Idempotency-Key': body.deliveryId,
    'X-Kohort-Event': `segment.${body.change}`,
  };
  if (d.spec.secretEnv !== undefined) {
    const secret = env[d.spec.secretEnv];
    if (!secret) throw new UserError(`destination \`${d.name}\`: the signing secret's environment variable $${d.spec.secretEnv} is not set`);
    headers[signatureHeader] = signBody(raw, secret);
  }
  return headers;
}

/**
 * One sender per destination at a time, across processes too (a server and a CLI run): a lock
 * file holding the owner's pid; a lock left by a dead process is taken over. While another
 * process holds it, this round leaves the destination to it.
 */
async function withDestinationLock<T extends { delivered: number; pending: number }>(context: DeliveryContext, destination: string, fn: () => Promise<T>): Promise<T | { delivered: 0; pending: 0 }> {
  const key = `${context.workspace}\n${context.notebook}\n${destination}`;
  const previous = inProcess.get(key) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => (release = r));
  const queued = previous.then(() => mine);
  inProcess.set(key, queued);
  await previous;
  const folder = destinationFolder(context, destination);
  const lock = join(folder, 'lock');
  try {
    await mkdir(folder, { recursive: true });
    if (!(await takeLock(lock))) return { delivered: 0, pending: 0 };
    try {
      return await fn();
    } finally {
      await rm(lock, { force: true });
    }
  } finally {
    release();
    if (inProcess.get(key) === queued) inProcess.delete(key);
  }
}

const inProcess = new Map<string, Promise<void>>();

async function takeLock(path: string): Promise<boolean> {
  for (let tries = 0; tries < 2; tries++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) return false;
      await rm(path, { force: true });
    }
  }
  return false;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
