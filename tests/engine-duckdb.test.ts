import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDuckDB, type KohortDuckDB } from '../engine/duckdb.js';
import { explainDuckDBError } from '../engine/errors.js';

// A workspace and a lake DuckDB may read, and a secret next to them it may not.
let root: string;
let workspace: string;
let lake: string;
let db: KohortDuckDB;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kohort-duckdb-'));
  workspace = join(root, 'ws');
  lake = join(root, 'lake');
  mkdirSync(join(workspace, 'data'), { recursive: true });
  mkdirSync(join(lake, 'events'), { recursive: true });
  mkdirSync(join(root, 'outside'));
  mkdirSync(join(root, 'ws-evil'));
  writeFileSync(join(workspace, 'data', 'ok.csv'), 'a,b\n1,2\n');
  writeFileSync(join(root, 'outside', 'secret.csv'), 'secret\nhunter2\n');
  writeFileSync(join(root, 'ws-evil', 'secret.csv'), 'secret\nhunter2\n');
  symlinkSync(join(root, 'outside', 'secret.csv'), join(workspace, 'link.csv'));
  symlinkSync(join(root, 'outside'), join(workspace, 'outside-link'));
  db = await openDuckDB({ workspace, lake, threads: 1 });
});

afterAll(() => {
  db?.close();
  rmSync(root, { recursive: true, force: true });
});

async function refusal(sql: string): Promise<string> {
  try {
    await db.connection.run(sql);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`DuckDB ran: ${sql}`);
}

