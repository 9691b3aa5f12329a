import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { membershipFile } from '../../dsl/index.js';
import { NotebookSession } from '../session.js';
import { A, C, writeHandEvents } from '../../tests/support/hand-events.js';
import { useScratch } from '../../tests/support/scratch.js';
import { parquetSchema, staysSchema } from '../../tests/support/stays.js';
import { writeRunHistory } from './index.js';

/**
 * A cell that reads a segment's membership runs before the notebook's first run: the engine
 * creates the file, empty and of the right schema. Keys beyond 2^53 stay exact in the stays.
 */

const scratch = useScratch('kohort-history-inputs');
let lake: string;
let file: string;

beforeAll(async () => {
  lake = scratch.freshLake();
  mkdirSync(lake);
  await writeHandEvents(scratch.db, lake);
  file = join(scratch.root, 'shop.kohort');
  writeFileSync(
    file,
    `--- kohort
source events = lake "events" key user_id time event_time
metric purchases = count() where event_type = "purchase"
segment buyers = purchases > 0

--- sql stays
SELECT CAST(user_id AS VARCHAR) AS id, entered_run, left_run FROM read_parquet('${membershipFile(lake, 'shop', 'buyers')}') ORDER BY user_id
`,
  );
});

describe('membership files exist before cells read them', () => {
  test('a notebook that never ran reads an empty membership of the right schema', async () => {
    expect(existsSync(membershipFile(lake, 'shop', 'buyers'))).toBe(false);
    const session = await NotebookSession.open({ file, lake });
    try {
      const [stays] = await session.runMany(['stays']);
      expect(stays!.table.rowCount).toBe(0);
      expect(stays!.table.columns.map((c) => c.name)).toEqual(['id', 'entered_run', 'left_run']);
    } finally {
      session.close();
    }
    expect(await parquetSchema(scratch, membershipFile(lake, 'shop', 'buyers'))).toEqual(staysSchema);
  });

  test('after a run the same cell reads the stays, ids exact; the empty file never replaces them', async () => {
    let session = await NotebookSession.open({ file, lake });
    try {
      const report = await writeRunHistory(session, ['buyers'], { notebook: 'shop', runId: 'first', asOf: '2019-10-03' });
      expect(report.segments).toEqual([{ name: 'buyers', effect: 'advanced', members: 2, joined: 2, left: 0 }]);
    } finally {
      session.close();
    }
    session = await NotebookSession.open({ file, lake });
    try {
      const [stays] = await session.runMany(['stays']);
      expect(stays!.table.rows).toEqual([
        [C, 'first', null],
        [A, 'first', null],
      ]);
    } finally {
      session.close();
    }
  });
});
