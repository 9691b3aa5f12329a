import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { membershipFile } from '../../dsl/history-paths.js';
import { sqlIdentifier, sqlString } from '../duckdb.js';
import { IntegerKeys, KeyRows, keyHalves } from './integer-keys.js';

/** A member of a segment now: the key (text, exact) and when the current stay began (ISO 8601). */
export interface CurrentMember {
  key: string;
  since: string;
}

/** One segment's current members, sorted by key: integer keys packed, others as text. */
interface SegmentMembers {
  keyColumn: string;
  /** Integer keys (BIGINT and narrower), ascending; looked up through the index's `KeyRows`. */
  ints?: IntegerKeys;
  /** Other keys, ascending by UTF-16 code unit (JavaScript's `<`). */
  texts?: string[];
  /** Start of the current stay, epoch milliseconds, aligned with the keys. */
  since: Float64Array;
}

const integerKey = /^(TINYINT|SMALLINT|INTEGER|BIGINT|UTINYINT|USMALLINT|UINTEGER)$/;
const int64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };

/**
 * The current members of every segment of one notebook, from the run history's stays
 * (`_kohort/membership/<notebook>/<segment>/intervals.parquet`, open stays only), held in memory
 * as sorted arrays, the integer keys of every segment also in one hash table (`KeyRows`): "which
 * segments is this customer in" is one probe (a microsecond or two for six segments of ~3M), and
 * a page of members walks one array from the cursor. 3M integer keys take 16 MB per segment (key
 * halves + since); the table ~60 MB per 3M distinct customers, plus 12 MB per segment.
 * `load` again after a run publishes (see `fingerprint`).
 */
export class MembershipIndex {
  /** The integer-keyed segments, in the order of `rows`' sets. */
  private readonly intSegments: { name: string; members: SegmentMembers }[];
  private readonly rows: KeyRows;

  private constructor(
    /** What the index was loaded from: the stays files with their sizes and times. */
    readonly fingerprint: string,
    private readonly segments: ReadonlyMap<string, SegmentMembers>,
  ) {
    this.intSegments = [...segments].filter(([, m]) => m.ints).map(([name, members]) => ({ name, members }));
    this.rows = new KeyRows(this.intSegments.map((s) => s.members.ints!));
  }

