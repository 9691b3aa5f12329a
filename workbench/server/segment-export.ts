import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { notebookId } from '../../dsl/index.js';
import { definitionHash, exportDataVersion, exportFormats, keyColumnOf, sourcesOf, writeExport, type ExportFormat } from '../../engine/activation/index.js';
import { readTable } from '../../engine/index.js';
import { baseHeaders, HttpError } from './http.js';
import { isSharedScan, wantedRelations, type PreparedNotebook } from './prepared.js';
import { guarded, prepareRelations, runnable } from './runner.js';
import type { Workbench } from './workbench.js';

const contentTypes: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
};

/**
 * `POST /api/export`: a segment's members as a file to download, written by DuckDB as
 * `kohort export` writes it (see engine/activation/export.ts), then streamed. The metadata is in
 * the file (parquet, json) and, for every format, in `X-Kohort-*` headers (`X-Kohort-Export`:
 * all of it as URI-encoded JSON, which is what the workbench saves beside a CSV).
 */
export async function sendSegmentExport(app: Workbench, prepared: PreparedNotebook, name: string, format: string, res: ServerResponse, signal: AbortSignal): Promise<void> {
  if (!exportFormats.includes(format as ExportFormat)) throw new HttpError(400, `\`format\` must be one of ${exportFormats.join(', ')}, not \`${format}\``);
  const cell = runnable(prepared, name);
  if (cell.kind !== 'segment') throw new HttpError(400, `\`${name}\` is a ${cell.kind}, not a segment`);
  const wanted = wantedRelations(prepared, cell.relations ?? [], (n) => isSharedScan(prepared, n));
  const written = await app.pool.use(
    async (db) => {
      await prepareRelations(db, prepared, cell, wanted);
      return guarded(db, prepared, cell, async () => {
        const asOfSql = (cell.relations ?? []).includes('as_of') ? 'SELECT * FROM "as_of"' : prepared.compiled.asOfSql;
        const asOf = asOfSql ? (await readTable(await db.connection.stream(asOfSql))).rows[0]?.[0] : null;
        return writeExport(db.connection, {
          select: cell.select!,
          format: format as ExportFormat,
          tempDir: join(app.options.workspace, '.kohort', 'exports'),
          meta: {
            notebook: notebookId(prepared.file),
            segment: cell.name,
            keyColumn: keyColumnOf(prepared.compiled, cell) ?? null,
            definitionHash: definitionHash(prepared.compiled, prepared.text, cell),
            asOf: asOf === undefined || asOf === null ? null : String(asOf),
            dataVersion: await exportDataVersion(app.options.lake, sourcesOf(prepared.compiled, cell)),
          },
        });
      });
    },
    { signal, wanted },
  );
  try {
    const { meta } = written;
    res.writeHead(200, {
      ...baseHeaders,
      'Content-Type': contentTypes[meta.format],
      'Content-Disposition': `attachment; filename="${asciiName(cell.name)}.${meta.format}"`,
      'Cache-Control': 'no-store',
      'X-Kohort-Members': String(meta.members),
      'X-Kohort-Definition-Hash': meta.definitionHash,
      'X-Kohort-As-Of': meta.asOf ?? '',
      'X-Kohort-Data-Version': meta.dataVersion.version,
      'X-Kohort-Export': encodeURIComponent(JSON.stringify(meta)),
    });
    await pipeline(createReadStream(written.path), res);
  } finally {
    await rm(written.path, { force: true });
  }
}

function asciiName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_');
}
