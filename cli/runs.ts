import { resolve } from 'node:path';
import { deliverPublishedRuns } from '../engine/activation/index.js';
import { formatTable } from '../engine/format.js';
import { NotebookRunner } from '../engine/runs/runner.js';
import { RunStore } from '../engine/runs/records.js';
import { describeDataRead, type RunRecord } from '../engine/runs/run-record.js';
import type { CellValue, ColumnKind, ResultTable } from '../engine/values.js';
import { countValue, stringValue, stringValues, UsageError, type ParsedCommand } from './args.js';
import { plural } from './check.js';
import type { Io } from './io.js';

/**
 * `kohort run NOTEBOOK --schedule NAME` (for cron and Airflow) and `--rerun RUN_ID`: one recorded
 * run, its per-cell log on stdout (or the record with `--format json`); exit 1 when it failed,
 * with the error's place on stderr.
 */
export async function scheduledRunCommand(parsed: ParsedCommand, io: Io): Promise<number> {
  const file = parsed.positionals[0]!;
  const schedule = stringValue(parsed, 'schedule');
  const rerun = stringValue(parsed, 'rerun');
  if (schedule !== undefined && rerun !== undefined) throw new UsageError('give --schedule or --rerun, not both', 'run');
  const clashing = ['cell', 'as-of', 'limit'].find((o) => stringValues(parsed, o).length > 0);
  if (clashing) {
    throw new UsageError(`--${clashing} does not go with --${rerun !== undefined ? 'rerun' : 'schedule'} (${rerun !== undefined ? 'a rerun repeats its run' : 'the schedule says what to refresh'})`, 'run');
  }
  const format = stringValue(parsed, 'format') ?? 'table';
  if (format !== 'table' && format !== 'json') throw new UsageError(`--format must be table or json with --schedule and --rerun, not \`${format}\``, 'run');
  const lake = stringValue(parsed, 'lake') || io.env['KOHORT_LAKE'];
  const runner = new NotebookRunner(lake ? { lake } : {});
  // The notebook's destination cells get who joined and left before the command exits.
  const historyLake = lake || 'lake';
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(historyLake)) deliverPublishedRuns(runner, { lake: resolve(historyLake), log: (line) => io.stderr.write(`${line}\n`), waitForSends: true });
  const record = await runner.run({
    file,
    trigger: rerun !== undefined ? 'rerun' : 'manual',
    ...(schedule !== undefined ? { schedule } : {}),
    ...(rerun !== undefined ? { rerunOf: rerun } : {}),
  });
  io.stdout.write(format === 'json' ? `${JSON.stringify(record, null, 2)}\n` : describeRun(record));
  if (record.status === 'failed' && record.error) io.stderr.write(`${errorLine(record)}\n`);
  return record.status === 'succeeded' ? 0 : 1;
}

/** `kohort runs NOTEBOOK`: the notebook's recorded runs, newest first. */
export async function runsCommand(parsed: ParsedCommand, io: Io): Promise<number> {
  const file = parsed.positionals[0]!;
  const format = stringValue(parsed, 'format') ?? 'table';
  if (format !== 'table' && format !== 'json') throw new UsageError(`--format must be table or json, not \`${format}\``, 'runs');
  const limitText = stringValue(parsed, 'limit');
  const limit = limitText === undefined ? 20 : countValue(limitText, 'limit', 'runs', 1);
  const store = new RunStore(file);
  await new NotebookRunner({}).recover(file);
  const records = await store.list(limit);
  if (format === 'json') {
    io.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
    return 0;
  }
  if (records.length === 0) {
    io.stdout.write(`${file} has no recorded runs yet (\`kohort run ${file} --schedule NAME\` or \`kohort serve\` make them)\n`);
    return 0;
  }
  const rows = records.map((r): CellValue[] => [
    r.id,
    r.schedule ?? '',
    r.trigger,
    r.status,
    r.seconds === undefined ? null : round2(r.seconds),
    r.asOf,
    r.error ? errorLine(r) : (r.notes?.[0] ?? ''),
  ]);
  io.stdout.write(formatTable(table(['run', 'schedule', 'trigger', 'status', 'seconds', 'as of', 'error'], ['string', 'string', 'string', 'string', 'float', 'string', 'string'], rows), { maxColumnWidth: 80 }));
  return 0;
}

/** A run as text: a headline, what it read, then one line per cell. */
export function describeRun(record: RunRecord): string {
  const what = record.schedule ? `schedule ${record.schedule}` : record.rerunOf ? `rerun of ${record.rerunOf}` : 'the whole notebook';
  const took = record.seconds === undefined ? '' : ` in ${record.seconds.toFixed(2)} s`;
  const tries = record.attempts.length > 1 ? ` after ${plural(record.attempts.length, 'attempt')}` : '';
  const lines = [`run ${record.id} of ${record.file} (${what}${record.rerunOf && record.schedule ? `, rerun of ${record.rerunOf}` : ''}): ${record.status}${tries}${took}`];
  const read = describeDataRead(record.dataVersion);
  if (record.asOf) lines.push(`as of ${record.asOf}${read ? `; read ${read}` : ''}`);
  if (record.cells.length > 0) {
    const rows = record.cells.map((c): CellValue[] => {
      const segment = record.segments.find((s) => s.name === c.name);
      const notes = [
        segment ? `${segment.members.toLocaleString('en-US')} members, +${segment.joined.toLocaleString('en-US')} joined, -${segment.left.toLocaleString('en-US')} left` : '',
        c.recomputedDays ? `recomputed ${c.recomputedDays.length === 0 ? 'no days' : c.recomputedDays.join(', ')}` : '',
        c.note ?? '',
        c.error ? (c.error.place ? `error at ${c.error.place}` : 'error') : '',
      ].filter(Boolean);
      return [c.name, c.kind, c.status, c.rows ?? '', c.seconds ?? '', notes.join('; ')];
    });
    lines.push(formatTable(table(["cell", "kind", "status", "rows", "seconds", "notes"], ['string', 'string', 'string', 'integer', 'float', 'string'], rows), { maxColumnWidth: 100, maxDecimals: 3 }).trimEnd());
  }
  for (const note of record.notes ?? []) lines.push(`note: ${note}`);
  return `${lines.join('\n')}\n`;
}

/** `file:line:col: cell \`x\`: message`, the way kohort prints a user's mistake. */
export function errorLine(record: RunRecord): string {
  const e = record.error;
  if (!e) return '';
  const cell = e.cell && !e.message.includes(`cell \`${e.cell}\``) ? `cell \`${e.cell}\`: ` : '';
  return `${e.place ? `${e.place}: ` : ''}${cell}${e.message}`;
}

function table(names: string[], kinds: ColumnKind[], rows: CellValue[][]): ResultTable {
  return { columns: names.map((name, i) => ({ name, kind: kinds[i]!, sqlType: '' })), rows, rowCount: rows.length };
}

const round2 = (n: number) => Math.round(n * 100) / 100;