  /** Reads the open stays of each segment of `notebook` in `lake`. */
  static async load(connection: DuckDBConnection, lake: string, notebook: string): Promise<MembershipIndex> {
    const fingerprint = await membershipFingerprint(lake, notebook);
    const segments = new Map<string, SegmentMembers>();
    for (const segment of await segmentNames(lake, notebook)) {
      const file = sqlString(membershipFile(lake, notebook, segment));
      const columns = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${file})`)).getRows();
      const keyColumn = String(columns[0]![0]);
      const integer = integerKey.test(String(columns[0]![1]));
      const k = sqlIdentifier(keyColumn);
      const open = `FROM read_parquet(${file}) WHERE "left_at" IS NULL AND ${k} IS NOT NULL`;
      const count = Number((await connection.runAndReadAll(`SELECT count(*) ${open}`)).getRows()[0]![0]);
      const since = new Float64Array(count);
      const halves = integer ? new Int32Array(2 * count) : undefined;
      const texts: string[] | undefined = integer ? undefined : [];
      const result = await connection.stream(`SELECT ${integer ? `CAST(${k} AS BIGINT)` : `CAST(${k} AS VARCHAR)`}, epoch_ms("entered_at") ${open} ORDER BY 1`);
      let n = 0;
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        const keys = chunk.getColumnVector(0);
        const starts = chunk.getColumnVector(1);
        for (let i = 0; i < chunk.rowCount && n < count; i++, n++) {
          if (halves) {
            const { hi, lo } = keyHalves(keys.getItem(i) as bigint);
            halves[2 * n] = hi;
            halves[2 * n + 1] = lo;
          } else texts!.push(String(keys.getItem(i)));
          since[n] = Number(starts.getItem(i));
        }
      }
      if (texts) sortTexts(texts, since);
      segments.set(segment, { keyColumn, since, ...(halves ? { ints: new IntegerKeys(halves) } : { texts: texts! }) });
    }
    return new MembershipIndex(fingerprint, segments);
  }

  /** The segments with history, by name. */
  get segmentNames(): string[] {
    return [...this.segments.keys()].sort();
  }

  has(segment: string): boolean {
    return this.segments.has(segment);
  }

  size(segment: string): number {
    return this.segments.get(segment)?.since.length ?? 0;
  }

  keyColumn(segment: string): string | undefined {
    return this.segments.get(segment)?.keyColumn;
  }

  /** The segments `key` is a member of now, with the start of each stay. */
  segmentsOf(key: string): { segment: string; since: string }[] {
    const out: { segment: string; since: string }[] = [];
    const asInt = halves(key);
    const row = asInt === undefined ? -1 : this.rows.rowOf(asInt.hi, asInt.lo);
    if (row >= 0) {
      this.intSegments.forEach(({ name, members }, s) => {
        const at = this.rows.positionIn(row, s);
        if (at >= 0) out.push({ segment: name, since: isoTime(members.since[at]!) });
      });
    }
    for (const [segment, members] of this.segments) {
      if (members.texts === undefined) continue;
      const at = findText(members.texts, key);
      if (at >= 0) out.push({ segment, since: isoTime(members.since[at]!) });
    }
    return out.sort((a, b) => (a.segment < b.segment ? -1 : 1));
  }

  /**
   * Members in key order after `after` (a key from the previous page; none: from the start), at
   * most `limit`, and the cursor of the next page (null at the end). Stable while the index is.
   */
  members(segment: string, after: string | undefined, limit: number): { members: CurrentMember[]; next: string | null } {
    const m = this.segments.get(segment);
    if (!m) return { members: [], next: null };
    const length = m.since.length;
    let start = after === undefined ? 0 : upperBound(m, after);
    const members: CurrentMember[] = [];
    for (; start < length && members.length < limit; start++) members.push({ key: keyAt(m, start), since: isoTime(m.since[start]!) });
    return { members, next: start < length && members.length > 0 ? members[members.length - 1]!.key : null };
  }
}

/** The segment folders of a notebook's membership history that hold stays. */
async function segmentNames(lake: string, notebook: string): Promise<string[]> {
  const folder = dirname(dirname(membershipFile(lake, notebook, 'x')));
  const names = await readdir(folder).catch(() => [] as string[]);
  const out: string[] = [];
  for (const name of names.sort()) {
    if ((await stat(membershipFile(lake, notebook, name)).catch(() => undefined))?.isFile()) out.push(name);
  }
  return out;
}

/** The stays files of a notebook with size and time: changes exactly when a run publishes. */
export async function membershipFingerprint(lake: string, notebook: string): Promise<string> {
  const parts: string[] = [];
  for (const name of await segmentNames(lake, notebook)) {
    const info = await stat(membershipFile(lake, notebook, name)).catch(() => undefined);
    if (info) parts.push(`${name}\t${info.size}\t${info.mtimeMs}\t${info.ino}`);
  }
  return parts.join('\n');
}

/** Stays start at the as-of times of runs, so few instants recur: each is formatted once. */
const isoTimes = new Map<number, string>();
function isoTime(millis: number): string {
  let text = isoTimes.get(millis);
  if (text === undefined) {
    text = new Date(millis).toISOString();
    if (isoTimes.size > 10_000) isoTimes.clear();
    isoTimes.set(millis, text);
  }
  return text;
}

function keyAt(m: SegmentMembers, i: number): string {
  return m.ints ? m.ints.keyAt(i) : m.texts![i]!;
}

/** A BIGINT key as its halves; undefined when it is not one. */
function halves(key: string): { hi: number; lo: number } | undefined {
  const k = intKey(key);
  return k === undefined ? undefined : keyHalves(k);
}

/** The index of `key` among sorted text keys, or -1. */
function findText(texts: readonly string[], key: string): number {
  const i = search(texts.length, (j) => texts[j]! < key);
  return i < texts.length && texts[i] === key ? i : -1;
}

/** The first position whose key is > `key`. */
function upperBound(m: SegmentMembers, key: string): number {
  const ints = m.ints;
  if (ints) {
    const k = halves(key);
    if (k === undefined) return /^-/.test(key) ? 0 : ints.length;
    return ints.upperBound(k.hi, k.lo);
  }
  return search(m.texts!.length, (i) => m.texts![i]! <= key);
}

/** An integer key within BIGINT's range, or undefined. */
function intKey(key: string): bigint | undefined {
  if (!/^-?\d{1,20}$/.test(key)) return undefined;
  const k = BigInt(key);
  return k < int64.min || k > int64.max ? undefined : k;
}

/** The first i in [0, n) where `before(i)` is false (binary search over a sorted array). */
function search(n: number, before: (i: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Sorts text keys by JavaScript's order (DuckDB's collation may differ), `since` alongside. */
function sortTexts(texts: string[], since: Float64Array): void {
  const order = texts.map((_, i) => i).sort((a, b) => (texts[a]! < texts[b]! ? -1 : texts[a]! > texts[b]! ? 1 : 0));
  const keys = order.map((i) => texts[i]!);
  const starts = Float64Array.from(order, (i) => since[i]!);
  for (let i = 0; i < keys.length; i++) texts[i] = keys[i]!;
  since.set(starts);
}
