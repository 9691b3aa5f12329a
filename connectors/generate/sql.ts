import type { Catalog } from './catalog.js';
import { behaviour, hourWeights, idRanges, trend, weekdayWeights } from './model.js';
import { SqlRandom } from './random.js';

/**
 * The generator's SQL: every table is computed by DuckDB from hashes of row ids (see random.ts),
 * so any thread count gives the same rows. The stages, each a table:
 *
 *   categories, brands, products, cat_lut (the catalogue; cat_lut draws a category by traffic share)
 *   buckets     the window's hours with their share of traffic (day and week cycles, trend);
 *               bucket_lut finds the hour of a share
 *   customers   arrival, lifetime, activity, engagement, favourite category, user_id
 *   sessions    when (through buckets), views, carts, removals, purchases, focus categories, UUID;
 *               cut so that the sessions hold exactly `events` events
 *   one day's events: each session expanded into its events, joined to products, in time order
 */
export interface Plan {
  seed: number;
  /** Exactly this many events are written. */
  events: number;
  /** Customers drawn; those whose sessions all fall after the cut do not appear. */
  customers: number;
  start: string;
  days: number;
  /** Scale of customer activity (sessions per customer), set by calibration. */
  activityScale: number;
  catalog: Catalog;
}

const slots = 65_536;
const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** The catalogue tables: categories, brands, products, and the category draw table `cat_lut`. */
export function catalogSql(plan: Plan): string[] {
  const r = new SqlRandom(plan.seed);
  const { catalog } = plan;
  const total = catalog.categories.reduce((s, c) => s + c.weight, 0);
  let acc = 0;
  const categoryRows = catalog.categories.map((c) => {
    const lo = acc / total;
    acc += c.weight;
    const code = c.code === null ? 'CAST(NULL AS VARCHAR)' : lit(c.code);
    return `(${c.cat}, CAST('${c.categoryId}' AS BIGINT), ${code}, ${lo}, ${c.price}, ${c.sigma}, ${c.brandless}, CAST([${c.leading.join(', ')}] AS INTEGER[]), ${c.firstProduct}, ${c.products})`;
  });
  const brandRows = catalog.brands.map((b, i) => `(${i}, ${lit(b)})`);
  const tail = catalog.brands.length - catalog.leadingBrands;
  const k = 'k';
  const [pLo, pHi] = idRanges.products;
  const step = Math.max(1, Math.floor((pHi - pLo) / catalog.products));
  return [
    `CREATE OR REPLACE TABLE categories AS SELECT * FROM (VALUES ${categoryRows.join(',\n')})
       t(cat, category_id, category_code, lo, price, sigma, brandless, lead_brands, first_product, n_products)`,
    `CREATE OR REPLACE TABLE brands AS SELECT * FROM (VALUES ${brandRows.join(', ')}) t(brand, name)`,
    `CREATE OR REPLACE TABLE cat_lut AS
       SELECT CAST(s AS INTEGER) AS slot, c.cat, c.first_product, c.n_products
       FROM range(${slots}) t(s) ASOF JOIN categories c ON (s + 0.5) / ${slots} >= c.lo`,
    `CREATE OR REPLACE TABLE products AS
       WITH p AS (
         SELECT c.*, CAST(unnest(range(c.n_products)) AS BIGINT) AS r FROM categories c
       ), q AS (
         SELECT *, first_product + r AS pidx, hash(first_product + r) AS ${k} FROM p
       ), b AS (
         SELECT pidx, category_id, category_code,
           CAST(${pLo} + pidx * ${step} + floor(${r.u(k, 'product.id')} * ${step}) AS BIGINT) AS product_id,
           CASE
             WHEN r < len(lead_brands) THEN lead_brands[r + 1]
             WHEN ${r.u(k, 'product.brandless')} < brandless THEN NULL
             WHEN len(lead_brands) > 0 AND ${r.u(k, 'product.leading')} < ${behaviour.leadingBrandShare}
               THEN lead_brands[1 + CAST(floor(len(lead_brands) * pow(${r.u(k, 'product.which')}, 2)) AS BIGINT)]
             ELSE ${catalog.leadingBrands} + least(${tail - 1}, CAST(floor(exp(${r.u(k, 'product.tail')} * ln(${tail}))) AS BIGINT) - 1)
           END AS brand_idx,
           round(least(price * 25, greatest(0.5, price * exp(sigma * ${r.normal(k, 'product.price')}))), 2) AS base_price
         FROM q
       )
       SELECT b.pidx, b.product_id, b.category_id, b.category_code, brands.name AS brand, b.base_price
       FROM b LEFT JOIN brands ON brands.brand = b.brand_idx
       ORDER BY b.pidx`,
  ];
}