describe('a run’s DuckDB', () => {
  test('reads the workspace and the lake', async () => {
    const r = await db.connection.runAndReadAll(`SELECT * FROM read_csv('${workspace}/data/ok.csv')`);
    expect(r.getRowsJS()).toEqual([[1n, 2n]]);
    await db.connection.run(`SELECT * FROM glob('${lake}/**')`);
  });

  test('runs in UTC', async () => {
    const r = await db.connection.runAndReadAll(`SELECT current_setting('TimeZone'), strftime(TIMESTAMPTZ '2019-10-01 12:00:00+02', '%H')`);
    expect(r.getRowsJS()).toEqual([['UTC', '10']]);
  });

  test.each([
    [`SELECT * FROM read_csv('/etc/passwd')`, '/etc/passwd'],
    [`SELECT * FROM read_text('/etc/passwd')`, '/etc/passwd'],
    [`SELECT * FROM read_blob('/etc/hostname')`, '/etc/hostname'],
    [`SELECT * FROM read_json('/etc/hostname')`, '/etc/hostname'],
    [`SELECT * FROM glob('/etc/*')`, '/etc/*'],
    [`SELECT * FROM parquet_metadata('/etc/passwd')`, '/etc/passwd'],
    [`SELECT * FROM sniff_csv('/etc/passwd')`, '/etc/passwd'],
    [`SELECT * FROM read_csv('https://example.com/x.csv')`, 'https://example.com/x.csv'],
  ])('refuses to read outside: %s', async (sql, path) => {
    const message = await refusal(sql);
    expect(message).toMatch(/^Permission Error: Cannot access (file|directory)/);
    expect(message).toContain(path);
  });

  test('refuses escapes through .., symlinks and name prefixes', async () => {
    for (const path of [
      `${workspace}/../outside/secret.csv`,
      `${workspace}/data/../../outside/secret.csv`,
      `${workspace}/link.csv`,
      `${workspace}/outside-link/secret.csv`,
      `${root}/ws-evil/secret.csv`,
      '../outside/secret.csv',
    ]) {
      expect(await refusal(`SELECT * FROM read_csv('${path}')`)).toMatch(/^Permission Error/);
    }
  });

  test('refuses to write anywhere outside, even with COPY and EXPORT', async () => {
    const target = join(root, 'outside', 'copied.csv');
    expect(await refusal(`COPY (SELECT 42) TO '${target}'`)).toMatch(/^Permission Error/);
    expect(await refusal(`COPY (SELECT 42) TO '/tmp/kohort-escape.csv'`)).toMatch(/^Permission Error/);
    expect(await refusal(`EXPORT DATABASE '${join(root, 'outside', 'export')}'`)).toMatch(/^Permission Error/);
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(join(root, 'outside'))).toEqual(['secret.csv']);
  });

  test('refuses ATTACH outside, INSTALL and LOAD', async () => {
    expect(await refusal(`ATTACH '${join(root, 'outside', 'x.db')}'`)).toMatch(/^Permission Error/);
    expect(await refusal(`INSTALL httpfs`)).toMatch(/^Permission Error/);
    expect(await refusal(`LOAD httpfs`)).toMatch(/^Permission Error: Loading external extensions is disabled/);
    expect(await refusal(`LOAD '${join(workspace, 'evil.duckdb_extension')}'`)).toMatch(/^Permission Error/);
  });

  test('refuses to lift the confinement from SQL', async () => {
    for (const sql of [
      'SET enable_external_access = true',
      "SET allowed_directories = ['/']",
      "SET allowed_paths = ['/etc/passwd']",
      'SET lock_configuration = false',
      'RESET lock_configuration',
      "SET temp_directory = '/tmp'",
      'PRAGMA enable_external_access = true',
    ]) {
      expect(await refusal(sql)).toMatch(/the configuration has been locked/);
    }
    expect(await refusal(`SELECT * FROM read_csv('/etc/passwd')`)).toMatch(/^Permission Error/);
  });

  test('rewords a refusal so it names what kohort reads', async () => {
    const message = explainDuckDBError(new Error(await refusal(`SELECT * FROM read_text('/etc/passwd')`)), db.readable);
    expect(message).toBe(`cannot access /etc/passwd: kohort reads only files under ${db.readable.join(', ')} (the notebook's folder and the lake)`);
  });

  test('spills to .kohort/tmp in the workspace when memory runs short', async () => {
    const small = await openDuckDB({ workspace, lake, threads: 1, memoryLimit: '64MB' });
    try {
      // A temporary table well over the memory limit has to live in DuckDB's temp files.
      await small.connection.run(`CREATE TEMP TABLE big AS SELECT range::VARCHAR || repeat('x', 40) AS v FROM range(3000000) ORDER BY v DESC`);
      const files = (await small.connection.runAndReadAll('SELECT path, size FROM duckdb_temporary_files()')).getRowsJS();
      expect(files.length).toBeGreaterThan(0);
      for (const [path] of files) expect(String(path).startsWith(join(workspace, '.kohort', 'tmp') + '/')).toBe(true);
      const total = files.reduce((n, [, size]) => n + Number(size), 0);
      expect(total).toBeGreaterThan(64 * 1024 * 1024);
    } finally {
      small.close();
    }
  });

  test('falls back to a private spill folder, removed on close, when the workspace cannot hold one', async () => {
    const readOnly = join(root, 'read-only-ws');
    mkdirSync(readOnly);
    writeFileSync(join(readOnly, '.kohort'), 'a file where the folder would go');
    const other = await openDuckDB({ workspace: readOnly, lake, threads: 1 });
    const spill = other.tempDirectory;
    try {
      expect(spill.startsWith(join(tmpdir(), 'kohort-spill-'))).toBe(true);
      const r = await other.connection.runAndReadAll(`SELECT current_setting('temp_directory')`);
      expect(r.getRowsJS()).toEqual([[spill]]);
    } finally {
      other.close();
    }
    expect(existsSync(spill)).toBe(false);
  });

  test('the spill folder is the workspace’s own by default (DuckDB lets SQL read it)', async () => {
    expect(db.tempDirectory).toBe(join(workspace, '.kohort', 'tmp'));
    // Why it must be kohort's own folder: DuckDB exempts it from allowed_directories.
    writeFileSync(join(db.tempDirectory, 'note.txt'), 'visible');
    const r = await db.connection.runAndReadAll(`SELECT content FROM read_text('${join(db.tempDirectory, 'note.txt')}')`);
    expect(r.getRowsJS()).toEqual([['visible']]);
  });
});

