import type { SourceRequest } from '../../dsl/index.js';
import { dataFingerprint, readDataVersion } from '../runs/data-version.js';

/** The data a result was computed from, in short: the files its sources read. */
export interface DataVersion {
  /** A hash of every file read with its size and modification time (what runs record): equal versions, equal data. */
  version: string;
  files: number;
  bytes: number;
  /** The newest file's modification time, ISO 8601 (null when no file was read). */
  newest: string | null;
}

/**
 * The data version of `sources` now, as a run records it (engine/runs: published Parquet files of
 * lake datasets, partition by partition), folded into a hash and totals for an export's metadata.
 */
export async function exportDataVersion(lake: string, sources: readonly SourceRequest[]): Promise<DataVersion> {
  const listed = await readDataVersion(lake, sources);
  let files = 0;
  let bytes = 0;
  let newest: string | null = null;
  for (const s of listed.sources) {
    for (const p of s.partitions) {
      for (const f of p.files) {
        files++;
        bytes += f.bytes;
        if (newest === null || f.modified > newest) newest = f.modified;
      }
    }
  }
  return { version: dataFingerprint(listed), files, bytes, newest };
}
