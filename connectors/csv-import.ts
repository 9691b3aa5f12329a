import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rm } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import {
  checkSourceName,
  datasetPath,
  kohortFolder,
  listPartitions,
  makeStagingFolder,
  publishFile,
  removeStagingFolder,
  writeAtomically,
} from '../engine/lake.js';
import { UserError } from '../engine/user-error.js';
import { duckdbReason, openConnectorDb, runWithProgress, sqlString } from './duckdb.js';
import { rees46CastSql, rees46Columns, rees46CsvHeader, rees46FastGoodSql, rees46RejectSql } from './rees46.js';

export interface ImportOptions {
  /** REES46 CSV files (header `event_time,event_type,…,user_session`), imported one after another. */
  files: string[];
  /** The lake folder; created if missing. */
  lake: string;
  /** The dataset to write, `<lake>/<source>/`. Default `events`. */
  source?: string;
  /**
   * Called while a file is read (about 4 times a second) and once when it is done: `rows` is the
   * number of lines read so far (estimated from the byte position until the file is done, exact
   * then), `fraction` how much of this file is done.
   */
  onProgress?: (p: ImportProgress) => void;
}

export interface ImportProgress {
  file: string;
  rows: number;
  fraction: number;
}

export interface ImportReport {
  source: string;
  /** Good rows written to the lake. */
  rows: number;
  /** Bad rows, each listed in `rejectsFile` with its line and reason. */
  rejected: number;
  /** `<lake>/_rejects/<source>/<name>.csv` (columns file, line, reason, raw); only when rows were rejected. */
  rejectsFile?: string;
  /** The Parquet files written, absolute paths. */
  files: string[];
  /** The partitions written to, e.g. `date=2019-10-01`, sorted. */
  partitions: string[];
}

/** A header-checked input file. */
interface Input {
  path: string;
  /** Estimated number of lines, from the size and the first lines' average length (for progress). */
  estimatedLines: number;
}

/**
 * Imports REES46 CSV files into the lake as Hive-partitioned Parquet (`<source>/date=…/`).
 *
 * Bad rows never vanish: each goes to the rejects file with its exact line number and reason, and
 * the good rows of the file still land. A missing file, a wrong header or an unreadable encoding
 * is a `UserError` naming the path (and the line, when DuckDB gives one); every file is read and
 * staged before any is published, so then nothing of the call reaches the lake.
 *
 * Re-importing is idempotent: output files are named after a SHA-256 of the input's bytes
 * (`csv-<stem>-<hash16>-<n>.parquet`), so importing the same content again (under any name)
 * replaces its earlier files instead of doubling the data. A file whose content changed is new
 * data; the earlier import of it stays until its files are deleted.
 */
export async function importCsv(options: ImportOptions): Promise<ImportReport> {
  const source = options.source ?? 'events';
  checkSourceName(source);
  const lake = resolve(options.lake);
  if (options.files.length === 0) throw new UserError('no CSV files to import');
  const inputs: Input[] = [];
  for (const f of options.files) inputs.push(await checkInput(resolve(f)));

  const staging = await makeStagingFolder(lake, `import-${source}`);
  const db = await openConnectorDb(join(staging, 'duckdb-tmp'), { memoryLimit: '3GB' });
  const { connection } = db;
  const report: ImportReport = { source, rows: 0, rejected: 0, files: [], partitions: [] };
  const partitions = new Set<string>();
  const hashes: string[] = [];
  try {
    await connection.run('CREATE TEMP TABLE rejects (input INTEGER, file VARCHAR, line BIGINT, reason VARCHAR, raw VARCHAR)');
    // Every file is read and staged before any is published: a file that cannot be read leaves the lake as it was.
    const staged: { input: Input; hash: string; folders: string[] }[] = [];
    for (const [index, input] of inputs.entries()) {
      const progress = (rows: number, fraction: number) => options.onProgress?.({ file: input.path, rows, fraction });
      progress(0, 0);
      const hashing = sha256Of(input.path);
      // Keep a rejected hash promise from surfacing as unhandled while DuckDB works.
      hashing.catch(() => undefined);
      const out = join(staging, `file-${index}`);
      const written = await importOne(connection, input, index, out, (f) => progress(Math.round(f * input.estimatedLines), f));
      const hash = await hashing.catch((e: unknown) => {
        throw new UserError(`cannot read: ${(e as Error).message}`, input.path);
      });
      progress(written.rows + written.rejected, 1);
      if (hashes.includes(hash)) {
        // The same content twice in one call: imported (and its rejects listed) once.
        await connection.run(`DELETE FROM rejects WHERE input = ${index}`);
        continue;
      }
      hashes.push(hash);
      staged.push({ input, hash, folders: written.folders });
      report.rows += written.rows;
      report.rejected += written.rejected;
    }
    for (const { input, hash, folders } of staged) {
      const published = await publishStaged(lake, source, folders, `csv-${stemOf(input.path)}-${hash}`, hash);
      report.files.push(...published.files);
      for (const p of published.partitions) partitions.add(p);
    }
    const rejectsFile = join(
      kohortFolder(lake, 'rejects'),
      source,
      `${stemOf(inputs[0]!.path)}${inputs.length > 1 ? `-and-${inputs.length - 1}-more` : ''}-${sha256Text(hashes.join(',')).slice(0, 8)}.csv`,
    );
    if (report.rejected > 0) {
      await writeAtomically(rejectsFile, (temp) =>
        connection
          .run(`COPY (SELECT file, line, reason, raw FROM rejects ORDER BY input, line) TO ${sqlString(temp)} (FORMAT csv, HEADER)`)
          .then(() => undefined),
      );
      report.rejectsFile = rejectsFile;
    } else {
      // An earlier import of the same files may have left a rejects list that no longer applies.
      await rm(rejectsFile, { force: true });
    }
  } finally {
    db.close();
    await removeStagingFolder(staging);
  }
  report.partitions = [...partitions].sort();
  report.files.sort();
  return report;
}

