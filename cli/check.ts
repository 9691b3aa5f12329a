import { hasErrors, renderDiagnostic, type Diagnostic } from '../dsl/index.js';
import { compileFile } from '../engine/compile-file.js';
import { isUserError } from '../engine/user-error.js';
import { stringValue, type ParsedCommand } from './args.js';
import type { Io } from './io.js';

/** `kohort check FILE...`: every diagnostic of every file; exit 1 if any has errors. */
export async function checkCommand(parsed: ParsedCommand, io: Io): Promise<number> {
  const lake = stringValue(parsed, 'lake') || io.env['KOHORT_LAKE'];
  let errors = 0;
  let warnings = 0;
  let failedFiles = 0;
  let unreadable = 0;
  for (const file of parsed.positionals) {
    let diagnostics: readonly Diagnostic[];
    let text: string;
    try {
      const compiled = await compileFile({ file, ...(lake ? { lake, introspect: true } : {}) });
      diagnostics = compiled.compiled.diagnostics;
      text = compiled.text;
    } catch (e) {
      // A missing file or a lake without data fails this file; the others are still checked.
      if (!isUserError(e)) throw e;
      io.stderr.write(`${e.message}\n`);
      failedFiles++;
      unreadable++;
      continue;
    }
    for (const d of diagnostics) io.stdout.write(`${renderDiagnostic(d, text, file)}\n`);
    errors += diagnostics.filter((d) => d.severity === 'error').length;
    warnings += diagnostics.filter((d) => d.severity === 'warning').length;
    if (hasErrors(diagnostics)) failedFiles++;
  }
  const files = parsed.positionals.length;
  if (errors + warnings > 0 || failedFiles > 0) {
    const parts = [plural(errors, 'error'), plural(warnings, 'warning')];
    const skipped = unreadable ? `; ${plural(unreadable, 'file')} could not be checked` : '';
    io.stderr.write(`kohort check: ${parts.join(', ')} in ${plural(files, 'file')}${skipped}\n`);
  }
  return failedFiles > 0 ? 1 : 0;
}

export function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}
