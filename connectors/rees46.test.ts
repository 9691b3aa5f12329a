import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  formatReject,
  rees46CastSql,
  rees46Columns,
  rees46CsvHeader,
  rees46FastGoodSql,
  rees46GoodSql,
  rees46RejectSql,
  validateRees46Row,
} from './rees46.js';

const names = rees46Columns.map((c) => c.name);
const good: Record<string, string> = {
  event_time: '2019-10-01 00:00:00 UTC',
  event_type: 'view',
  product_id: '44600062',
  category_id: '2103807459595387724',
  category_code: 'electronics.smartphone',
  brand: 'shiseido',
  price: '35.79',
  user_id: '541312140',
  user_session: '72d76fde-8bb3-4e00-8c23-a032dfed738c',
};

/** One column changed from the good row; `expected` is the reason code, or null for a good row. */
const corpus: [column: string, value: string, expected: string | null][] = [
  ['event_time', '2019-10-01 00:00:00 UTC', null],
  ['event_time', '2019-10-31 23:59:59 UTC', null],
  ['event_time', '2019-10-01 00:00:00', null],
  ['event_time', '2019-10-01T00:00:00Z', null],
  ['event_time', '2019-10-01T00:00:00 UTC', null],
  ['event_time', '2019-10-01 00:00:00Z', null],
  ['event_time', '2019-10-01 00:00:00.123 UTC', null],
  ['event_time', '2019-10-01T00:00:00.123456Z', null],
  ['event_time', '2020-02-29 12:00:00 UTC', null],
  ['event_time', '2019-02-29 12:00:00 UTC', 'bad-event-time'],
  ['event_time', '2019-04-31 12:00:00 UTC', 'bad-event-time'],
  ['event_time', '2019-13-01 00:00:00 UTC', 'bad-event-time'],
  ['event_time', '2019-10-00 00:00:00 UTC', 'bad-event-time'],
  ['event_time', '2019-10-01 24:00:00 UTC', 'bad-event-time'],
  ['event_time', '2019-10-01 23:60:00 UTC', 'bad-event-time'],
  ['event_time', '2019-10-01 23:59:60 UTC', 'bad-event-time'],
  ['event_time', '2019-1-01 00:00:00 UTC', 'bad-event-time'],
  ['event_time', '2019-10-1 000:00:00 UTC', 'bad-event-time'],
  ['event_time', '20190-1-01 00:00:00 UTC', 'bad-event-time'],
  ['event_time', '1899-10-01 00:00:00 UTC', 'bad-event-time'],
  ['event_time', '2019-10-01 00:00:00 utc', 'bad-event-time'],
  ['event_time', ' 2019-10-01 00:00:00 UTC', 'bad-event-time'],
  ['event_time', '2019-10-01 00:00:00 UTC ', 'bad-event-time'],
  ['event_time', '2019-10-01 00:00:00+03', 'bad-event-time'],
  ['event_time', '2019-10-01 00:00:00.1234567 UTC', 'bad-event-time'],
  ['event_time', '2019-10-01', 'bad-event-time'],
  ['event_time', 'yesterday', 'bad-event-time'],
  ['event_time', '', 'missing-value'],
  ['event_type', 'purchase', null],
  ['event_type', 'remove_from_cart', null],
  ['event_type', 'VIEW', 'unknown-event-type'],
  ['event_type', 'click', 'unknown-event-type'],
  ['event_type', ' view', 'unknown-event-type'],
  ['event_type', '', 'missing-value'],
  ['product_id', '1', null],
  ['product_id', '9223372036854775807', null],
  ['product_id', '9223372036854775808', 'bad-id'],
  ['product_id', '12345678901234567890', 'bad-id'],
  ['product_id', '0', 'bad-id'],
  ['product_id', '-1', 'bad-id'],
  ['product_id', '01', 'bad-id'],
  ['product_id', '1.0', 'bad-id'],
  ['product_id', '1e3', 'bad-id'],
  ['product_id', '+1', 'bad-id'],
  ['product_id', ' 1', 'bad-id'],
  ['product_id', '1_000', 'bad-id'],
  ['product_id', '0x10', 'bad-id'],
  ['product_id', '١٢', 'bad-id'],
  ['product_id', 'abc', 'bad-id'],
  ['category_id', '2053013555631882655', null],
  ['category_id', '2.053013555631883e18', 'bad-id'],
  ['category_id', '', 'missing-value'],
  ['category_code', '', null],
  ['brand', '', null],
  ['brand', 'a "quoted" brand', null],
  ['price', '0', null],
  ['price', '0.00', null],
  ['price', '-0', null],
  ['price', '2574.07', null],
  ['price', '-1.5', 'negative-price'],
  ['price', '1.', 'bad-price'],
  ['price', '.5', 'bad-price'],
  ['price', '1e5', 'bad-price'],
  ['price', 'NaN', 'bad-price'],
  ['price', 'inf', 'bad-price'],
  ['price', '1,5', 'bad-price'],
  ['price', ' 1', 'bad-price'],
  ['price', `1${'0'.repeat(400)}`, 'bad-price'],
  ['price', 'abc', 'bad-price'],
  ['price', '', 'missing-value'],
  ['user_id', '', 'missing-value'],
  ['user_id', '-541312140', 'bad-id'],
  ['user_session', '', null],
  ['user_session', 'not-a-uuid', null],
];

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

