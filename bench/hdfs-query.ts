import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeLakeSync } from '../engine/lake-access.js';
import { NotebookSession } from '../engine/session.js';
import type { BenchResult } from './result.js';

/**
 * A query over an HDFS lake (`kohort run --lake hdfs://…`): the first run lists the dataset
 * through WebHDFS and fetches every file into the workspace's cache; a re-run lists again and
 * fetches nothing. Each time: open the session (sync + introspect) and run one group-by.
 */
export async function benchHdfsQuery(lake: string, events: number): Promise<BenchResult[]> {
  const workspace = mkdtempSync(join(tmpdir(), 'kohort-bench-hdfs-query-'));
  const file = join(workspace, 'q.kohort');
  writeFileSync(file, 'source events = lake "events" key user_id time event_time\nquery by_type = from events group by event_type select n = count()\n');
  const results: BenchResult[] = [];
  try {
    for (const pass of ['first run (fetches every file)', 're-run (cache up to date)']) {
      const t0 = performance.now();
      const session = await NotebookSession.open({ file, lake });
      try {
        const result = await session.run('by_type');
        const seconds = (performance.now() - t0) / 1000;
        const total = result.table.rows.reduce((n, r) => n + Number(r[1]), 0);
        if (total !== events) throw new Error(`the HDFS lake holds ${total} events, not ${events}`);
        results.push({ name: `query over an HDFS lake, ${pass}`, value: Number(seconds.toFixed(2)), unit: 's', note: describeLakeSync(session.lakeSync!) });
      } finally {
        session.close();
      }
    }
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
  return results;
}
