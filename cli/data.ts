import { resolve } from 'node:path';
import { generateEvents, importCsv, type GenerateReport, type ImportReport } from '../connectors/index.js';
import { countValue, stringValue, UsageError, type ParsedCommand } from './args.js';
import { plural } from './check.js';
import type { Io } from './io.js';
import { compact, Progress } from './progress.js';

function lakeOf(parsed: ParsedCommand, io: Io): string {
  return resolve(stringValue(parsed, 'lake') || io.env['KOHORT_LAKE'] || 'lake');
}

/** `kohort import FILE.csv... [--lake DIR] [--source NAME]` */
export async function importCommand(parsed: ParsedCommand, io: Io): Promise<number> {
  const lake = lakeOf(parsed, io);
  const source = stringValue(parsed, 'source');
  const inputs = parsed.positionals;
  const progress = new Progress(io.stderr, 'rows');
  let r: ImportReport;
  try {
    r = await importCsv({
      files: inputs,
      lake,
      ...(source ? { source } : {}),
      // Per file: rows so far, and the total they extrapolate to.
      onProgress: (p) => progress.update(p.rows, p.fraction > 0 ? Math.round(p.rows / p.fraction) : p.rows),
    });
  } finally {
    progress.done();
  }
  io.stdout.write(
    `imported ${plural(r.rows, 'row')} from ${plural(inputs.length, 'file')} into ${r.source} (${resolve(lake, r.source)}): ` +
      `${plural(r.files.length, 'Parquet file')}, ${plural(r.partitions.length, 'day')}\n`,
  );
  if (r.rejected > 0) io.stdout.write(`${plural(r.rejected, 'row')} rejected, each with its line and reason: ${r.rejectsFile ?? '(no rejects file)'}\n`);
  return 0;
}

/** `kohort generate --events N --seed S [--lake DIR] [--start DATE] [--days D] [--customers C]` */
export async function generateCommand(parsed: ParsedCommand, io: Io): Promise<number> {
  const eventsText = stringValue(parsed, 'events');
  const seedText = stringValue(parsed, 'seed');
  if (eventsText === undefined) throw new UsageError('`kohort generate` needs --events N', 'generate');
  if (seedText === undefined) throw new UsageError('`kohort generate` needs --seed S (the same seed gives the same events)', 'generate');
  const events = countValue(eventsText, 'events', 'generate', 1);
  const seed = countValue(seedText, 'seed', 'generate', 0, 2 ** 32 - 1);
  const start = stringValue(parsed, 'start');
  if (start !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(start)) throw new UsageError(`--start must be a date YYYY-MM-DD, not \`${start}\``, 'generate');
  const daysText = stringValue(parsed, 'days');
  const customersText = stringValue(parsed, 'customers');
  const source = stringValue(parsed, 'source');
  const lake = lakeOf(parsed, io);
  const progress = new Progress(io.stderr, 'events');
  let r: GenerateReport;
  try {
    r = await generateEvents({
      events,
      seed,
      lake,
      ...(source ? { source } : {}),
      ...(start ? { start } : {}),
      ...(daysText !== undefined ? { days: countValue(daysText, 'days', 'generate', 1) } : {}),
      ...(customersText !== undefined ? { customers: countValue(customersText, 'customers', 'generate', 1) } : {}),
      onProgress: (p) => progress.update(p.events, p.total),
    });
  } finally {
    progress.done();
  }
  io.stdout.write(
    `generated ${plural(r.events, 'event')} for ${plural(r.customers, 'customer')} over ${plural(r.days, 'day')} into ${r.source} ` +
      `(${resolve(lake, r.source)}), ${plural(r.files.length, 'file')}, in ${r.seconds.toFixed(1)} s (${compact(r.events / Math.max(r.seconds, 1e-9))} events/s)\n`,
  );
  return 0;
}