const q = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** Runs records (all nine fields as text) through the SQL rules: reason, good, fast-good per record. */
async function sqlVerdicts(records: Record<string, string>[]): Promise<{ reason: string | null; good: boolean; fast: boolean }[]> {
  const values = records.map((r, i) => `(${i}, ${names.map((n) => q(r[n] ?? '')).join(', ')})`).join(',\n');
  const table = `(VALUES ${values}) AS t(i, ${names.join(', ')})`;
  const id = (c: string) => c;
  const reader = await db.runAndReadAll(
    `SELECT ${rees46RejectSql(id)} AS reason, ${rees46GoodSql(id)} AS good, ${rees46FastGoodSql(id)} AS fast FROM ${table} ORDER BY i`,
  );
  return reader.getRowObjectsJS().map((r) => ({ reason: r['reason'] as string | null, good: r['good'] as boolean, fast: r['fast'] as boolean }));
}

describe('schema', () => {
  test('the REES46 columns, their DuckDB types and the CSV header', () => {
    expect(rees46Columns.map((c) => `${c.name} ${c.type}`)).toEqual([
      'event_time TIMESTAMP',
      'event_type VARCHAR',
      'product_id BIGINT',
      'category_id BIGINT',
      'category_code VARCHAR',
      'brand VARCHAR',
      'price DOUBLE',
      'user_id BIGINT',
      'user_session VARCHAR',
    ]);
    expect(rees46CsvHeader).toBe('event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session');
  });
});

