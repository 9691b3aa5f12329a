import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { replay } from '../connectors/replay/replay.js';
import { NotebookSession } from '../engine/index.js';
import { uniqueTopic, waitFor } from './services/helpers.js';
import { noteSkip, useServices, type Services } from './services/services.js';

const services = await useServices();
const skip = noteSkip('tests/kafka-land-notebook.test.ts', services);
const repo = resolve(import.meta.dirname, '..');
const sample = join(repo, 'tests', 'fixtures', 'rees46-2019-oct-sample.csv');

describe.skipIf(skip)('kohort land NOTEBOOK --pipeline NAME (real broker)', () => {
  const root = mkdtempSync(join(tmpdir(), 'kohort-land-nb-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test('a pipeline cell lands a topic, and the notebook queries what landed', async () => {
    const brokers = (services as Services).kafka;
    const topic = uniqueTopic('nb');
    const lake = join(root, 'lake');
    const notebook = join(root, 'live.kohort');
    writeFileSync(
      notebook,
      `source events = lake "events" key user_id time event_time
pipeline live = kafka "${topic}" brokers "${brokers}" format csv into events flush 1 seconds
query funnel = from events group by event_type select n = count() order by n desc
`,
    );
    await replay({ brokers, topic, from: sample, format: 'csv' });

    const child = spawn(process.execPath, [join(repo, 'bin', 'kohort.js'), 'land', notebook, '--pipeline', 'live', '--lake', lake, '--status', 'json'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr.on('data', (b: Buffer) => (log += b.toString()));
    try {
      await waitFor('1,000 landed events', async () => (/"landed":1000\b/.test(log) ? true : undefined), 90_000);
    } finally {
      child.kill('SIGINT');
      await new Promise((r) => child.on('exit', r));
    }
    const session = await NotebookSession.open({ file: notebook, lake });
    try {
      const result = await session.run('funnel');
      expect(result.table.rows.map((r) => [r[0], r[1]])).toEqual([
        ['view', 987n],
        ['purchase', 10n],
        ['cart', 3n],
      ]);
    } finally {
      await session.close();
    }
  });

  test('a missing pipeline is named, with a suggestion', async () => {
    const notebook = join(root, 'typo.kohort');
    writeFileSync(notebook, 'source events = lake "events" key user_id time event_time\npipeline live = kafka "t" brokers "127.0.0.1:9092" into events\n');
    const child = spawn(process.execPath, [join(repo, 'bin', 'kohort.js'), 'land', notebook, '--pipeline', 'lve'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(1);
    expect(err).toContain('has no pipeline `lve` — did you mean `live`?');
    expect(err).not.toMatch(/\n\s+at /);
  });
});
