/**
 * The REES46 e-commerce event schema ("eCommerce behavior data from multi category store",
 * October 2019: 42.4M events) as data, and the one set of rules that says whether a row is good.
 *
 * The rules exist twice, side by side, on purpose: `validateRees46Row` (JS, for one record at a
 * time, e.g. a Kafka message) and `rees46RejectSql` (a DuckDB expression, for a whole CSV file in
 * one parallel scan). Both return the same reason text for the same input; `rees46.test.ts` runs
 * one corpus through both and compares.
 */

/** A column of the REES46 schema: its name, its DuckDB type, and what it holds. */
export interface Rees46Column {
  name: string;
  type: 'TIMESTAMP' | 'VARCHAR' | 'BIGINT' | 'DOUBLE';
  /** Whether an empty value is a bad row (`true`) or NULL (`false`). */
  required: boolean;
  doc: string;
}

/** The columns in file order. Every lake dataset written by kohort's connectors has exactly these. */
export const rees46Columns: readonly Rees46Column[] = [
  { name: 'event_time', type: 'TIMESTAMP', required: true, doc: 'When it happened, UTC (naive timestamp); CSV text `2019-10-01 00:00:00 UTC`.' },
  { name: 'event_type', type: 'VARCHAR', required: true, doc: 'view | cart | remove_from_cart | purchase.' },
  { name: 'product_id', type: 'BIGINT', required: true, doc: 'The product.' },
  { name: 'category_id', type: 'BIGINT', required: true, doc: 'The category; values exceed 2^53, so never a JS number.' },
  { name: 'category_code', type: 'VARCHAR', required: false, doc: 'Dotted taxonomy, e.g. `electronics.smartphone`; NULL when unknown.' },
  { name: 'brand', type: 'VARCHAR', required: false, doc: 'Lower-case brand; NULL when unknown.' },
  { name: 'price', type: 'DOUBLE', required: true, doc: 'Unit price, >= 0.' },
  { name: 'user_id', type: 'BIGINT', required: true, doc: 'The customer.' },
  { name: 'user_session', type: 'VARCHAR', required: false, doc: 'Session UUID; NULL when empty.' },
];

/** The Hive partition column every dataset adds: the UTC day of `event_time`, folder `date=YYYY-MM-DD`. */
export const rees46Partition = { name: 'date', type: 'DATE', from: 'event_time' } as const;

export const rees46EventTypes = ['view', 'cart', 'remove_from_cart', 'purchase'] as const;
export type Rees46EventType = (typeof rees46EventTypes)[number];

/** The header line of a REES46 CSV file. */
export const rees46CsvHeader = rees46Columns.map((c) => c.name).join(',');

/** A good row, with exact values: ids are `bigint`, the time is `YYYY-MM-DD HH:MM:SS[.ffffff]` UTC. */
export interface Rees46Row {
  event_time: string;
  event_type: Rees46EventType;
  product_id: bigint;
  category_id: bigint;
  category_code: string | null;
  brand: string | null;
  price: number;
  user_id: bigint;
  user_session: string | null;
}

export type Rees46RejectCode =
  | 'wrong-column-count'
  | 'missing-value'
  | 'bad-event-time'
  | 'unknown-event-type'
  | 'bad-id'
  | 'unsafe-number'
  | 'bad-price'
  | 'negative-price'
  | 'not-text';

/** Why a row is bad. The first bad column in schema order is the one reported. */
export interface Rees46Reject {
  code: Rees46RejectCode;
  column?: string;
  message: string;
}

/** The one-line reason written to rejects files and logs: `code: message`. */
export function formatReject(r: Rees46Reject): string {
  return `${r.code}: ${r.message}`;
}

const messages = {
  missing: (c: string) => `${c} is empty`,
  time: 'event_time is not a UTC time like 2019-10-01 00:00:00 UTC',
  eventType: `event_type is not one of ${rees46EventTypes.join(', ')}`,
  id: (c: string) => `${c} is not a positive 64-bit integer (digits, no leading zero)`,
  unsafe: (c: string) => `${c} is a JSON number beyond 2^53 and may have lost digits; send it as a string`,
  price: 'price is not a decimal number like 35.79',
  negativePrice: 'price is negative',
  notText: (c: string) => `${c} is not text`,
};

// `YYYY-MM-DD HH:MM:SS`, optionally `T` for the space, a fraction, and ` UTC` or `Z`. Calendar
// validity (no 2019-02-30) is checked after the pattern, by Date.UTC and by DuckDB's cast.
const timePattern = '(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[ T]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,6})?( UTC|Z)?';
const pricePattern = '-?[0-9]+(\\.[0-9]+)?';
const timeRe = new RegExp(`^${timePattern}$`);
const priceRe = new RegExp(`^${pricePattern}$`);
const idRe = /^[1-9][0-9]{0,18}$/;
const maxBigint = 9223372036854775807n;

