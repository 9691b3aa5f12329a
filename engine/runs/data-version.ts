import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { relative } from 'node:path';
import type { SourceRequest } from '../../dsl/schema.js';
import { listPartitions } from '../lake.js';
import type { DataFile, DataVersion, SourceData } from './run-record.js';

/**
 * Lists what the sources hold now. Lake datasets are listed partition by partition, published
 * Parquet files only (what DuckDB reads); a parquet or csv source without wildcards is its one
 * file; a glob is recorded by its pattern (its files are not listed).
 */
export async function readDataVersion(lake: string, sources: readonly SourceRequest[]): Promise<DataVersion> {
  const out: SourceData[] = [];
  for (const s of sources) {
    if (s.location.kind === 'lake') {
      const dataset = relative(lake, s.location.path);
      const partitions = await listPartitions(lake, dataset);
      out.push({
        source: s.name,
        kind: 'lake',
        location: dataset,
        partitions: await Promise.all(
          partitions.map(async (p) => ({ name: p.name, files: (await Promise.all(p.files.map((f) => dataFile(f, relative(lake, f))))).filter((f) => f !== undefined) })),
        ),
      });
    } else {
      const file = /[*?[{]/.test(s.location.path) ? undefined : await dataFile(s.location.path, s.location.path);
      out.push({ source: s.name, kind: s.location.kind, location: s.location.path, partitions: file ? [{ name: '', files: [file] }] : [] });
    }
  }
  return { lake, sources: out };
}

async function dataFile(abs: string, path: string): Promise<DataFile | undefined> {
  // A file removed between the listing and the stat (compaction, a re-import) is simply gone.
  const info = await stat(abs).catch(() => undefined);
  return info ? { path, bytes: info.size, modified: new Date(Math.trunc(info.mtimeMs)).toISOString() } : undefined;
}

/**
 * A short hash of the files of `sources` (all when absent): equal exactly when no file was
 * added, removed, resized or rewritten. What "on new data in" compares.
 */
export function dataFingerprint(version: DataVersion, sources?: readonly string[]): string {
  const hash = createHash('sha256');
  for (const s of version.sources) {
    if (sources && !sources.includes(s.source)) continue;
    for (const p of s.partitions) for (const f of p.files) hash.update(`${s.source}\t${f.path}\t${f.bytes}\t${f.modified}\n`);
  }
  return hash.digest('base64url').slice(0, 22);
}

/** How the files of two versions differ: counts of added, removed and changed files. */
export function compareDataVersions(before: DataVersion, after: DataVersion): { added: number; removed: number; changed: number } {
  const files = (v: DataVersion) => new Map(v.sources.flatMap((s) => s.partitions.flatMap((p) => p.files.map((f) => [`${s.source}\t${f.path}`, `${f.bytes}\t${f.modified}`] as const))));
  const a = files(before);
  const b = files(after);
  let added = 0;
  let removed = 0;
  let changed = 0;
  for (const [k, v] of b) {
    const old = a.get(k);
    if (old === undefined) added++;
    else if (old !== v) changed++;
  }
  for (const k of a.keys()) if (!b.has(k)) removed++;
  return { added, removed, changed };
}
