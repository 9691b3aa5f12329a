import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { membershipFile } from '../../dsl/history-paths.js';
import { useScratch } from '../../tests/support/scratch.js';
import { MembershipIndex } from './membership-index.js';

const scratch = useScratch('kohort-membership-index');
let lake: string;

/** Keys at the edges of BIGINT and of the 32-bit halves the index splits them into. */
const edges = ['-9223372036854775808', '-4294967297', '-4294967296', '-1', '0', '1', '4294967295', '4294967296', '9007199254740993', '9223372036854775807'];

async function writeStays(segment: string, keyType: string, rows: { key: string; left: boolean; since: string }[]): Promise<void> {
  const file = membershipFile(lake, 'nb', segment);
  mkdirSync(dirname(file), { recursive: true });
  const values = rows.map((r) => `('${r.key}'::${keyType}, TIMESTAMP '${r.since}', ${r.left ? "TIMESTAMP '2019-11-01'" : 'NULL'}, 'r1', ${r.left ? "'r2'" : 'NULL'})`).join(', ');
  await scratch.db.run(`COPY (SELECT * FROM (VALUES ${values}) t(customer, entered_at, left_at, entered_run, left_run)) TO '${file}' (FORMAT parquet)`);
}

let index: MembershipIndex;

beforeAll(async () => {
  lake = scratch.freshLake();
  // Written out of order: the index sorts.
  await writeStays('edges', 'BIGINT', [...edges].reverse().map((key, i) => ({ key, left: false, since: `2019-10-0${(i % 9) + 1}` })));
  await writeStays('odd', 'BIGINT', edges.map((key, i) => ({ key, left: i % 2 === 0, since: '2019-10-02' })));
  await writeStays('names', 'VARCHAR', ['zoë', 'Zed', 'ann', 'Ann', 'émile', '10', '9'].map((key, i) => ({ key, left: i === 6, since: '2019-10-03' })));
  index = await MembershipIndex.load(scratch.db, lake, 'nb');
});

describe('MembershipIndex', () => {
  test('finds every integer key at the edges, and nothing else', () => {
    for (const key of edges) expect(index.segmentsOf(key).map((s) => s.segment)).toEqual(edges.indexOf(key) % 2 === 1 ? ['edges', 'odd'] : ['edges']);
    for (const other of ['2', '-2', '4294967294', '9007199254740992', '9223372036854775806', '9223372036854775808', 'x', '']) expect(index.segmentsOf(other)).toEqual([]);
    // The same integer written otherwise.
    expect(index.segmentsOf('007')).toEqual([]);
    expect(index.segmentsOf('0001').map((s) => s.segment)).toEqual(['edges', 'odd']);
  });

  test('pages walk the keys in order from a cursor, exactly', () => {
    const all: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = index.members('edges', after, 3);
      all.push(...page.members.map((m) => m.key));
      if (page.next === null) break;
      after = page.next;
    }
    expect(all).toEqual(edges);
    expect(index.members('edges', '-2', 2).members.map((m) => m.key)).toEqual(['-1', '0']);
    expect(index.members('edges', '9223372036854775807', 5)).toEqual({ members: [], next: null });
    expect(index.size('odd')).toBe(5);
    expect(index.members('odd', undefined, 10).members.map((m) => m.key)).toEqual(edges.filter((_, i) => i % 2 === 1));
  });

  test('text keys: case and accents as they are, in code unit order', () => {
    expect(index.members('names', undefined, 10).members.map((m) => m.key)).toEqual(['10', 'Ann', 'Zed', 'ann', 'zoë', 'émile']);
    expect(index.segmentsOf('Ann')).toEqual([{ segment: 'names', since: '2019-10-03T00:00:00.000Z' }]);
    expect(index.segmentsOf('ANN')).toEqual([]);
    expect(index.segmentsOf('9')).toEqual([]); // its stay is closed
    expect(index.members('names', 'Zed', 2)).toEqual({ members: [{ key: 'ann', since: '2019-10-03T00:00:00.000Z' }, { key: 'zoë', since: '2019-10-03T00:00:00.000Z' }], next: 'zoë' });
  });
});