type Check<T> = { ok: true; value: T } | { ok: false; reject: Rees46Reject };
const bad = (code: Rees46RejectCode, column: string, message: string): { ok: false; reject: Rees46Reject } => ({
  ok: false,
  reject: { code, column, message },
});

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

function checkTime(v: unknown): Check<string> {
  if (typeof v !== 'string' || !timeRe.test(v)) return bad('bad-event-time', 'event_time', messages.time);
  const y = Number(v.slice(0, 4));
  const m = Number(v.slice(5, 7));
  const d = Number(v.slice(8, 10));
  if (new Date(Date.UTC(y, m - 1, d)).getUTCDate() !== d) return bad('bad-event-time', 'event_time', messages.time);
  return { ok: true, value: `${v.slice(0, 10)} ${v.slice(11).replace(/( UTC|Z)$/, '')}` };
}

function checkId(column: string, v: unknown): Check<bigint> {
  let n: bigint;
  if (typeof v === 'string') {
    if (!idRe.test(v)) return bad('bad-id', column, messages.id(column));
    n = BigInt(v);
  } else if (typeof v === 'bigint') {
    n = v;
  } else if (typeof v === 'number') {
    if (Number.isInteger(v) && !Number.isSafeInteger(v)) return bad('unsafe-number', column, messages.unsafe(column));
    if (!Number.isSafeInteger(v)) return bad('bad-id', column, messages.id(column));
    n = BigInt(v);
  } else {
    return bad('bad-id', column, messages.id(column));
  }
  if (n <= 0n || n > maxBigint) return bad('bad-id', column, messages.id(column));
  return { ok: true, value: n };
}

function checkPrice(v: unknown): Check<number> {
  let n: number;
  if (typeof v === 'string') {
    if (!priceRe.test(v)) return bad('bad-price', 'price', messages.price);
    n = Number(v);
  } else if (typeof v === 'number') {
    n = v;
  } else {
    return bad('bad-price', 'price', messages.price);
  }
  if (!Number.isFinite(n)) return bad('bad-price', 'price', messages.price);
  if (n < 0) return bad('negative-price', 'price', messages.negativePrice);
  return { ok: true, value: n };
}

function checkText(column: string, v: unknown): Check<string | null> {
  if (isEmpty(v)) return { ok: true, value: null };
  if (typeof v !== 'string') return bad('not-text', column, messages.notText(column));
  return { ok: true, value: v };
}

/**
 * Checks one record (CSV fields as text, or a decoded JSON message whose ids may be strings,
 * safe-integer numbers or bigints) and returns the typed row or the first reason it is bad.
 */
export function validateRees46Row(
  record: Readonly<Record<string, unknown>>,
): { ok: true; row: Rees46Row } | { ok: false; reject: Rees46Reject } {
  for (const c of rees46Columns) {
    if (c.required && isEmpty(record[c.name])) return bad('missing-value', c.name, messages.missing(c.name));
  }
  const time = checkTime(record['event_time']);
  if (!time.ok) return time;
  const type = record['event_type'];
  if (typeof type !== 'string' || !(rees46EventTypes as readonly string[]).includes(type)) {
    return bad('unknown-event-type', 'event_type', messages.eventType);
  }
  const product = checkId('product_id', record['product_id']);
  if (!product.ok) return product;
  const category = checkId('category_id', record['category_id']);
  if (!category.ok) return category;
  const code = checkText('category_code', record['category_code']);
  if (!code.ok) return code;
  const brand = checkText('brand', record['brand']);
  if (!brand.ok) return brand;
  const price = checkPrice(record['price']);
  if (!price.ok) return price;
  const user = checkId('user_id', record['user_id']);
  if (!user.ok) return user;
  const session = checkText('user_session', record['user_session']);
  if (!session.ok) return session;
  return {
    ok: true,
    row: {
      event_time: time.value,
      event_type: type as Rees46EventType,
      product_id: product.value,
      category_id: category.value,
      category_code: code.value,
      brand: brand.value,
      price: price.value,
      user_id: user.value,
      user_session: session.value,
    },
  };
}

