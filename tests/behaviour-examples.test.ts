import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateEvents } from '../connectors/generate/generate.js';
import { membershipFile, notebookId } from '../dsl/index.js';
import { NotebookSession } from '../engine/session.js';
import { useScratch } from './support/scratch.js';

/**
 * examples/ecommerce/behaviour.kohort run end to end (every cell) by the engine over a generated
 * month, its segments checked against hand-written SQL over the same files.
 */
const scratch = useScratch('kohort-behaviour-example');
const example = join(import.meta.dirname, '..', 'examples', 'ecommerce', 'behaviour.kohort');
let lake = '';
let session: NotebookSession;

const events = () => `(SELECT * FROM read_parquet('${lake}/events/**/*.parquet', hive_partitioning = true))`;
const asOf = () => `(SELECT max(event_time) FROM ${events()})`;

beforeAll(async () => {
  lake = scratch.freshLake();
  await generateEvents({ events: 60_000, seed: 7, lake, customers: 3_000 });
  // The top spenders' history, as runs would have written it: one stay that is open, one that ended.
  const workspace = join(scratch.root, 'notebooks');
  mkdirSync(workspace, { recursive: true });
  const file = join(workspace, 'behaviour.kohort');
  writeFileSync(file, readFileSync(example, 'utf8'));
  const history = membershipFile(lake, notebookId(file), 'top_spenders');
  mkdirSync(dirname(history), { recursive: true });
  const [a, b] = (await scratch.rows(`SELECT DISTINCT user_id FROM ${events()} ORDER BY 1 LIMIT 2`)).map((r) => r.user_id);
  await scratch.db.run(`COPY (SELECT * FROM (VALUES
    (${a}::BIGINT, TIMESTAMP '2019-10-10 00:00:00', NULL::TIMESTAMP, 'r1', NULL),
    (${b}::BIGINT, TIMESTAMP '2019-10-01 00:00:00', TIMESTAMP '2019-10-20 00:00:00', 'r0', 'r2')
  ) AS t(user_id, entered_at, left_at, entered_run, left_run)) TO '${history}' (FORMAT parquet)`);
  session = await NotebookSession.open({ file, lake });
  return () => session.close();
}, 180_000);

async function members(cell: string): Promise<string[]> {
  const result = await session.run(cell);
  const key = result.table.columns.findIndex((c) => c.name === 'user_id');
  return result.table.rows.map((r) => String(r[key])).sort();
}

async function expected(sql: string): Promise<string[]> {
  return (await scratch.rows(sql)).map((r) => String(r.user_id)).sort();
}

describe('the behaviour example notebook', () => {
  it('checks without a diagnostic and runs every cell', async () => {
    expect(session.diagnostics).toEqual([]);
    const cells = session.compiled.cells.filter((c) => c.kind !== 'source' && c.kind !== 'metric').map((c) => c.name);
    const results = await session.runMany(cells);
    expect(results.map((r) => r.name)).toEqual(cells);
    const sizes = results.find((r) => r.name === 'segment_sizes')!.table;
    expect(sizes.rows).toHaveLength(1);
  });

  it('cart abandoners by product, against ASOF joins', async () => {
    const want = await expected(`
      WITH ev AS ${events()},
      carts AS (SELECT * FROM ev WHERE event_type = 'cart' AND event_time <= ${asOf()}),
      views AS (SELECT * FROM ev WHERE event_type = 'view' AND event_time > ${asOf()} - INTERVAL 7 DAY),
      purchases AS (SELECT * FROM ev WHERE event_type = 'purchase')
      SELECT DISTINCT c.user_id FROM carts c
        ASOF JOIN views v ON v.user_id = c.user_id AND v.product_id = c.product_id AND v.event_time < c.event_time
        ASOF LEFT JOIN purchases p ON p.user_id = c.user_id AND p.product_id = c.product_id AND p.event_time >= c.event_time
      WHERE c.event_time + INTERVAL 1 HOUR <= ${asOf()} AND (p.event_time IS NULL OR p.event_time > c.event_time + INTERVAL 1 HOUR)`);
    expect(want.length).toBeGreaterThan(10);
    expect(await members('cart_abandoners')).toEqual(want);
  });

  it('lapsed and returning buyers, regulars, keen browsers', async () => {
    const purchases = `(SELECT user_id, event_time AS t FROM ${events()} WHERE event_type = 'purchase')`;
    expect(await members('lapsed_buyers')).toEqual(await expected(`SELECT user_id FROM ${purchases} GROUP BY 1 HAVING max(t) <= ${asOf()} - INTERVAL 14 DAY`));
    expect(await members('returning_buyers')).toEqual(
      await expected(`
        SELECT user_id FROM ${purchases} GROUP BY 1
        HAVING min(t) FILTER (WHERE t > ${asOf()} - INTERVAL 7 DAY) - max(t) FILTER (WHERE t <= ${asOf()} - INTERVAL 7 DAY) >= INTERVAL 14 DAY`),
    );
    const weeks = await expected(`
      SELECT user_id FROM ${purchases} WHERE t > ${asOf()} - INTERVAL 21 DAY
      GROUP BY 1 HAVING count(DISTINCT floor(epoch(${asOf()} - t) / (7 * 86400))) >= 2`);
    expect(weeks.length).toBeGreaterThan(0);
    expect(await members('regulars')).toEqual(weeks);
    expect(await members('keen_browsers')).toEqual(
      await expected(`
        SELECT user_id FROM ${events()} GROUP BY 1
        HAVING count(*) FILTER (WHERE event_type = 'view' AND event_time > ${asOf()} - INTERVAL 7 DAY) >= 10 AND count(*) FILTER (WHERE event_type = 'purchase') = 0`),
    );
  });

  it('top spenders and their history', async () => {
    const top = await expected(`
      WITH r AS (SELECT user_id, coalesce(sum(price) FILTER (WHERE event_type = 'purchase'), 0) AS revenue FROM ${events()} GROUP BY 1)
      SELECT user_id FROM r WHERE (SELECT count(*) FROM r r2 WHERE r2.revenue > r.revenue) < ceil((SELECT count(*) FROM r) * 5 / 100)`);
    expect(await members('top_spenders')).toEqual(top);
    const [a, b] = (await scratch.rows(`SELECT DISTINCT user_id FROM ${events()} ORDER BY 1 LIMIT 2`)).map((r) => String(r.user_id));
    expect(await members('new_top_spenders')).toEqual([]);
    expect(await members('former_top_spenders')).toEqual(top.includes(b!) ? [] : [b!]);
    expect(await members('top_since_the_15th')).toEqual(top.includes(a!) ? [a!] : []);
  });
});