/**
 * The window's hours (bucket b = hour b from the start) with their cumulative share of traffic
 * [lo, lo + width), and `bucket_lut`, which finds an hour for a traffic share by a hash join
 * instead of an ASOF join (4× cheaper on 9M sessions): `bucketSlots(plan)` equal slots, each
 * knowing the bucket its start falls in. A slot is narrower than any bucket (the quietest hour
 * has a fifth of the mean traffic; slots are 32 per mean hour), so a share past that bucket's end
 * is in the next one.
 */
export function bucketsSql(plan: Plan): string[] {
  const hours = plan.days * 24;
  const lutSlots = bucketSlots(plan);
  return [
    `CREATE OR REPLACE TABLE buckets AS
    WITH h AS (
      SELECT b,
        ([${hourWeights.join(', ')}])[1 + b % 24]
        * ([${weekdayWeights.join(', ')}])[isodow(DATE ${lit(plan.start)} + CAST(b // 24 AS INTEGER))]
        * (1 + ${trend} * (b // 24) / ${plan.days}) AS w
      FROM range(${hours}) t(b)
    ), s AS (
      SELECT b, (sum(w) OVER (ORDER BY b) - w) / sum(w) OVER () AS lo, w / sum(w) OVER () AS width FROM h
    )
    SELECT b, lo, width, coalesce(lead(width) OVER (ORDER BY b), width) AS next_width FROM s ORDER BY b`,
    `CREATE OR REPLACE TABLE bucket_lut AS
       SELECT CAST(s AS INTEGER) AS slot, bk.b, bk.lo, bk.width, bk.next_width
       FROM range(${lutSlots}) t(s) ASOF JOIN buckets bk ON s / ${lutSlots}.0 >= bk.lo`,
  ];
}

/** The join condition that finds the `bucket_lut` row `lut` of a traffic share in [0, 1). */
export function bucketSlotSql(plan: Plan, share: string, lut: string): string {
  return `${lut}.slot = CAST(floor(${share} * ${bucketSlots(plan)}) AS INTEGER)`;
}

/**
 * Seconds from the window's start at which traffic share `share` is reached, given its
 * `bucket_lut` row `lut`: the bucket's hour plus the share's position inside it. Rounding can
 * leave the last bucket's end a hair below 1; shares there stay in the last hour.
 */
export function secondsAtShareSql(plan: Plan, share: string, lut: string): string {
  const next = `${share} >= ${lut}.lo + ${lut}.width AND ${lut}.b + 1 < ${plan.days * 24}`;
  return `least(${plan.days * 86400 - 1}, CAST(CASE WHEN ${next}
          THEN (${lut}.b + 1) * 3600 + least(3599.999, (${share} - ${lut}.lo - ${lut}.width) / ${lut}.next_width * 3600)
          ELSE ${lut}.b * 3600 + least(3599.999, greatest(0, ${share} - ${lut}.lo) / ${lut}.width * 3600) END AS BIGINT))`;
}