/** A SQL string literal. */
function lit(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** One rule as SQL: `good` is true when the row keeps it (NULL counts as broken). Rules apply in order. */
interface SqlRule {
  good: string;
  code: Rees46RejectCode;
  message: string;
}

/**
 * The rules over the nine fields as VARCHAR (`field(name)` gives each one's SQL; make it a column,
 * not an expression, as it is referenced many times).
 *
 * Per-row cost matters (42M rows a month), and regular expressions cost ~0.3 µs a value in
 * DuckDB: the REES46 time form (`2019-10-01 00:00:00 UTC`, 23 bytes) is checked by `strptime`,
 * which rejects any other width, sign or space; ids by a round trip through BIGINT (exactly the
 * digit strings without leading zero survive it); prices by a short pattern. With `fast`, times
 * in any other form are not good (see `rees46FastGoodSql`).
 */
function sqlRules(field: (column: string) => string, fast: boolean): SqlRule[] {
  const f = field;
  const rules: SqlRule[] = [];
  for (const c of rees46Columns) {
    if (c.required) rules.push({ good: `${f(c.name)} <> ''`, code: 'missing-value', message: messages.missing(c.name) });
  }
  const t = f('event_time');
  const canonical = `(strlen(${t}) = 23 AND left(${t}, 2) IN ('19', '20') AND try_strptime(${t}, '%Y-%m-%d %H:%M:%S UTC') IS NOT NULL)`;
  const other = `(regexp_full_match(${t}, ${lit(timePattern)}) AND ${rees46TimeSql(t)} IS NOT NULL)`;
  rules.push({ good: fast ? canonical : `${canonical} OR ${other}`, code: 'bad-event-time', message: messages.time });
  rules.push({ good: `${f('event_type')} IN (${rees46EventTypes.map(lit).join(', ')})`, code: 'unknown-event-type', message: messages.eventType });
  const id = (c: string): SqlRule => ({
    good: `CAST(TRY_CAST(${f(c)} AS BIGINT) AS VARCHAR) = ${f(c)} AND TRY_CAST(${f(c)} AS BIGINT) > 0`,
    code: 'bad-id',
    message: messages.id(c),
  });
  rules.push(id('product_id'), id('category_id'));
  const p = f('price');
  rules.push({
    good: `regexp_full_match(${p}, ${lit(pricePattern)}) AND isfinite(TRY_CAST(${p} AS DOUBLE))`,
    code: 'bad-price',
    message: messages.price,
  });
  rules.push({ good: `TRY_CAST(${p} AS DOUBLE) >= 0`, code: 'negative-price', message: messages.negativePrice });
  rules.push(id('user_id'));
  return rules;
}

/**
 * A DuckDB condition over the nine VARCHAR fields, true exactly when `rees46RejectSql` is NULL.
 * Cheaper than the CASE that builds reason texts, for filtering good rows.
 */
export function rees46GoodSql(field: (column: string) => string): string {
  return sqlRules(field, false)
    .map((r) => `coalesce(${r.good}, false)`)
    .join(' AND ');
}

/**
 * `rees46GoodSql` restricted to times in the REES46 form, which skips the time pattern on every
 * row: true implies `rees46GoodSql`; rows it refuses need the full rules.
 */
export function rees46FastGoodSql(field: (column: string) => string): string {
  return sqlRules(field, true)
    .map((r) => `coalesce(${r.good}, false)`)
    .join(' AND ');
}

/**
 * A DuckDB expression over the nine VARCHAR fields that is NULL for a good row and otherwise the
 * same `code: message` text `validateRees46Row` gives (the first rule broken).
 */
export function rees46RejectSql(field: (column: string) => string): string {
  const whens = sqlRules(field, false).map(
    (r) => `WHEN NOT coalesce(${r.good}, false) THEN ${lit(formatReject({ code: r.code, message: r.message }))}`,
  );
  return `CASE ${whens.join(' ')} END`;
}

/** DuckDB: an `event_time` text (already matching the pattern) as a TIMESTAMP, NULL if no such day. */
function rees46TimeSql(text: string): string {
  // `rtrim(…, ' UTCZ')` drops the zone suffix; the pattern guarantees only digits precede it.
  return `TRY_CAST(rtrim(replace(${text}, 'T', ' '), ' UTCZ') AS TIMESTAMP)`;
}

/**
 * DuckDB: the select list that turns the nine VARCHAR fields of a good row into the typed schema.
 * `rees46Times`: every time is in the REES46 form (rows `rees46FastGoodSql` accepted), which
 * `strptime` converts at a third of the general cast's cost.
 */
export function rees46CastSql(field: (column: string) => string, rees46Times = false): string {
  const f = field;
  const time = rees46Times ? `strptime(${f('event_time')}, '%Y-%m-%d %H:%M:%S UTC')` : rees46TimeSql(f('event_time'));
  return [
    `${time} AS event_time`,
    `${f('event_type')} AS event_type`,
    `CAST(${f('product_id')} AS BIGINT) AS product_id`,
    `CAST(${f('category_id')} AS BIGINT) AS category_id`,
    `nullif(${f('category_code')}, '') AS category_code`,
    `nullif(${f('brand')}, '') AS brand`,
    `CAST(${f('price')} AS DOUBLE) AS price`,
    `CAST(${f('user_id')} AS BIGINT) AS user_id`,
    `nullif(${f('user_session')}, '') AS user_session`,
  ].join(', ');
}
