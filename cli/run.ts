import { hasErrors } from '../dsl/index.js';
import { formatCsv, formatJson, formatTable, jsonValue, outputFormats, type OutputFormat } from '../engine/format.js';
import { NotebookSession, type CellResult } from '../engine/session.js';
import { countValue, stringValue, stringValues, UsageError, type ParsedCommand } from './args.js';
import { plural } from './check.js';
import { reportDiagnostics } from './compile.js';
import type { Io } from './io.js';

const defaultTableLimit = 40;

/** `kohort run FILE`: runs cells (all result cells by default) and prints their tables. */
export async function runCommand(parsed: ParsedCommand, io: Io): Promise<number> {
  const file = parsed.positionals[0]!;
  const format = (stringValue(parsed, 'format') ?? 'table') as OutputFormat;
  if (!outputFormats.includes(format)) throw new UsageError(`--format must be one of ${outputFormats.join(', ')}, not \`${format}\``, 'run');
  const limitText = stringValue(parsed, 'limit');
  const limit = limitText !== undefined ? countValue(limitText, 'limit', 'run') : format === 'table' ? defaultTableLimit : undefined;
  const lake = stringValue(parsed, 'lake') ?? io.env['KOHORT_LAKE'];
  const asOf = stringValue(parsed, 'as-of');

  const session = await NotebookSession.open({ file, ...(lake ? { lake } : {}), ...(asOf !== undefined ? { asOf } : {}) });
  try {
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
    const options = limit !== undefined ? { limit } : {};
    let first = true;
    if (format === 'json' && titled) io.stdout.write('{\n');
    for await (const result of session.runEach(names, options)) {
      io.stdout.write(formatResult(result, format, titled, first));
      first = false;
    }
    if (format === 'json' && titled) io.stdout.write('\n}\n');
    if (format === 'table') {
      const asOf = await session.asOf();
      if (asOf) io.stdout.write(`${titled ? '' : '\n'}as of ${asOf}\n`);
    }
    return 0;
  } finally {
    session.close();
  }
}

function formatResult(result: CellResult, format: OutputFormat, titled: boolean, first: boolean): string {
  const { table } = result;
  switch (format) {
    case 'table': {
      if (!titled) return formatTable(table);
      const plot = result.plot ? `, ${result.plot.mark} chart of ${result.plot.y} by ${result.plot.x}` : '';
      return `# ${result.name} (${result.kind}${plot}): ${plural(table.rowCount, 'row')}, ${result.seconds.toFixed(2)} s\n${formatTable(table)}\n`;
    }
    case 'csv':
      return titled ? `${first ? '' : '\n'}# ${result.name}\n${formatCsv(table)}` : formatCsv(table);
    case 'json': {
      if (!titled) return formatJson(table);
      // Several cells: one object, cell name → rows, in run order.
      const rows = formatJson(table).trimEnd().replaceAll('\n', '\n  ');
      return `${first ? '' : ',\n'}  ${jsonValue(result.name)}: ${rows}`;
    }
  }
}
