import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildCatalog } from './catalog.js';
import { bucketSlotSql, bucketsSql, secondsAtShareSql, type Plan } from './sql.js';

let instance: DuckDBInstance;
let db: DuckDBConnection;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
});
afterAll(() => {
  db.closeSync();
  instance.closeSync();
});

const plan = (days: number): Plan => ({ seed: 1, events: 10, customers: 1, start: '2019-10-01', days, activityScale: 1, catalog: buildCatalog(1, 10) });

describe('hour of a traffic share', () => {
  test.each([1, 31, 400])('the lookup table agrees with an ASOF join, up to the window’s last instant (%i days)', async (days) => {
    const p = plan(days);
    for (const sql of bucketsSql(p)) await db.run(sql);
    // Every bucket's start and the instants just around it, random shares, and the extremes.
    await db.run(`CREATE OR REPLACE TEMP TABLE shares AS
      SELECT DISTINCT s FROM (
        SELECT unnest([lo, lo + 1e-12, greatest(0, lo - 1e-12), lo + width / 2]) AS s FROM buckets
        UNION ALL SELECT hash(i) / 18446744073709551616.0 FROM range(20000) t(i)
        UNION ALL SELECT unnest([0.0, 0.9999999999999999, 1 - 1e-12, (SELECT max(lo + width) FROM buckets)])
      ) WHERE s >= 0 AND s < 1`);
    const bad = await db.runAndReadAll(`
      WITH lut AS (SELECT s, ${secondsAtShareSql(p, 's', 'bk')} AS t FROM shares JOIN bucket_lut bk ON ${bucketSlotSql(p, 's', 'bk')}),
           ref AS (SELECT s, least(${days * 86400 - 1}, CAST(bk.b * 3600 + least(3599.999, (s - bk.lo) / bk.width * 3600) AS BIGINT)) AS t
                    FROM shares ASOF JOIN buckets bk ON shares.s >= bk.lo)
      SELECT count(*) AS shares, count(*) FILTER (WHERE lut.t IS NULL OR abs(lut.t - ref.t) > 1 OR lut.t < 0 OR lut.t >= ${days * 86400}) AS bad
      FROM ref LEFT JOIN lut USING (s)`);
    const [row] = bad.getRowObjectsJS();
    expect(Number(row!['shares'])).toBeGreaterThan(20000);
    expect(row!['bad']).toBe(0n);
  });
});