/**
 * The file exists, is readable, and starts with the REES46 header; also estimates its line count.
 * Reads at most the first 1 MiB.
 */
async function checkInput(path: string): Promise<Input> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? 'no such file' : `cannot read: ${(e as Error).message}`, path);
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new UserError('is a folder, not a CSV file', path);
    const buffer = Buffer.alloc(Math.min(info.size, 1 << 20));
    let bytes: number;
    try {
      ({ bytesRead: bytes } = await handle.read(buffer, 0, buffer.length, 0));
    } catch (e) {
      throw new UserError(`cannot read: ${(e as Error).message}`, path);
    }
    const head = buffer.subarray(0, bytes).toString('utf8');
    if (head.length === 0) throw new UserError(`empty file; expected the REES46 header \`${rees46CsvHeader}\``, path);
    const firstLine = head.split('\n', 1)[0]!.replace(/\r$/, '').replace(/^\uFEFF/, '');
    if (firstLine !== rees46CsvHeader) {
      const shown = firstLine.length > 200 ? `${firstLine.slice(0, 200)}…` : firstLine;
      throw new UserError(`not a REES46 CSV file: the header is \`${shown}\`, expected \`${rees46CsvHeader}\``, path);
    }
    const lines = head.split('\n').length - 1;
    const estimatedLines = lines > 0 ? Math.max(0, Math.round((info.size / bytes) * lines) - 1) : 0;
    return { path, estimatedLines };
  } finally {
    await handle.close();
  }
}

/** DuckDB reads the file as one VARCHAR per physical line: no quoting, a delimiter that never matches. */
function rawLines(path: string): string {
  return (
    `read_csv(${sqlString(path)}, columns = {'raw': 'VARCHAR'}, header = false, skip = 1, auto_detect = false, ` +
    `delim = '\u0001\u0002\u0003', quote = '', escape = '')`
  );
}

/**
 * DuckDB splits each line at every comma (no quoting) into the nine fields plus `extra`, which
 * holds a tenth field if there is one; a line with fewer fields has NULL in the missing ones, an
 * empty field is ''. Splitting in the CSV reader is several times cheaper than `string_split`.
 */
function splitLines(path: string): string {
  const columns = [...rees46Columns.map((c) => c.name), 'extra'].map((n) => `${sqlString(n)}: 'VARCHAR'`).join(', ');
  return (
    `read_csv(${sqlString(path)}, columns = {${columns}}, header = false, skip = 1, auto_detect = false, ` +
    `delim = ',', quote = '', escape = '', null_padding = true, strict_mode = false, nullstr = '\u0001\u0002\u0003')`
  );
}

const quotedField = '(?:^|,)("(?:[^"]|"")*"|[^,"]*)';

/** The fields of a parsed line are columns named after the REES46 columns. */
const byName = (column: string) => column;

/**
 * What the fast pass accepts, over the nine fields of a line split at every comma: nine fields, no
 * quote character in the free-text ones (elsewhere a quote already fails the rules), and good by
 * the rules with times in the REES46 form. Everything it accepts is good; `slowGood` finds the rest.
 */
