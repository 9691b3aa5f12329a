import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { main } from '../cli/main.js';
import type { Io } from '../cli/io.js';
import { A, C } from './support/hand-events.js';
import { writeHandEvents } from './support/hand-lake.js';
import { useScratch } from './support/scratch.js';

const scratch = useScratch('kohort-export');
let workspace: string;
let lake: string;

const notebook = (rule = 'purchases > 0') => `--- kohort
source events = lake "events" key user_id time event_time
metric purchases = count() where event_type = "purchase"
metric revenue = sum(price) where event_type = "purchase"
profile customers = purchases, revenue
segment buyers = ${rule}
`;

async function kohort(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: { KOHORT_THREADS: '1' } };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

beforeAll(async () => {
  workspace = join(scratch.root, 'workspace');
  lake = join(scratch.root, 'lake');
  mkdirSync(workspace);
  mkdirSync(lake);
  await writeHandEvents(scratch.db, join(lake, 'events'));
  writeFileSync(join(workspace, 'shop.kohort'), notebook());
});

const nb = () => join(workspace, 'shop.kohort');

describe('kohort export', () => {
  test('csv: the members with the segment’s columns, exact ids, metadata beside the file', async () => {
    const out = join(scratch.root, 'buyers.csv');
    const r = await kohort(['export', nb(), '--segment', 'buyers', '--format', 'csv', '--out', out, '--lake', lake]);
    expect(r.stderr).toContain('2 members');
    expect(r.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('user_id,purchases');
    expect(lines.slice(1).sort()).toEqual([`${A},2`, `${C},1`].sort());
    const meta = JSON.parse(readFileSync(`${out}.meta.json`, 'utf8')) as Record<string, unknown> & { dataVersion: { files: number; version: string } };
    expect(meta).toMatchObject({ notebook: 'shop', segment: 'buyers', keyColumn: 'user_id', format: 'csv', members: 2, columns: ['user_id', 'purchases'] });
    expect(meta['asOf']).toMatch(/^2019-10-03[ T]12:30:00/);
    expect(meta['definitionHash']).toMatch(/^[0-9a-f]{32}$/);
    // Three days, three partition files: the files the scan reads.
    expect(meta.dataVersion.files).toBe(3);
  });

  test('parquet: key/value metadata and BIGINT ids that keep every digit', async () => {
    const out = join(scratch.root, 'buyers.parquet');
    const r = await kohort(['export', nb(), '--segment', 'buyers', '--out', out, '--lake', lake]);
    expect(r.code).toBe(0);
    expect(existsSync(`${out}.meta.json`)).toBe(false);
    const rows = await scratch.rows(`SELECT user_id::VARCHAR AS id, typeof(user_id) AS t FROM '${out}' ORDER BY user_id`);
    expect(rows).toEqual([
      { id: C, t: 'BIGINT' },
      { id: A, t: 'BIGINT' },
    ]);
    const kv = Object.fromEntries(
      (await scratch.rows(`SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('${out}')`)).map((r) => [r['k'], r['v']]),
    );
    const csvMeta = JSON.parse(readFileSync(join(scratch.root, 'buyers.csv.meta.json'), 'utf8')) as { definitionHash: string; dataVersion: { version: string } };
    expect(kv['kohort.definition_hash']).toBe(csvMeta.definitionHash);
    expect(kv['kohort.data_version']).toBe(csvMeta.dataVersion.version);
    expect(kv['kohort.as_of']).toMatch(/^2019-10-03/);
    expect(JSON.parse(String(kv['kohort']))).toMatchObject({ segment: 'buyers', format: 'parquet' });
  });

  test('json: one object with the metadata and the members; as-of moves members, not the definition hash', async () => {
    const out = join(scratch.root, 'early.json');
    const r = await kohort(['export', nb(), '--segment', 'buyers', '--format', 'json', '--out', out, '--lake', lake, '--as-of', '2019-10-02']);
    expect(r.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    // The id is written with all its digits (a JS number would end in …880).
    expect(text).toContain(`"user_id":${A}`);
    const doc = JSON.parse(text) as { kohort: { members: number; asOf: string; definitionHash: string }; members: unknown[] };
    expect(doc.kohort.members).toBe(1);
    expect(doc.members).toHaveLength(1);
    expect(doc.kohort.asOf).toMatch(/^2019-10-02[ T]23:59:59/);
    const csvMeta = JSON.parse(readFileSync(join(scratch.root, 'buyers.csv.meta.json'), 'utf8')) as { definitionHash: string };
    expect(doc.kohort.definitionHash).toBe(csvMeta.definitionHash);
  });

  test('the definition hash follows the rules, not the layout', async () => {
    const hashOf = async (text: string) => {
      const file = join(workspace, 'variant.kohort');
      writeFileSync(file, text);
      const out = join(scratch.root, 'variant.json');
      expect((await kohort(['export', file, '--segment', 'buyers', '--out', out, '--lake', lake])).code).toBe(0);
      return (JSON.parse(readFileSync(out, 'utf8')) as { kohort: { definitionHash: string } }).kohort.definitionHash;
    };
    const base = await hashOf(notebook());
    expect(await hashOf(notebook().replace('segment buyers = purchases > 0', 'segment   buyers =\n  purchases > 0'))).toBe(base);
    expect(await hashOf(`${notebook()}metric views = count() where event_type = "view"\n`)).toBe(base);
    expect(await hashOf(notebook('purchases > 1'))).not.toBe(base);
    expect(await hashOf(notebook().replace('"purchase"', '"cart"'))).not.toBe(base);
  });

  test('mistakes name their place', async () => {
    const notSegment = await kohort(['export', nb(), '--segment', 'customers', '--out', join(scratch.root, 'x.csv'), '--lake', lake]);
    expect(notSegment.code).toBe(1);
    expect(notSegment.stderr).toMatch(/shop\.kohort:5:1: `customers` is a profile, not a segment/);
    const typo = await kohort(['export', nb(), '--segment', 'buyer', '--out', join(scratch.root, 'x.csv'), '--lake', lake]);
    expect(typo.stderr).toContain('did you mean `buyers`');
    const folder = await kohort(['export', nb(), '--segment', 'buyers', '--out', join(scratch.root, 'missing', 'x.csv'), '--lake', lake]);
    expect(folder.code).toBe(1);
    expect(folder.stderr).toContain(`${join(scratch.root, 'missing')}: the folder to write the export into does not exist`);
    const usage = await kohort(['export', nb(), '--out', join(scratch.root, 'x.csv')]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--segment NAME is required');
    for (const r of [notSegment, typo, folder, usage]) expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});
