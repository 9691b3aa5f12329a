import { hasErrors } from '../dsl/index.js';
import { exportFormats, exportSegment, sidecarPath, type ExportFormat } from '../engine/activation/index.js';
import { NotebookSession } from '../engine/session.js';
import { stringValue, UsageError, type ParsedCommand } from './args.js';
import { plural } from './check.js';
import { reportDiagnostics } from './compile.js';
import type { Io } from './io.js';

/** `kohort export NOTEBOOK --segment NAME --format F --out FILE`: a segment's members, with provenance. */
export async function exportCommand(parsed: ParsedCommand, io: Io): Promise<number> {
  const file = parsed.positionals[0]!;
  const segment = stringValue(parsed, 'segment');
  const out = stringValue(parsed, 'out');
  if (!segment) throw new UsageError('--segment NAME is required', 'export');
  if (!out) throw new UsageError('--out FILE is required', 'export');
  const format = (stringValue(parsed, 'format') ?? formatOf(out)) as ExportFormat;
  if (!exportFormats.includes(format)) throw new UsageError(`--format must be one of ${exportFormats.join(', ')}, not \`${format}\``, 'export');
  const lake = stringValue(parsed, 'lake') || io.env['KOHORT_LAKE'];
  const asOf = stringValue(parsed, 'as-of');

  const session = await NotebookSession.open({ file, ...(lake ? { lake } : {}), ...(asOf !== undefined ? { asOf } : {}) });
  try {
    reportDiagnostics(session.diagnostics, session.text, file, io);
    if (hasErrors(session.diagnostics)) return 1;
    const meta = await exportSegment(session, { segment, format, out });
    const beside = format === 'csv' ? ` (metadata in ${sidecarPath(out)})` : '';
    io.stderr.write(
      `${out}: ${plural(meta.members, 'member')} of \`${meta.segment}\` as of ${meta.asOf ?? 'no data'}, ` +
        `definition ${meta.definitionHash.slice(0, 12)}, data ${meta.dataVersion.version.slice(0, 12)} (${plural(meta.dataVersion.files, 'file')})${beside}\n`,
    );
    return 0;
  } finally {
    session.close();
  }
}

/** The format an output name implies (`.parquet`, `.json`), csv otherwise. */
function formatOf(out: string): string {
  const ext = /\.([a-z]+)$/i.exec(out)?.[1]?.toLowerCase();
  return ext === 'parquet' || ext === 'json' ? ext : 'csv';
}