describe('validateRees46Row', () => {
  test('a good CSV row becomes exact typed values', () => {
    const r = validateRees46Row({ ...good, brand: '', category_code: '' });
    expect(r).toEqual({
      ok: true,
      row: {
        event_time: '2019-10-01 00:00:00',
        event_type: 'view',
        product_id: 44600062n,
        category_id: 2103807459595387724n,
        category_code: null,
        brand: null,
        price: 35.79,
        user_id: 541312140n,
        user_session: '72d76fde-8bb3-4e00-8c23-a032dfed738c',
      },
    });
  });

  test('JSON values: safe numbers and bigints are ids, numbers past 2^53 are refused, not rounded', () => {
    const base = { ...good, product_id: 44600062, user_id: 541312140n, price: 35.79 };
    const ok = validateRees46Row(base);
    expect(ok.ok && [ok.row.product_id, ok.row.user_id, ok.row.price]).toEqual([44600062n, 541312140n, 35.79]);
    // 2053013555631882655 as a JS number is already 2053013555631882752.
    const unsafe = validateRees46Row({ ...base, category_id: 2053013555631882655 });
    expect(unsafe).toMatchObject({ ok: false, reject: { code: 'unsafe-number', column: 'category_id' } });
    expect(validateRees46Row({ ...base, category_id: 2053013555631882655n })).toMatchObject({ ok: true });
    expect(validateRees46Row({ ...base, product_id: 1.5 })).toMatchObject({ ok: false, reject: { code: 'bad-id' } });
    expect(validateRees46Row({ ...base, price: -1 })).toMatchObject({ ok: false, reject: { code: 'negative-price' } });
    expect(validateRees46Row({ ...base, price: Number.NaN })).toMatchObject({ ok: false, reject: { code: 'bad-price' } });
    expect(validateRees46Row({ ...base, brand: 42 })).toMatchObject({ ok: false, reject: { code: 'not-text', column: 'brand' } });
    expect(validateRees46Row({ ...base, user_session: null, brand: undefined })).toMatchObject({ ok: true });
    const { user_id: _dropped, ...withoutUser } = base;
    expect(validateRees46Row(withoutUser)).toMatchObject({ ok: false, reject: { code: 'missing-value', column: 'user_id' } });
  });

  test('the first broken rule is reported: empty required fields first, then columns in order', () => {
    const r = validateRees46Row({ ...good, event_time: 'soon', price: '-1', user_id: '' });
    expect(r.ok ? null : formatReject(r.reject)).toBe('missing-value: user_id is empty');
    const r2 = validateRees46Row({ ...good, event_type: 'click', price: '-1' });
    expect(r2.ok ? null : r2.reject.code).toBe('unknown-event-type');
  });
});

describe('the SQL rules say exactly what the JS validator says', () => {
  test('each corpus value, alone in a good row', async () => {
    const records = corpus.map(([column, value]) => ({ ...good, [column]: value }));
    const verdicts = await sqlVerdicts(records);
    const rows = corpus.map(([column, value, expected], i) => {
      const js = validateRees46Row(records[i]!);
      return {
        case: `${column}=${JSON.stringify(value).slice(0, 40)}`,
        expected,
        js: js.ok ? null : js.reject.code,
        jsReason: js.ok ? null : formatReject(js.reject),
        sql: verdicts[i]!.reason,
        good: verdicts[i]!.good,
        fast: verdicts[i]!.fast,
      };
    });
    for (const [i, r] of rows.entries()) {
      expect({ case: r.case, code: r.js }).toEqual({ case: r.case, code: r.expected });
      expect({ case: r.case, sql: r.sql }).toEqual({ case: r.case, sql: r.jsReason });
      expect({ case: r.case, good: r.good }).toEqual({ case: r.case, good: r.expected === null });
      // The fast form accepts only good rows, and every good row whose time is in the REES46 form.
      const rees46Time = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/.test(records[i]!['event_time']!);
      expect({ case: r.case, fast: r.fast }).toEqual({ case: r.case, fast: r.good && rees46Time });
    }
  });

  test('rows with several problems', async () => {
    const records = [
      { ...good, event_time: 'soon', price: '-1', user_id: '' },
      { ...good, event_type: 'click', price: '-1' },
      { ...good, product_id: 'x', category_id: 'y' },
      { ...good, price: '-2', user_id: '0' },
    ];
    const verdicts = await sqlVerdicts(records);
    expect(verdicts.map((v) => v.reason)).toEqual(
      records.map((r) => {
        const v = validateRees46Row(r);
        return v.ok ? null : formatReject(v.reject);
      }),
    );
  });

  test('the cast keeps ids exact and empty texts NULL', async () => {
    const table = `(VALUES (${names.map((n) => q(n === 'brand' ? '' : good[n]!)).join(', ')})) AS t(${names.join(', ')})`;
    for (const rees46Times of [false, true]) {
      const reader = await db.runAndReadAll(
        `SELECT CAST(event_time AS VARCHAR) AS t, CAST(category_id AS VARCHAR) AS c, brand, typeof(price) AS p FROM (SELECT ${rees46CastSql((c) => c, rees46Times)} FROM ${table})`,
      );
      expect(reader.getRowObjectsJS()).toEqual([{ t: '2019-10-01 00:00:00', c: '2103807459595387724', brand: null, p: 'DOUBLE' }]);
    }
  });
});