/** Slots of `bucket_lut`: a power of two, at least 32 per hour of the window. */
function bucketSlots(plan: Plan): number {
  return 2 ** Math.ceil(Math.log2(plan.days * 24 * 32));
}

/** The customers table (`count` of them: the whole run, or a calibration pilot). */
export function customersSql(plan: Plan, count: number): string {
  const r = new SqlRandom(plan.seed);
  const k = 'k';
  const b = behaviour;
  const lifetime = b.lifetimeDays / plan.days;
  const newShare = 1 / (1 + lifetime);
  const maxSessions = Math.max(Math.round((b.maxSessions31Days * plan.days) / 31), Math.ceil((4 * plan.events) / plan.customers));
  const isNew = `(${r.u(k, 'customer.new')} < ${newShare})`;
  const [eLo, eHi] = idRanges.existingUsers;
  const [nLo, nHi] = idRanges.newUsers;
  const idOf = (lo: number, hi: number) =>
    `${lo} + id_rank * greatest(1, (${hi - lo}) // id_count) + floor(${r.u(k, 'customer.id')} * greatest(1, (${hi - lo}) // id_count))`;
  return `CREATE OR REPLACE TABLE customers AS
    WITH a AS (
      SELECT i AS c, hash(i) AS ${k} FROM range(${count}) t(i)
    ), b AS (
      SELECT c, ${k}, ${isNew} AS is_new,
        CASE WHEN ${isNew} THEN ${r.u(k, 'customer.arrival')} ELSE 0.0 END AS ta,
        -ln(${r.u(k, 'customer.life')}) * ${lifetime} AS life,
        ${plan.activityScale} * (pow(${r.u(k, 'customer.activity')}, -1.0 / ${b.activityAlpha}) - 1) AS activity,
        exp(${b.engagementSigma} * ${r.normal(k, 'customer.engagement')} - ${b.engagementSigma ** 2 / 2}) AS engagement,
        exp(${b.shopperSigma} * ${r.normal(k, 'customer.shopper')} - ${b.shopperSigma ** 2 / 2}) AS shopper,
        CAST(floor(${r.u(k, 'customer.favourite')} * ${slots}) AS INTEGER) AS fav_slot
      FROM a
    ), c AS (
      SELECT *, least(1.0, ta + life) AS tb,
        row_number() OVER (PARTITION BY is_new ORDER BY ta, ${k}, c) - 1 AS id_rank,
        count(*) OVER (PARTITION BY is_new) AS id_count
      FROM b
    )
    SELECT c.c, c.${k}, c.ta, c.tb, c.engagement, c.shopper, fav.first_product AS fav_first, fav.n_products AS fav_n,
      CAST(least(${maxSessions}, 1 + floor(c.activity * (c.tb - c.ta))) AS INTEGER) AS n_sessions,
      CAST(CASE WHEN c.is_new THEN ${idOf(nLo, nHi)} ELSE ${idOf(eLo, eHi)} END AS BIGINT) AS user_id
    FROM c JOIN cat_lut fav ON fav.slot = c.fav_slot`;
}

