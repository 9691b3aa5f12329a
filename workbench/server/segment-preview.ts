import type { CompiledCell } from '../../dsl/index.js';
import { sqlIdentifier, UserError } from '../../engine/index.js';
import { HttpError } from './http.js';
import { isSharedScan, placeOf, sourceOfCell, wantedRelations, type PreparedNotebook } from './prepared.js';
import { guarded, prepareRelations, runnable } from './runner.js';
import type { SegmentPreview } from './segment-preview-api.js';
import type { Workbench } from './workbench.js';
export type { SegmentPreview } from './segment-preview-api.js';

/**
 * Counts a segment (and its overlap with another) on the pool. The source's metrics scan is a
 * shared table, computed once and kept, so after the first preview each keystroke costs a count
 * over it. Cancelling the request (a newer keystroke) interrupts DuckDB.
 */
export async function segmentPreview(app: Workbench, prepared: PreparedNotebook, name: string, overlapWith: string | undefined, signal: AbortSignal): Promise<SegmentPreview> {
  const start = performance.now();
  const cell = segmentCell(prepared, name);
  const source = sourceOfCell(prepared, cell, 'metrics');
  const model = source === undefined ? undefined : prepared.sources.get(source);
  if (source === undefined || !model) throw new UserError(`segment \`${name}\`: cannot tell which source it belongs to`, placeOf(prepared.file, cell));
  const other = overlapWith === undefined || overlapWith === '' ? undefined : segmentCell(prepared, overlapWith);
  if (other && sourceOfCell(prepared, other, 'metrics') !== source) {
    throw new HttpError(400, `\`${other.name}\` is a segment of another source than \`${source}\`: they cannot overlap`);
  }
  const wanted = wantedRelations(prepared, [...(cell.relations ?? []), ...(other?.relations ?? [])], (n) => isSharedScan(prepared, n));
  return app.pool.use(
    async (db) => {
      await prepareRelations(db, prepared, cell, wanted);
      const k = sqlIdentifier(model.key);
      const both = other ? `(SELECT count(*) FROM (\n${cell.select}\n) a SEMI JOIN (\n${other.select}\n) b USING (${k}))` : 'NULL';
      const otherSize = other ? `(SELECT count(*) FROM (\n${other.select}\n))` : 'NULL';
      const row = await guarded(db, prepared, cell, async () =>
        (
          await db.connection.runAndReadAll(
            `SELECT (SELECT count(*) FROM (\n${cell.select}\n)), (SELECT count(*) FROM ${sqlIdentifier(`${source}__metrics`)}), ${otherSize}, ${both}`,
          )
        ).getRows()[0]!,
      );
      const [size, total, otherCount, bothCount] = row.map((v) => (v === null ? 0 : Number(v)));
      return {
        segment: cell.name,
        source,
        size: size!,
        total: total!,
        share: total ? size! / total : 0,
        overlap: other
          ? { segment: other.name, otherSize: otherCount!, both: bothCount!, shareOfSegment: size ? bothCount! / size : 0, shareOfOther: otherCount ? bothCount! / otherCount : 0 }
          : null,
        millis: performance.now() - start,
      };
    },
    { signal, wanted },
  );
}

function segmentCell(prepared: PreparedNotebook, name: string): CompiledCell {
  const cell = runnable(prepared, name);
  if (cell.kind !== 'segment') throw new HttpError(400, `\`${name}\` is a ${cell.kind}, not a segment`);
  return cell;
}
