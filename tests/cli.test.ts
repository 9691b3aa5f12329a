import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { main } from '../cli/main.js';

const repo = resolve(import.meta.dirname, '..');
const bin = join(repo, 'bin', 'kohort.js');
const sample = join(repo, 'tests', 'fixtures', 'rees46-2019-oct-sample.csv');

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `kohort` binary, as a user would. */
function kohort(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Ran> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: options.cwd ?? root, env: { PATH: process.env['PATH'] ?? '', KOHORT_THREADS: '1', ...options.env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function noStackTrace(text: string): void {
  expect(text).not.toMatch(/^\s+at /m);
  expect(text).not.toContain('.js:');
}

let root: string;
let lake: string;

const notebook = `--- markdown
# CLI test notebook

--- kohort
source events = lake "events" key user_id time event_time

metric views = count() where event_type = "view"
metric purchases = count() where event_type = "purchase"
metric revenue = sum(price) where event_type = "purchase"

profile customers = views, purchases, revenue
segment buyers = purchases > 0
query categories = from events group by category_id select n = count() order by n desc, category_id limit 3

--- sql buyers_count
select count(*) as buyers from buyers
`;

/** Expected answers, straight from the CSV with hand-written SQL: no kohort code involved. */
let expected: {
  customers: Map<string, [number, number, number]>;
  categories: [string, number][];
  buyers: number;
  asOf: string;
};

beforeAll(async () => {
  // The tests run the built CLI; a dist older than the sources would test old code.
  const built = statSync(join(repo, 'dist', 'cli', 'main.js'), { throwIfNoEntry: false });
  const newest = Math.max(
    ...['cli', 'engine', 'dsl'].flatMap((dir) =>
      readdirSync(join(repo, dir), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
        .map((f) => statSync(join(repo, dir, f)).mtimeMs),
    ),
  );
  if (!built || built.mtimeMs < newest) throw new Error('dist/ is missing or older than the sources: run `npm run build` first');

  root = mkdtempSync(join(tmpdir(), 'kohort-cli-'));
  lake = join(root, 'lake');
  mkdirSync(lake);
  writeFileSync(join(root, 'shop.kohort'), notebook);

  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  const csv = `read_csv('${sample}', all_varchar = true)`;
  const typed = `SELECT strptime(event_time, '%Y-%m-%d %H:%M:%S UTC')::TIMESTAMP AS event_time, event_type,
      product_id::BIGINT AS product_id, category_id::BIGINT AS category_id, nullif(category_code, '') AS category_code,
      nullif(brand, '') AS brand, price::DOUBLE AS price, user_id::BIGINT AS user_id, nullif(user_session, '') AS user_session
    FROM ${csv}`;
  await c.run(`COPY (SELECT *, CAST(event_time AS DATE) AS date FROM (${typed})) TO '${join(lake, 'events')}' (FORMAT parquet, PARTITION_BY (date))`);
  const customers = new Map<string, [number, number, number]>();
  const rows = (
    await c.runAndReadAll(`SELECT user_id::VARCHAR, count(*) FILTER (WHERE event_type = 'view'), count(*) FILTER (WHERE event_type = 'purchase'),
      coalesce(sum(price::DOUBLE) FILTER (WHERE event_type = 'purchase'), 0) FROM ${csv} GROUP BY user_id`)
  ).getRowsJS();
  for (const [id, v, p, r] of rows) customers.set(String(id), [Number(v), Number(p), Number(r)]);
  const categories = (
    await c.runAndReadAll(`SELECT category_id::VARCHAR, count(*) AS n FROM ${csv} GROUP BY category_id ORDER BY n DESC, category_id::BIGINT LIMIT 3`)
  )
    .getRowsJS()
    .map(([id, n]) => [String(id), Number(n)] as [string, number]);
  const buyers = [...customers.values()].filter(([, p]) => p > 0).length;
  const asOf = String((await c.runAndReadAll(`SELECT strftime(max(strptime(event_time, '%Y-%m-%d %H:%M:%S UTC')), '%Y-%m-%dT%H:%M:%S') FROM ${csv}`)).getRowsJS()[0]![0]);
  expected = { customers, categories, buyers, asOf };
  c.closeSync();
  instance.closeSync();
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('kohort basics', () => {
  test('--version prints the package version', async () => {
    const r = await kohort(['--version']);
    expect(r).toEqual({ code: 0, stdout: 'kohort 0.1.0\n', stderr: '' });
  });

  test('--help lists the commands; no command is a usage error', async () => {
    const help = await kohort(['--help']);
    expect(help.code).toBe(0);
    for (const c of ['check', 'compile', 'run', 'import', 'generate']) expect(help.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    const none = await kohort([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('usage: kohort COMMAND');
  });

  test('help CMD and CMD --help show the command’s options', async () => {
    const a = await kohort(['help', 'run']);
    const b = await kohort(['run', '--help']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toContain('--format table|csv|json');
  });

  test.each([
    [['frobnicate'], 'kohort: unknown command `frobnicate`'],
    [['--frobnicate'], 'kohort: unknown option `--frobnicate`'],
    [['run', 'shop.kohort', '--colour'], 'kohort: unknown option `--colour` for `kohort run`'],
    [['run', 'shop.kohort', '--lake'], 'kohort: option `--lake` needs a value (DIR|URL)'],
    [['run'], 'kohort: `kohort run` needs FILE'],
    [['run', 'a.kohort', 'b.kohort'], 'kohort: unexpected argument `b.kohort` for `kohort run`'],
    [['run', 'shop.kohort', '--format', 'xml'], 'kohort: --format must be one of table, csv, json, not `xml`'],
    [['run', 'shop.kohort', '--limit', 'many'], 'kohort: --limit must be a whole number'],
    [['generate', '--events', '10', '--seed', '1', '--start', 'yesterday'], 'kohort: --start must be a date YYYY-MM-DD'],
    [['help', 'frobnicate'], 'kohort: unknown command `frobnicate`'],
  ])('usage mistake %j exits 2 with a short message', async (args, message) => {
    const r = await kohort(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.startsWith(message)).toBe(true);
    expect(r.stderr.split('\n').length).toBeLessThanOrEqual(4);
    noStackTrace(r.stderr);
  });

  test('a missing notebook is a clean message, exit 1', async () => {
    for (const command of ['run', 'compile', 'check']) {
      const r = await kohort([command, 'missing.kohort', '--lake', lake]);
      expect(r.code).toBe(1);
      expect(r.stderr.split('\n')[0]).toBe('missing.kohort: no such file');
      noStackTrace(r.stderr);
    }
  });

  test('a lake without data says how to fill it, exit 1', async () => {
    const r = await kohort(['run', 'shop.kohort', '--lake', join(root, 'empty')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`shop.kohort:5:1: source \`events\`: no Parquet files under ${join(root, 'empty', 'events')} — import or generate data first`);
    noStackTrace(r.stderr);
  });

  test('$KOHORT_LAKE is the default lake', async () => {
    const r = await kohort(['run', 'shop.kohort', '--cell', 'buyers_count', '--format', 'csv'], { env: { KOHORT_LAKE: lake } });
    expect(r.stdout).toBe(`buyers\n${expected.buyers}\n`);
  });
});

describe('kohort check', () => {
  const bad = `--- kohort
source events = lake "events" key user_id time event_time
metric revnue = sum(price) where event_type = "purchase"
segment vip = revenue >= 1000
`;
  const typed = `--- kohort
source events = lake "events" key user_id time event_time
metric spend = sum(brand)
segment big = spend > 10
`;

  test('errors print as file:line:col with the line marked, exit 1', async () => {
    writeFileSync(join(root, 'bad.kohort'), bad);
    const r = await kohort(['check', 'bad.kohort']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      [
        'bad.kohort:4:15: error unknown-name: unknown metric or segment `revenue` (did you mean `revnue`?)',
        '  |',
        '4 | segment vip = revenue >= 1000',
        '  |               ^^^^^^^',
      ].join('\n'),
    );
    expect(r.stderr).toMatch(/kohort check: 1 error, 1 warning in 1 file\n$/);
  });

  test('a clean notebook exits 0; without a lake, missing schemas are warnings', async () => {
    const r = await kohort(['check', 'shop.kohort']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('shop.kohort:5:8: warning missing-schema');
    const full = await kohort(['check', 'shop.kohort', '--lake', lake]);
    expect(full.code).toBe(0);
    expect(full.stdout).not.toContain('missing-schema');
  });

  test('--lake brings in the columns, so type errors are found', async () => {
    writeFileSync(join(root, 'typed.kohort'), typed);
    const loose = await kohort(['check', 'typed.kohort']);
    expect(loose.code).toBe(0);
    const strict = await kohort(['check', 'typed.kohort', '--lake', lake]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('typed.kohort:3:20: error type-mismatch:');
  });

  test('several files: each is checked, a missing one too', async () => {
    const r = await kohort(['check', 'shop.kohort', 'bad.kohort', 'missing.kohort']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('bad.kohort:4:15: error');
    expect(r.stderr).toContain('missing.kohort: no such file');
    expect(r.stderr).toContain('1 file could not be checked');
  });
});

describe('kohort compile', () => {
  test('prints every definition’s SQL after a -- cell line', async () => {
    const r = await kohort(['compile', 'shop.kohort', '--lake', lake]);
    expect(r.code).toBe(0);
    const headers = r.stdout.split('\n').filter((l) => l.startsWith('-- cell '));
    expect(headers).toEqual([
      '-- cell events (source)',
      '-- cell views (metric)',
      '-- cell purchases (metric)',
      '-- cell revenue (metric)',
      '-- cell customers (profile)',
      '-- cell buyers (segment)',
      '-- cell categories (query)',
      '-- cell buyers_count (sql)',
    ]);
    expect(r.stdout).toContain(`read_parquet('${lake}/events/**/*.parquet', hive_partitioning = true)`);
  });

  test('--cell prints one; --as-of is inlined', async () => {
    const r = await kohort(['compile', 'shop.kohort', '--lake', lake, '--cell', 'buyers', '--as-of', '2019-10-01']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('-- cell buyers (segment)\nWITH\n')).toBe(true);
    expect(r.stdout).toContain("DATE '2019-10-01'");
    expect(r.stdout.trimEnd().endsWith(';')).toBe(true);
  });
});

describe('kohort run', () => {
  test('csv of a profile matches hand-written SQL over the CSV', async () => {
    const r = await kohort(['run', 'shop.kohort', '--lake', lake, '--cell', 'customers', '--format', 'csv']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const [header, ...lines] = r.stdout.trimEnd().split('\n');
    expect(header).toBe('user_id,views,purchases,revenue');
    expect(lines).toHaveLength(expected.customers.size);
    for (const line of lines) {
      const [id, views, purchases, revenue] = line.split(',');
      const want = expected.customers.get(id!);
      expect(want, `customer ${id}`).toBeDefined();
      expect([Number(views), Number(purchases)]).toEqual([want![0], want![1]]);
      expect(Number(revenue)).toBeCloseTo(want![2], 9);
    }
  });

  test('json writes BIGINT category ids with every digit', async () => {
    const r = await kohort(['run', 'shop.kohort', '--lake', lake, '--cell', 'categories', '--format', 'json']);
    expect(r.code).toBe(0);
    const lines = expected.categories.map(([id, n]) => `  {"category_id": ${id}, "n": ${n}}`);
    expect(r.stdout).toBe(`[\n${lines.join(',\n')}\n]\n`);
    expect(expected.categories.some(([id]) => BigInt(id) > BigInt(Number.MAX_SAFE_INTEGER))).toBe(true);
  });

  test('the default run shows every result cell under a title, with the as-of time', async () => {
    const r = await kohort(['run', 'shop.kohort', '--lake', lake, '--limit', '2']);
    expect(r.code).toBe(0);
    const titles = r.stdout.split('\n').filter((l) => l.startsWith('# '));
    expect(titles.map((t) => t.replace(/, [\d.]+ s$/, ''))).toEqual([
      `# customers (profile): ${expected.customers.size} rows`,
      `# buyers (segment): ${expected.buyers} rows`,
      '# categories (query): 3 rows',
      '# buyers_count (sql): 1 row',
    ]);
    expect(r.stdout).toContain(`… ${(expected.customers.size - 2).toLocaleString('en-US')} more rows`);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(`as of ${expected.asOf}`);
  });

  test('several cells as json are one object keyed by cell', async () => {
    const r = await kohort(['run', 'shop.kohort', '--lake', lake, '--cell', 'buyers_count', '--cell', 'categories', '--format', 'json']);
    expect(r.code).toBe(0);
    const parsed = JSON.parse(r.stdout) as Record<string, unknown[]>;
    expect(Object.keys(parsed)).toEqual(['buyers_count', 'categories']);
    expect(parsed['buyers_count']).toEqual([{ buyers: expected.buyers }]);
  });

  test('a sql cell that reads outside the workspace fails cleanly, naming the cell', async () => {
    writeFileSync(join(root, 'leak.kohort'), `${notebook}\n--- sql leak\nselect * from read_text('/etc/passwd')\n`);
    const r = await kohort(['run', 'leak.kohort', '--lake', lake, '--cell', 'leak']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^leak\.kohort:\d+:\d+: cell `leak`: cannot access \/etc\/passwd: kohort reads only files under /);
    noStackTrace(r.stderr);
  });

  test('a notebook with errors is not run', async () => {
    const r = await kohort(['run', 'bad.kohort', '--lake', lake]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('bad.kohort:4:15: error unknown-name');
  });

  test('a reader that stops early (| head) is not an error', async () => {
    writeFileSync(join(root, 'big.kohort'), '--- sql big\nselect range as i from range(2000000)\n');
    const r = await new Promise<Ran>((done) =>
      execFile(
        'bash',
        ['-c', `node ${bin} run big.kohort --lake ${lake} --format csv | head -n 2; exit "\${PIPESTATUS[0]}"`],
        { cwd: root },
        (error, stdout, stderr) => done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      ),
    );
    expect(r).toEqual({ code: 0, stdout: 'i\n0\n', stderr: '' });
  });
});

describe('kohort import and generate', () => {
  test('imports the REES46 sample into a fresh lake, and a run over it matches hand-written SQL over the CSV', async () => {
    const fresh = join(root, 'imported-lake');
    const imported = await kohort(['import', sample, '--lake', fresh]);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(new RegExp(`^imported 1,000 rows from 1 file into events \\(${fresh}/events\\): \\d+ Parquet files?, 1 day\\n$`));
    const r = await kohort(['run', 'shop.kohort', '--lake', fresh, '--cell', 'customers', '--format', 'csv']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n').slice(1);
    expect(lines).toHaveLength(expected.customers.size);
    for (const line of lines) {
      const [id, views, purchases, revenue] = line.split(',');
      const want = expected.customers.get(id!)!;
      expect([Number(views), Number(purchases)]).toEqual([want[0], want[1]]);
      expect(Number(revenue)).toBeCloseTo(want[2], 9);
    }
  });

  test('a missing CSV is a clean error', async () => {
    const r = await kohort(['import', join(root, 'nope.csv'), '--lake', join(root, 'lake-x')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nope.csv');
    noStackTrace(r.stderr);
  });

  test('generates exactly N events, the same for the same seed', async () => {
    const counts = `--- sql total\nselect count(*) as events, count(distinct user_id) as customers, sum(price) as revenue from events\n--- kohort\nsource events = lake "events" key user_id time event_time\n`;
    writeFileSync(join(root, 'counts.kohort'), counts);
    const outputs: string[] = [];
    for (const dir of ['gen-a', 'gen-b']) {
      const g = await kohort(['generate', '--events', '5k', '--seed', '7', '--lake', join(root, dir), '--days', '3']);
      expect(g.code).toBe(0);
      expect(g.stdout).toMatch(new RegExp(`^generated 5,000 events for [\\d,]+ customers over 3 days into events \\(${join(root, dir)}/events\\)`));
      const r = await kohort(['run', 'counts.kohort', '--lake', join(root, dir), '--format', 'csv']);
      expect(r.code).toBe(0);
      outputs.push(r.stdout);
    }
    expect(outputs[0]).toMatch(/^events,customers,revenue\n5000,\d+,/);
    expect(outputs[1]).toBe(outputs[0]);
  });
});

describe('commands from other parts of kohort', () => {
  test('land and replay show their own usage through kohort help', async () => {
    const land = await kohort(['help', 'land']);
    expect(land.code).toBe(0);
    expect(land.stdout.startsWith('kohort land NOTEBOOK.kohort [--pipeline NAME]')).toBe(true);
    const replay = await kohort(['help', 'replay']);
    expect(replay.stdout.startsWith('kohort replay FILE.csv|LAKE')).toBe(true);
  });

  test('land passes its arguments on and its mistakes come back clean', async () => {
    const r = await kohort(['land', '--topic', 'events']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--brokers is required');
    noStackTrace(r.stderr);
  });

  test('serve starts the workbench on a folder, answers, and stops on SIGINT', async () => {
    const child = spawn(process.execPath, [bin, 'serve', root, '--port', '0'], { cwd: root, env: { PATH: process.env['PATH'] ?? '' } });
    let stdout = '';
    const url = await new Promise<string>((done, fail) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const m = /^kohort serve: (http:\/\/[^/\s]+)\//m.exec(stdout);
        if (m) done(m[1]!);
      });
      child.on('exit', (code) => fail(new Error(`serve exited early with ${code}: ${stdout}`)));
    });
    const health = (await (await fetch(`${url}/api/health`)).json()) as { ok: boolean };
    expect(health.ok).toBe(true);
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});

describe('main() in process', () => {
  const io = (env: Record<string, string> = {}) => {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      io: {
        stdout: {
          write: (s: string) => {
            out.push(s);
            throw new Error('disk on fire');
          },
        },
        stderr: { write: (s: string) => err.push(s) },
        env,
      },
    };
  };

  test('a bug is an internal error, exit 70, stack only with KOHORT_DEBUG=1', async () => {
    const quiet = io();
    expect(await main(['--version'], quiet.io)).toBe(70);
    expect(quiet.err.join('')).toBe('kohort: internal error: disk on fire\n(this is a bug in kohort; KOHORT_DEBUG=1 shows the stack)\n');
    const debug = io({ KOHORT_DEBUG: '1' });
    expect(await main(['--version'], debug.io)).toBe(70);
    expect(debug.err.join('')).toMatch(/^kohort: internal error: disk on fire\nError: disk on fire\n\s+at /);
  });
});