/** The sessions drawn for the customers table, as CTEs ending in `drawn` (one row per session). */
function drawnSessions(plan: Plan): string {
  const r = new SqlRandom(plan.seed);
  const b = behaviour;
  const ks = 'ks';
  return `
    s AS (
      SELECT c, k, user_id, ta, tb, engagement, shopper, fav_first, fav_n, CAST(unnest(range(n_sessions)) AS BIGINT) AS n FROM customers
    ), s1 AS (
      SELECT *, hash(xor(k, CAST(n AS UBIGINT))) AS ${ks} FROM s
    ), s2 AS (
      SELECT c, n, user_id, ${ks}, fav_first, fav_n,
        ta + (tb - ta) * ${r.u(ks, 'session.when')} AS tau,
        CAST(least(${b.maxViews}, 1 + floor(${b.viewsScale} * engagement * (pow(${r.u(ks, 'session.views')}, -1.0 / ${b.viewsAlpha}) - 1))) AS INTEGER) AS v,
        ${r.u(ks, 'session.cart')} < least(0.95, ${b.cartSessionShare} * shopper) AS shopping,
        ${r.u(ks, 'session.favourite')} < ${b.favouriteShare} AS on_favourite,
        least(${b.gapMax}, greatest(${b.gapMin}, ${b.gapMedian} * exp(${b.gapSigma} * ${r.normal(ks, 'session.gap')}))) AS gap0
      FROM s1
    ), s3 AS (
      SELECT *,
        CASE WHEN shopping THEN CAST(least(v, 1 + floor(-ln(${r.u(ks, 'session.carts')}) * ${b.extraCartsMean})) AS INTEGER) ELSE 0 END AS nc,
        least(gap0, ${b.maxSessionSeconds} / v) AS gap
      FROM s2
    ), s4 AS (
      SELECT *, CAST(floor(nc * ${b.removeShare} + ${r.u(ks, 'session.removes')}) AS INTEGER) AS nr FROM s3
    ), drawn AS (
      SELECT *, CAST(floor((nc - nr) * ${b.purchaseShare} + ${r.u(ks, 'session.purchases')}) AS INTEGER) AS np,
        v + nc + nr + CAST(floor((nc - nr) * ${b.purchaseShare} + ${r.u(ks, 'session.purchases')}) AS INTEGER) AS n_events
      FROM s4
    )`;
}

/** How many events the customers table's sessions hold (for calibration). */
export function drawnEventsSql(plan: Plan): string {
  return `WITH ${drawnSessions(plan)} SELECT coalesce(sum(n_events), 0) AS events FROM drawn`;
}

/**
 * The sessions table: drawn sessions placed in time and cut at exactly `plan.events` events (in a
 * random order of sessions, so the cut thins them evenly). Each session stays within its UTC day.
 */
export function sessionsSql(plan: Plan): string {
  const r = new SqlRandom(plan.seed);
  const ks = 'ks';
  const h1 = r.h(ks, 'session.uuid.a');
  const h2 = r.h(ks, 'session.uuid.b');
  const uuid = `printf('%08x-%04x-4%03x-%04x-%012x', ${h1} >> 32, (${h1} >> 16) & 65535::UBIGINT, ${h1} & 4095::UBIGINT,
      ((${h2} >> 48) & 16383::UBIGINT) | 32768::UBIGINT, ${h2} & 281474976710655::UBIGINT)`;
  return `CREATE OR REPLACE TABLE sessions AS
    WITH ${drawnSessions(plan)},
    cut AS (
      SELECT *, sum(n_events) OVER (ORDER BY ${r.h(ks, 'session.order')}, c, n ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS upto
      FROM drawn
    ), kept AS (
      SELECT *, CAST(least(n_events, ${plan.events} - (upto - n_events)) AS INTEGER) AS keep FROM cut WHERE upto - n_events < ${plan.events}
    ), placed AS (
      SELECT kept.*, ${secondsAtShareSql(plan, 'tau', 'bk')} AS t0,
        CAST(ceil((v + 2.2) * gap) + 40 + nc AS BIGINT) AS duration
      FROM kept JOIN bucket_lut bk ON ${bucketSlotSql(plan, 'kept.tau', 'bk')}
    ), timed AS (
      SELECT *, t0 // 86400 AS dayno,
        least(t0, (t0 // 86400 + 1) * 86400 - duration - 1) AS t_start
      FROM placed
    )
    SELECT c * 1048576 + n AS sid, user_id, ${ks}, CAST(dayno AS INTEGER) AS dayno, t_start, v, nc, nr, np, keep, gap,
      CASE WHEN on_favourite THEN fav_first ELSE focus.first_product END AS focus_first,
      CASE WHEN on_favourite THEN fav_n ELSE focus.n_products END AS focus_n,
      alt.first_product AS alt_first, alt.n_products AS alt_n,
      ${uuid} AS user_session
    FROM timed
    JOIN cat_lut focus ON focus.slot = CAST(floor(${r.u(ks, 'session.focus')} * ${slots}) AS INTEGER)
    JOIN cat_lut alt ON alt.slot = CAST(floor(${r.u(ks, 'session.alt')} * ${slots}) AS INTEGER)
`;
}

