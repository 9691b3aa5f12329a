import { hasErrors, renderDiagnostic, type CompiledCell, type Diagnostic } from '../dsl/index.js';
import { compileFile } from '../engine/compile-file.js';
import { UserError } from '../engine/user-error.js';
import { stringValue, stringValues, type ParsedCommand } from './args.js';
import type { Io } from './io.js';

/** `kohort compile FILE`: each definition's SQL after a `-- cell NAME` line. */
export async function compileCommand(parsed: ParsedCommand, io: Io): Promise<number> {
  const file = parsed.positionals[0]!;
  const lake = stringValue(parsed, 'lake') || io.env['KOHORT_LAKE'];
  const asOf = stringValue(parsed, 'as-of');
  const { compiled, text } = await compileFile({ file, ...(lake ? { lake, introspect: true } : {}), ...(asOf !== undefined ? { asOf } : {}) });
  reportDiagnostics(compiled.diagnostics, text, file, io);
  if (hasErrors(compiled.diagnostics)) return 1;
  const names = stringValues(parsed, 'cell');
  const cells = names.length ? names.map((n) => findCell(compiled.cells, n, file)) : compiled.cells.filter((c) => c.sql !== undefined);
  const blocks = cells.map((c) => {
    if (c.sql === undefined) throw new UserError(`cell \`${c.name}\` has no SQL of its own (a ${c.kind})`, file);
    return `-- cell ${c.name} (${c.kind})\n${c.sql};\n`;
  });
  io.stdout.write(blocks.join('\n'));
  return 0;
}

/** Errors and warnings, rendered with their source line, on stderr; notes are left to `check`. */
export function reportDiagnostics(diagnostics: readonly Diagnostic[], text: string, file: string, io: Io): void {
  for (const d of diagnostics) if (d.severity !== 'info') io.stderr.write(`${renderDiagnostic(d, text, file)}\n`);
}

function findCell(cells: readonly CompiledCell[], name: string, file: string): CompiledCell {
  const cell = cells.find((c) => c.name === name);
  if (!cell) throw new UserError(`no cell \`${name}\` in ${file} (cells: ${cells.map((c) => c.name).join(', ') || 'none'})`);
  return cell;
}