function fastGood(fields: 'reader' | 'split'): string {
  const count = fields === 'reader' ? 'extra IS NULL AND user_session IS NOT NULL' : `len(f) = ${rees46Columns.length}`;
  const noQuote = ['category_code', 'brand', 'user_session'].map((c) => `NOT contains(${c}, '"')`).join(' AND ');
  return `(${count} AND ${noQuote} AND ${rees46FastGoodSql(byName)})`;
}

/**
 * Splits each line of `lines` (columns `raw` plus `keep`) into the nine REES46 fields as VARCHAR
 * columns and adds `reason` (NULL for a good row) and `fast` (whether the fast pass took it).
 * Lines without `"` are split at every comma (as the fast pass does); lines with one are split as
 * RFC 4180 fields, and rejected if the quoting does not account for every character. A quoted
 * field spanning lines is not supported: each of its lines is rejected.
 */
function parsedLines(lines: string, keep: string[]): string {
  const k = keep.map((c) => `${c}, `).join('');
  const names = rees46Columns.map((c) => c.name);
  const badQuoting = sqlString('bad-quoting: a quote (") does not open or close a whole field');
  const wrongCount = sqlString(`wrong-column-count: expected ${names.length} comma-separated fields, found `);
  return `
    SELECT ${k}raw, ${names.join(', ')},
      CASE
        WHEN quoted AND array_to_string(parts, ',') <> raw THEN ${badQuoting}
        WHEN len(f) <> ${names.length} THEN ${wrongCount} || len(f)
        ELSE ${rees46RejectSql(byName)}
      END AS reason,
      coalesce(NOT quoted AND ${fastGood('split')}, false) AS fast
    FROM (
      SELECT ${k}raw, quoted, parts, f, ${names.map((n, i) => `f[${i + 1}] AS ${n}`).join(', ')}
      FROM (
        SELECT ${k}raw, quoted, parts,
          CASE WHEN quoted
            THEN list_transform(parts, x -> CASE WHEN starts_with(x, '"') THEN replace(x[2:-2], '""', '"') ELSE x END)
            ELSE parts END AS f
        FROM (
          SELECT ${k}raw, contains(raw, '"') AS quoted,
            CASE WHEN contains(raw, '"') THEN regexp_extract_all(raw, ${sqlString(quotedField)}, 1) ELSE string_split(raw, ',') END AS parts
          FROM ${lines}
          WHERE raw IS NOT NULL
        )
      )
    )`;
}

/** COPY of good rows (typed, plus the `date` partition) into a staging folder. */
function copyGood(select: string, out: string, rees46Times: boolean): string {
  return (
    `COPY (SELECT *, CAST(event_time AS DATE) AS date FROM (SELECT ${rees46CastSql(byName, rees46Times)} FROM (${select}))) ` +
    `TO ${sqlString(out)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (date), FILENAME_PATTERN 'data_{i}')`
  );
}

/**
 * One file, in up to three passes over it:
 *  1. (always; parallel) the fast pass writes the rows `fastGood` accepts, under `<out>/fast`;
 *     then a count of the non-empty lines says whether that was all of them;
 *  2. (if not; parallel) every line is parsed again and those the fast pass left are kept in the
 *     `leftovers` table with their fields and reason; the good ones (quoted fields, other time
 *     forms) are written under `<out>/slow`;
 *  3. (if some are bad) the lines are numbered (`row_number() OVER ()` over DuckDB's
 *     order-preserving scan, which runs on one thread) and matched to the bad leftovers by their
 *     text, which gives each bad line its number (identical bad lines each get their own).
 * Every non-empty line is written or rejected, exactly once; a mismatch is our bug and throws.
 * Empty lines are not rows: skipped, but counted in line numbers.
 */
