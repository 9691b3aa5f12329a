import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { notebookId } from '../../dsl/history-paths.js';
import type { NotebookSession } from '../session.js';
import { UserError } from '../user-error.js';
import { definitionHash, keyColumnOf, sourcesOf } from './definition-hash.js';
import { placeExport, writeExport, type ExportFormat, type ExportMeta } from './export.js';
import { exportDataVersion } from './lake-files.js';

/**
 * `kohort export`: a segment's members of an open notebook session into `out`, with its metadata
 * (see `writeExport`). A name that is not a segment, a segment with errors or an output folder
 * that does not exist is a UserError naming the place.
 */
export async function exportSegment(session: NotebookSession, request: { segment: string; format: ExportFormat; out: string }): Promise<ExportMeta> {
  const cell = session.cell(request.segment);
  if (cell.kind !== 'segment') throw new UserError(`\`${cell.name}\` is a ${cell.kind}, not a segment; export takes a segment`, session.placeOf(cell));
  if (cell.sql === undefined) {
    throw new UserError(`segment \`${cell.name}\` has errors (or depends on a definition that has); \`kohort check ${session.file}\` lists them`, session.placeOf(cell));
  }
  const out = resolve(request.out);
  const folder = await stat(dirname(out)).catch(() => undefined);
  if (!folder?.isDirectory()) throw new UserError('the folder to write the export into does not exist', dirname(out));
  const dataVersion = await exportDataVersion(session.lake, sourcesOf(session.compiled, cell));
  const asOf = await session.asOf();
  const written = await writeExport(session.connection, {
    select: cell.sql,
    format: request.format,
    tempDir: join(dirname(resolve(session.file)), '.kohort', 'exports'),
    meta: {
      notebook: notebookId(session.file),
      segment: cell.name,
      keyColumn: keyColumnOf(session.compiled, cell) ?? null,
      definitionHash: definitionHash(session.compiled, session.text, cell),
      asOf,
      dataVersion,
    },
  }).catch((e: unknown) => {
    if (e instanceof UserError) throw e;
    throw new UserError(`cannot export segment \`${cell.name}\`: ${e instanceof Error ? e.message : String(e)}`, session.placeOf(cell));
  });
  await placeExport(written, out).catch((e: unknown) => {
    throw new UserError(`cannot write the export: ${(e as Error).message}`, out);
  });
  return written.meta;
}
