import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileNotebook, hasErrors } from '../dsl/index.js';
import { rees46Schemas } from './support/rees46-schema.js';
import { useScratch } from './support/scratch.js';

/**
 * Sequences compiled to window functions, against the same sequences written the plainest way
 * (self-joins with NOT EXISTS, one join per step) over deterministic pseudo-random events: many
 * customers, few products, times on whole minutes so that events share timestamps, and some after
 * the as-of time.
 */
const scratch = useScratch('kohort-sequences');
const asOf = "TIMESTAMP '2019-10-04 00:00:00'";
let lake = '';

beforeAll(async () => {
  lake = scratch.freshLake();
  mkdirSync(lake, { recursive: true });
  // 8,000 events of 40 customers and 3 products over 3 days: hash-derived, so the same on every run.
  await scratch.db.run(`COPY (
    SELECT *, CAST(event_time AS DATE) AS date FROM (
      SELECT
        TIMESTAMP '2019-10-01 00:00:00' + to_minutes(CAST(hash('time' || i) % (76 * 60) AS BIGINT)) AS event_time,
        ['view', 'view', 'view', 'view', 'cart', 'cart', 'purchase', 'remove_from_cart'][CAST(hash('type' || i) % 8 AS INTEGER) + 1] AS event_type,
        CAST(hash('product' || i) % 3 AS BIGINT) AS product_id,
        NULL::BIGINT AS category_id, NULL::VARCHAR AS category_code, NULL::VARCHAR AS brand,
        CAST(hash('price' || i) % 100 AS DOUBLE) AS price,
        CAST(hash('user' || i) % 250 AS BIGINT) AS user_id,
        NULL::VARCHAR AS user_session
      FROM range(8000) AS r(i)
    )
  ) TO '${join(lake, 'events')}' (FORMAT parquet, PARTITION_BY (date))`);
});

async function compiled(rule: string): Promise<string[]> {
  const text = `--- kohort\nsource events = lake "events" key user_id time event_time\nas of timestamp "2019-10-04 00:00:00"\nsegment s = ${rule}\n`;
  const out = compileNotebook(text, { lake, schemas: rees46Schemas });
  if (hasErrors(out.diagnostics)) throw new Error(out.diagnostics.map((d) => d.message).join('\n'));
  return ids(out.cells.find((c) => c.name === 's')!.sql!);
}

async function ids(sql: string): Promise<string[]> {
  const rows = await scratch.rows(sql);
  return rows.map((r) => String(r.user_id)).sort();
}

/** Events up to the as-of time, as the plain SQL reads them. */
const ev = () => `(SELECT * FROM read_parquet('${lake}/events/**/*.parquet', hive_partitioning = true) WHERE event_time <= ${asOf})`;