async function importOne(
  connection: import('@duckdb/node-api').DuckDBConnection,
  input: Input,
  index: number,
  out: string,
  onFraction: (f: number) => void,
): Promise<{ rows: number; rejected: number; folders: string[] }> {
  await mkdir(out, { recursive: true });
  let rows: number;
  let lines: number;
  try {
    const fast = `SELECT * FROM ${splitLines(input.path)} WHERE ${fastGood('reader')}`;
    rows = Number(await runWithProgress(connection, copyGood(fast, join(out, 'fast'), true), onFraction));
    lines = Number(await runWithProgress(connection, `SELECT count(*) FROM ${rawLines(input.path)} WHERE raw IS NOT NULL`));
  } catch (e) {
    throw await csvReadError(e, input.path);
  }
  const folders = [join(out, 'fast')];
  if (rows === lines) return { rows, rejected: 0, folders };

  await connection.run(`CREATE OR REPLACE TEMP TABLE leftovers AS SELECT * FROM (${parsedLines(rawLines(input.path), [])}) WHERE NOT fast`);
  rows += Number(await runWithProgress(connection, copyGood('SELECT * FROM leftovers WHERE reason IS NULL', join(out, 'slow'), false)));
  folders.push(join(out, 'slow'));
  if (rows < lines) {
    const numbered = `(SELECT row_number() OVER () + 1 AS line, raw FROM ${rawLines(input.path)})`;
    await connection.run(
      `INSERT INTO rejects SELECT ${index}, ${sqlString(input.path)}, n.line, bad.reason, n.raw ` +
        `FROM ${numbered} n JOIN (SELECT DISTINCT raw, reason FROM leftovers WHERE reason IS NOT NULL) bad ON n.raw = bad.raw`,
    );
  }
  await connection.run('DROP TABLE leftovers');
  const rejected = Number(await runWithProgress(connection, `SELECT count(*) FROM rejects WHERE input = ${index}`));
  if (rows + rejected !== lines) {
    throw new Error(`internal error: ${input.path}: ${lines} rows, of which ${rows} were written and ${rejected} rejected`);
  }
  return { rows, rejected, folders };
}

/** A DuckDB failure to read the file as lines, as a UserError naming the file (and line). */
async function csvReadError(e: unknown, path: string): Promise<unknown> {
  const message = e instanceof Error ? e.message : String(e);
  const onLine = /CSV Error on Line: (\d+)/.exec(message);
  if (onLine) {
    const what = message.split('\n').find((l) => /unicode|Maximum line size|Expected Number of Columns/i.test(l)) ?? duckdbReason(e);
    return new UserError(what.trim(), `${path}:${onLine[1]}`);
  }
  if (/state machine reached an invalid state/.test(message)) {
    const line = await firstStrayCarriageReturn(path);
    return new UserError(
      'a carriage return (\\r) that does not end a line, or mixed \\n and \\r\\n line endings; convert the file to one line ending (e.g. dos2unix)',
      line ? `${path}:${line}` : path,
    );
  }
  if (message.includes(path) && /No files found|Cannot open file|No such file/i.test(message)) {
    return new UserError(`cannot read: ${duckdbReason(e)}`, path);
  }
  return e;
}

/** The line number of the first `\r` that breaks the file's line-ending convention (set by line 1). */
async function firstStrayCarriageReturn(path: string): Promise<number | undefined> {
  let line = 1;
  let crlf: boolean | undefined;
  let previous = -1;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === 10) {
        const endsWithCr = previous === 13;
        crlf ??= endsWithCr;
        if (endsWithCr !== crlf) return line;
        line++;
      } else if (previous === 13) {
        return line;
      }
      previous = b;
    }
  }
  return undefined;
}

/**
 * Moves the staged `date=…/*.parquet` files of `folders` into the dataset as `<name>-<n>.parquet`,
 * then removes files of an earlier import of the same content (same `hash`) not replaced now.
 */
async function publishStaged(
  lake: string,
  source: string,
  folders: string[],
  name: string,
  hash: string,
): Promise<{ files: string[]; partitions: string[] }> {
  const staged = new Map<string, string[]>();
  for (const folder of folders) {
    for (const partition of await readdirIfAny(folder)) {
      if (!/^date=\d{4}-\d{2}-\d{2}$/.test(partition)) continue;
      const files = (await readdirIfAny(join(folder, partition))).filter((f) => f.endsWith('.parquet')).sort();
      staged.set(partition, [...(staged.get(partition) ?? []), ...files.map((f) => join(folder, partition, f))]);
    }
  }
  const files: string[] = [];
  for (const [partition, sources] of staged) {
    for (const [n, from] of sources.entries()) {
      const target = join(datasetPath(lake, source), partition, `${name}-${n}.parquet`);
      await publishFile(from, target);
      files.push(target);
    }
  }
  const written = new Set(files);
  const earlier = new RegExp(`-${hash}-\\d+\\.parquet$`);
  for (const p of await listPartitions(lake, source)) {
    for (const f of p.files) if (earlier.test(f) && !written.has(f)) await rm(f, { force: true });
  }
  return { files, partitions: [...staged.keys()] };
}

async function readdirIfAny(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/** A file-name-safe stem of an input path: `2019-Oct.csv` → `2019-Oct`. */
function stemOf(path: string): string {
  const stem = basename(path, extname(path)).replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 40);
  return stem.length > 0 ? stem : 'input';
}

/** The SHA-256 of a file's bytes, first 16 hex digits. */
async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 4 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex').slice(0, 16);
}

function sha256Text(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
