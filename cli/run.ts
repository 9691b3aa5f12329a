import { once } from 'node:events';
import { hasErrors } from '../dsl/index.js';
import { csvHeader, csvRecords, formatTable, jsonObjects, jsonValue, outputFormats, type OutputFormat } from '../engine/format.js';
import type { RowSink } from '../engine/query.js';
import type { ResultColumn } from '../engine/values.js';
import { describeLakeSync } from '../engine/lake-access.js';
import { NotebookSession, type CellResult, type RunOptions } from '../engine/session.js';
import { countValue, stringValue, stringValues, UsageError, type ParsedCommand } from './args.js';
import { plural } from './check.js';
import { reportDiagnostics } from './compile.js';
import type { Io } from './io.js';

const defaultTableLimit = 40;

/** `kohort run FILE`: runs cells (all result cells by default) and prints their tables. */
export async function runCommand(parsed: ParsedCommand, io: Io): Promise<number> {
  // A recorded run (a schedule's refresh, or a past run again) is cli/runs.ts's.
  if (stringValue(parsed, 'schedule') !== undefined || stringValue(parsed, 'rerun') !== undefined) {
    return (await import('./runs.js')).scheduledRunCommand(parsed, io);
  }
  const file = parsed.positionals[0]!;
  const format = (stringValue(parsed, 'format') ?? 'table') as OutputFormat;
  if (!outputFormats.includes(format)) throw new UsageError(`--format must be one of ${outputFormats.join(', ')}, not \`${format}\``, 'run');
  const limitText = stringValue(parsed, 'limit');
  const limit = limitText !== undefined ? countValue(limitText, 'limit', 'run') : format === 'table' ? defaultTableLimit : undefined;
  const lake = stringValue(parsed, 'lake') || io.env['KOHORT_LAKE'];
  const asOf = stringValue(parsed, 'as-of');

  const session = await NotebookSession.open({ file, ...(lake ? { lake } : {}), ...(asOf !== undefined ? { asOf } : {}) });
  try {
    if (session.lakeSync) io.stderr.write(`lake ${describeLakeSync(session.lakeSync)}\n`);
    reportDiagnostics(session.diagnostics, session.text, file, io);
    if (hasErrors(session.diagnostics)) return 1;
    const named = stringValues(parsed, 'cell');
    const names = named.length ? named : session.resultCells().map((c) => c.name);
    if (names.length === 0) {
      io.stderr.write(`${file} has no profile, segment, query, sql or plot cell to run; --cell NAME runs any definition\n`);
      return 0;
    }
    // Tables get a title whenever the cells were not picked one by one; csv and json only when
    // several cells share the output, so one cell's output stays plain csv or a plain array.
    const titled = names.length > 1 || (format === 'table' && named.length === 0);
    const out = (text: string) => write(io, text);
    if (format === 'table') {
      for await (const result of session.runEach(names, { limit: limit! })) await out(tableBlock(result, titled));
      const asOf = await session.asOf();
      if (asOf) await out(`${titled ? '' : '\n'}as of ${asOf}\n`);
      return 0;
    }
    // csv and json stream: rows are written as DuckDB hands them over, never all held at once.
    const streaming = format === 'csv' ? new CsvOutput(out, titled) : new JsonOutput(out, titled);
    const options: RunOptions = { sink: (cell) => streaming.sink(cell.name), ...(limit !== undefined ? { limit } : {}) };
    await streaming.start();
    for await (const result of session.runEach(names, options)) await streaming.end(result);
    await streaming.finish();
    return 0;
  } finally {
    session.close();
  }
}

/** Writes, and waits while the stream's buffer is full (a slow pipe or terminal). */
async function write(io: Io, text: string): Promise<void> {
  const stdout = io.stdout as Io['stdout'] & { once?: unknown };
  const ok = stdout.write(text);
  if (ok === false && typeof stdout.once === 'function') await once(stdout as unknown as NodeJS.EventEmitter, 'drain');
}

function tableBlock(result: CellResult, titled: boolean): string {
  if (!titled) return formatTable(result.table);
  const plot = result.plot ? `, ${result.plot.mark} chart of ${result.plot.y} by ${result.plot.x}` : '';
  return `# ${result.name} (${result.kind}${plot}): ${plural(result.table.rowCount, 'row')}, ${result.seconds.toFixed(2)} s\n${formatTable(result.table)}\n`;
}

type Out = (text: string) => Promise<void>;

/** CSV; several cells are blocks, each after a `# NAME` line, separated by a blank line. */
class CsvOutput {
  private cells = 0;
  constructor(
    private readonly out: Out,
    private readonly titled: boolean,
  ) {}
  async start(): Promise<void> {}
  sink(name: string): RowSink {
    const title = this.titled ? `${this.cells++ > 0 ? '\n' : ''}# ${name}\n` : '';
    return { columns: (columns) => this.out(title + csvHeader(columns)), rows: (rows) => this.out(csvRecords(rows)) };
  }
  async end(_result: CellResult): Promise<void> {}
  async finish(): Promise<void> {}
}

/** JSON: one cell is an array of row objects; several are one object, cell name → array. */
class JsonOutput {
  private cells = 0;
  private rows = 0;
  constructor(
    private readonly out: Out,
    private readonly titled: boolean,
  ) {}
  async start(): Promise<void> {
    if (this.titled) await this.out('{\n');
  }
  sink(name: string): RowSink {
    this.rows = 0;
    const key = this.titled ? `${this.cells++ > 0 ? ',\n' : ''}${jsonValue(name)}: ` : '';
    let columns: ResultColumn[] = [];
    return {
      columns: (c) => {
        columns = c;
        return this.out(`${key}[`);
      },
      rows: (rows) => {
        const text = jsonObjects(columns, rows)
          .map((o, i) => `${this.rows + i > 0 ? ',' : ''}\n${o}`)
          .join('');
        this.rows += rows.length;
        return this.out(text);
      },
    };
  }
  async end(_result: CellResult): Promise<void> {
    await this.out(this.rows > 0 ? '\n]' : ']');
    if (!this.titled) await this.out('\n');
  }
  async finish(): Promise<void> {
    if (this.titled) await this.out('\n}\n');
  }
}