describe('sequences agree with one self-join per step', () => {
  it('view, cart within 30 minutes, then no purchase within an hour, same product, starting in the last 2 days', async () => {
    const expected = await ids(`
      SELECT DISTINCT c.user_id FROM ${ev()} v JOIN ${ev()} c ON c.user_id = v.user_id AND c.product_id = v.product_id
      WHERE v.event_type = 'view' AND c.event_type = 'cart' AND v.event_time > ${asOf} - INTERVAL 2 DAY
        AND c.event_time > v.event_time AND c.event_time <= v.event_time + INTERVAL 30 MINUTE
        AND c.event_time + INTERVAL 1 HOUR <= ${asOf}
        AND NOT EXISTS (SELECT 1 FROM ${ev()} p WHERE p.user_id = c.user_id AND p.product_id = c.product_id AND p.event_type = 'purchase'
                        AND p.event_time BETWEEN c.event_time AND c.event_time + INTERVAL 1 HOUR)`);
    expect(expected.length).toBeGreaterThan(5);
    expect(await compiled('did "view" then "cart" within 30 minutes then not "purchase" within 1 hour with same product_id during last 2 days')).toEqual(expected);
  });

  it('view, cart without a removal in between, purchase within 2 hours, all within 3 hours', async () => {
    const expected = await ids(`
      SELECT DISTINCT v.user_id FROM ${ev()} v
        JOIN ${ev()} c ON c.user_id = v.user_id AND c.event_time > v.event_time
        JOIN ${ev()} p ON p.user_id = v.user_id AND p.event_time > c.event_time
      WHERE v.event_type = 'view' AND c.event_type = 'cart' AND p.event_type = 'purchase'
        AND p.event_time <= c.event_time + INTERVAL 2 HOUR AND p.event_time <= v.event_time + INTERVAL 3 HOUR
        AND NOT EXISTS (SELECT 1 FROM ${ev()} x WHERE x.user_id = v.user_id AND x.event_type = 'remove_from_cart'
                        AND x.event_time BETWEEN v.event_time AND c.event_time)`);
    expect(expected.length).toBeGreaterThan(5);
    expect(await compiled('did "view" then "cart" without "remove_from_cart" then "purchase" within 2 hours all within 3 hours')).toEqual(expected);
  });

  it('four steps of one product, two of them the same event type (each a different, later event)', async () => {
    const expected = await ids(`
      SELECT DISTINCT a.user_id FROM ${ev()} a
        JOIN ${ev()} b ON b.user_id = a.user_id AND b.product_id = a.product_id AND b.event_time > a.event_time
        JOIN ${ev()} c ON c.user_id = a.user_id AND c.product_id = a.product_id AND c.event_time > b.event_time
        JOIN ${ev()} d ON d.user_id = a.user_id AND d.product_id = a.product_id AND d.event_time > c.event_time
      WHERE a.event_type = 'view' AND b.event_type = 'view' AND c.event_type = 'cart' AND d.event_type = 'purchase'
        AND d.event_time <= c.event_time + INTERVAL 6 HOUR`);
    expect(expected.length).toBeGreaterThan(5);
    expect(await compiled('did "view" then "view" then "cart" then "purchase" within 6 hours with same product_id')).toEqual(expected);
  });

  it('a whole-sequence limit on the positive steps and a not-step with its own limit', async () => {
    const expected = await ids(`
      SELECT DISTINCT c.user_id FROM ${ev()} v JOIN ${ev()} c ON c.user_id = v.user_id AND c.product_id = v.product_id AND c.event_time > v.event_time
      WHERE v.event_type = 'view' AND c.event_type = 'cart' AND c.event_time <= v.event_time + INTERVAL 6 HOUR
        AND c.event_time + INTERVAL 2 HOUR <= ${asOf}
        AND NOT EXISTS (SELECT 1 FROM ${ev()} p WHERE p.user_id = c.user_id AND p.product_id = c.product_id AND p.event_type = 'purchase'
                        AND p.event_time BETWEEN c.event_time AND c.event_time + INTERVAL 2 HOUR)`);
    expect(expected.length).toBeGreaterThan(5);
    expect(await compiled('did "view" then "cart" then not "purchase" within 2 hours all within 6 hours with same product_id')).toEqual(expected);
  });

  it('a last step of anything, and a not-step with no limit (none up to the as-of time)', async () => {
    const anything = await ids(`
      SELECT DISTINCT p.user_id FROM ${ev()} p JOIN ${ev()} e ON e.user_id = p.user_id AND e.event_time > p.event_time AND e.event_time <= p.event_time + INTERVAL 10 MINUTE
      WHERE p.event_type = 'purchase'`);
    expect(await compiled('did "purchase" then anything within 10 minutes')).toEqual(anything);
    const never = await ids(`
      SELECT DISTINCT c.user_id FROM ${ev()} c WHERE c.event_type = 'cart'
        AND NOT EXISTS (SELECT 1 FROM ${ev()} p WHERE p.user_id = c.user_id AND p.product_id = c.product_id AND p.event_type = 'purchase' AND p.event_time >= c.event_time)`);
    expect(never.length).toBeGreaterThan(5);
    expect(await compiled('did "cart" then not "purchase" with same product_id')).toEqual(never);
  });
});
