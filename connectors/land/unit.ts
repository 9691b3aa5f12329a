import { mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { tempPathFor } from '../../engine/lake.js';
import type { Rees46Row } from '../rees46.js';
import { parseMessage, type MessageFormat } from './message.js';
import { deadLetterDataset, unitFileName } from './naming.js';
import type { DeadLetter, ParquetWriter } from './writer.js';

/**
 * A unit (the messages of one partition at offsets first..last) as plain data that can cross to
 * a worker thread: the values in one buffer (transferred, not copied), with their boundaries.
 */
export interface RawUnit {
  topic: string;
  partition: number;
  first: bigint;
  last: bigint;
  /** The dataset, e.g. `events`. */
  source: string;
  format: MessageFormat;
  /** Every message value, back to back. */
  values: Uint8Array;
  /** Where each value ends in `values`; a null value is marked by `nulls`. */
  ends: Int32Array;
  nulls: Uint8Array;
  offsets: BigInt64Array;
  /** Kafka timestamps, ms since the epoch. */
  timestamps: Float64Array;
  keys: (string | null)[];
}

/** Where the writer puts files before they are published. */
export type StagingPlan =
  /** Beside the final file, under a hidden temp name (a local lake: publishing is a rename). */
  | { kind: 'beside'; root: string }
  /** In a local folder (an HDFS lake: the file is uploaded from there). */
  | { kind: 'folder'; dir: string };

/** One written file of a unit, not yet visible. */
export interface StagedPart {
  /** The final path relative to the lake. */
  rel: string;
  /** The local file to publish. */
  staged: string;
  rows: number;
  dead: boolean;
}

export interface StagedUnit {
  parts: StagedPart[];
  /** Dead letters by reason code. */
  codes: Record<string, number>;
}

/** A local path for the file that will be published at `rel` (folders created). */
export async function stagingPathFor(plan: StagingPlan, rel: string): Promise<string> {
  if (plan.kind === 'beside') {
    const final = join(plan.root, rel);
    await mkdir(dirname(final), { recursive: true });
    return tempPathFor(final);
  }
  await mkdir(plan.dir, { recursive: true });
  return join(plan.dir, `${randomBytes(6).toString('hex')}-${basename(rel)}`);
}

/**
 * Parses and checks every message of the unit, splits events by day and dead letters by day (of
 * their Kafka timestamp), and writes one Parquet file per part. Runs on a worker thread when the
 * lander has one, else inline.
 */
export async function stageUnit(unit: RawUnit, writer: ParquetWriter, plan: StagingPlan): Promise<StagedUnit> {
  const name = unitFileName(unit.topic, unit.partition, unit.first, unit.last);
  const events = new Map<string, Rees46Row[]>();
  const dead = new Map<string, DeadLetter[]>();
  const codes: Record<string, number> = {};
  const buffer = Buffer.from(unit.values.buffer, unit.values.byteOffset, unit.values.byteLength);
  let start = 0;
  for (let i = 0; i < unit.ends.length; i++) {
    const end = unit.ends[i]!;
    const value = unit.nulls[i] ? null : buffer.subarray(start, end);
    start = end;
    const parsed = parseMessage(value, unit.format);
    if (parsed.ok) {
      const day = parsed.row.event_time.slice(0, 10);
      let rows = events.get(day);
      if (!rows) events.set(day, (rows = []));
      rows.push(parsed.row);
      continue;
    }
    const ms = unit.timestamps[i]!;
    const day = new Date(Number.isFinite(ms) && ms >= 0 ? ms : 0).toISOString().slice(0, 10);
    let rows = dead.get(day);
    if (!rows) dead.set(day, (rows = []));
    rows.push({
      topic: unit.topic,
      partition: unit.partition,
      offset: unit.offsets[i]!,
      timestampMs: Number.isFinite(ms) ? ms : 0,
      key: unit.keys[i] ?? null,
      payload: value === null ? null : value.toString('utf8'),
      reason: parsed.reject.reason,
    });
    codes[parsed.reject.code] = (codes[parsed.reject.code] ?? 0) + 1;
  }
  const parts: StagedPart[] = [];
  for (const [day, rows] of [...events].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const rel = `${unit.source}/date=${day}/${name}`;
    const staged = await stagingPathFor(plan, rel);
    await writer.writeEvents(rows, staged);
    parts.push({ rel, staged, rows: rows.length, dead: false });
  }
  for (const [day, rows] of [...dead].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const rel = `${deadLetterDataset(unit.source)}/date=${day}/${name}`;
    const staged = await stagingPathFor(plan, rel);
    await writer.writeDeadLetters(rows, staged);
    parts.push({ rel, staged, rows: rows.length, dead: true });
  }
  return { parts, codes };
}