/**
 * One day's events in time order, with the REES46 columns. Within a session: views of its items
 * at `gap`-spaced offsets; each cart right after its item's view; removals after their cart;
 * purchases of the remaining carts at checkout, after every view.
 */
export function dayEventsSql(plan: Plan, day: number): string {
  const r = new SqlRandom(plan.seed);
  const b = behaviour;
  const ki = 'ki';
  const cartAt = `view_at + 1 + floor(${r.u(ki, 'item.cart_at')} * 0.3 * gap)`;
  const inFocus = `${r.u(ki, 'item.in_focus')} < ${b.focusShare}`;
  const discountKey = `hash(xor(hash(p.pidx), CAST(${day} AS UBIGINT)))`;
  return `
    WITH e AS (
      SELECT *, CAST(unnest(range(keep)) AS INTEGER) AS j FROM sessions WHERE dayno = ${day}
    ), t AS (
      SELECT *, CASE WHEN j < v THEN 0 WHEN j < v + nc THEN 1 WHEN j < v + nc + nr THEN 2 ELSE 3 END AS kind FROM e
    ), m AS (
      SELECT *, CASE kind WHEN 0 THEN j WHEN 1 THEN j - v WHEN 2 THEN j - v - nc ELSE j - v - nc END AS m FROM t
    ), it AS (
      SELECT *, CASE WHEN kind = 0 THEN m ELSE CAST(floor((m + 0.5) * v / nc) AS INTEGER) END AS item FROM m
    ), k AS (
      SELECT *, hash(xor(xor(ks, ${r.salt('item')}), CAST(item AS UBIGINT))) AS ${ki} FROM it
    ), o AS (
      SELECT *, floor(item * gap + ${r.u(ki, 'item.view_at')} * 0.8 * gap) AS view_at,
        CASE WHEN ${inFocus} THEN focus_first ELSE alt_first END AS cat_first,
        CASE WHEN ${inFocus} THEN focus_n ELSE alt_n END AS cat_n
      FROM k
    ), p AS (
      SELECT *,
        CAST(CASE kind
          WHEN 0 THEN view_at
          WHEN 1 THEN ${cartAt}
          WHEN 2 THEN ${cartAt} + 5 + floor(${r.u(ki, 'item.remove_at')} * gap)
          ELSE floor((v + 0.5) * gap) + 20 + (j - v - nc - nr)
        END AS BIGINT) AS offset_s,
        cat_first + least(cat_n - 1, CAST(floor(exp(pow(${r.u(ki, 'item.rank')}, ${b.productSkew}) * ln(cat_n))) AS BIGINT) - 1) AS pidx
      FROM o
    )
    SELECT TIMESTAMP ${lit(`${plan.start} 00:00:00`)} + to_seconds(t_start + offset_s) AS event_time,
      (['view', 'cart', 'remove_from_cart', 'purchase'])[kind + 1] AS event_type,
      pr.product_id, pr.category_id, pr.category_code, pr.brand,
      CASE WHEN ${r.u(discountKey, 'price.discount')} < ${b.discountShare}
        THEN round(pr.base_price * (1 - ${b.discountMin} - ${b.discountMax - b.discountMin} * ${r.u(discountKey, 'price.discount.size')}), 2)
        ELSE pr.base_price END AS price,
      p.user_id, p.user_session
    FROM p JOIN products pr ON pr.pidx = p.pidx
    ORDER BY event_time, sid, j`;
}
