import { describe, expect, test } from 'vitest';
import { parseMessage, quoteLongIntegers, splitCsvLine } from '../connectors/land/message.js';
import { parseUnitFileName, unitFileName } from '../connectors/land/naming.js';
import { parseLakeLocation } from '../connectors/land/storage.js';
import { rowCsv, rowMessage } from '../connectors/replay/replay.js';

const good = {
  event_time: '2019-10-01 00:00:04 UTC',
  event_type: 'view',
  product_id: '1004237',
  category_id: '2053013555631882655',
  category_code: 'electronics.smartphone',
  brand: 'apple',
  price: 1081.98,
  user_id: '535871217',
  user_session: 'c6bd7419-2748-4c56-95b4-8cec9ff8b80d',
};
const b = (s: string) => Buffer.from(s);

describe('messages → rows', () => {
  test('a JSON object with string ids keeps every digit', () => {
    const p = parseMessage(b(JSON.stringify(good)), 'auto');
    expect(p.ok && p.row).toEqual({
      event_time: '2019-10-01 00:00:04',
      event_type: 'view',
      product_id: 1004237n,
      category_id: 2053013555631882655n,
      category_code: 'electronics.smartphone',
      brand: 'apple',
      price: 1081.98,
      user_id: 535871217n,
      user_session: 'c6bd7419-2748-4c56-95b4-8cec9ff8b80d',
    });
  });

  test('64-bit ids written as JSON numbers stay exact (never through a double)', () => {
    const text = JSON.stringify(good).replace('"2053013555631882655"', '2053013555631882655');
    const p = parseMessage(b(text), 'json');
    expect(p.ok && p.row.category_id).toBe(2053013555631882655n);
    expect(quoteLongIntegers('{"a":"x:12345678901234567","b":12345678901234567,"c":1.2345678901234567}')).toBe(
      '{"a":"x:12345678901234567","b":"12345678901234567","c":1.2345678901234567}',
    );
  });

  test('a REES46 CSV line, with and without quoted fields', () => {
    const line = '2019-10-01 00:00:04 UTC,view,1004237,2053013555631882655,electronics.smartphone,apple,1081.98,535871217,c6bd7419-2748-4c56-95b4-8cec9ff8b80d';
    const p = parseMessage(b(line), 'auto');
    expect(p.ok && p.row.category_id).toBe(2053013555631882655n);
    const quoted = parseMessage(b(line.replace(',apple,', ',"ap,""ple""",')), 'csv');
    expect(quoted.ok && quoted.row.brand).toBe('ap,"ple"');
    expect(splitCsvLine('a,"b')).toBeNull();
    expect(splitCsvLine('a,b"c')).toBeNull();
  });

  test.each([
    ['not JSON', '{"event_time":', 'not-json'],
    ['a JSON array', '[1,2]', 'not-json'],
    ['missing field', JSON.stringify({ ...good, user_id: undefined }), 'missing-value'],
    ['negative price', JSON.stringify({ ...good, price: -1 }), 'negative-price'],
    ['unknown event type', JSON.stringify({ ...good, event_type: 'click' }), 'unknown-event-type'],
    ['mistyped id', JSON.stringify({ ...good, product_id: 'abc' }), 'bad-id'],
    ['mistyped time', JSON.stringify({ ...good, event_time: 'yesterday' }), 'bad-event-time'],
    ['short CSV line', '2019-10-01 00:00:04 UTC,view,1', 'wrong-column-count'],
    ['empty', '', 'empty-message'],
  ])('%s goes to the dead letters with its reason', (_, text, code) => {
    const p = parseMessage(b(text), 'auto');
    expect(p.ok).toBe(false);
    if (!p.ok) {
      expect(p.reject.code).toBe(code === 'not-json' && text.startsWith('[') ? 'wrong-column-count' : code);
      expect(p.reject.reason).toMatch(/^[a-z-]+: ./);
    }
  });

  test('replay messages parse back to the same row', () => {
    const row = parseMessage(b(JSON.stringify(good)), 'json');
    if (!row.ok) throw new Error('bad fixture');
    for (const format of ['json', 'csv'] as const) {
      const m = rowMessage(row.row, format);
      expect(m.key).toBe('535871217');
      const back = parseMessage(b(m.value), 'auto');
      expect(back.ok && back.row).toEqual(row.row);
    }
    expect(rowCsv({ ...row.row, brand: 'a,b' })).toContain(',"a,b",');
  });
});

describe('names and places', () => {
  test('landed file names carry topic, partition and offset range', () => {
    const name = unitFileName('shop.events-1', 3, 100n, 2053013555631882655n);
    expect(name).toBe('shop.events-1+3+100+2053013555631882655.parquet');
    expect(parseUnitFileName(name)).toEqual({ topic: 'shop.events-1', partition: 3, first: 100n, last: 2053013555631882655n });
    expect(parseUnitFileName('.shop+3+1+2.parquet.123-ab.tmp')).toBeUndefined();
  });

  test('lake locations: folders, hdfs:// through WebHDFS, webhdfs://', () => {
    expect(parseLakeLocation('/data/lake')).toEqual({ kind: 'local', path: '/data/lake' });
    expect(parseLakeLocation('file:///data/lake')).toEqual({ kind: 'local', path: '/data/lake' });
    expect(parseLakeLocation('hdfs://nn:8020/lake/', {})).toEqual({ kind: 'hdfs', webhdfs: 'http://nn:9870', path: '/lake', display: 'hdfs://nn:8020/lake' });
    expect(parseLakeLocation('hdfs://nn:8020/lake', { WEBHDFS_URL: 'http://web:50070/' })).toMatchObject({ webhdfs: 'http://web:50070' });
    expect(parseLakeLocation('webhdfs://127.0.0.1:9870/x')).toMatchObject({ kind: 'hdfs', webhdfs: 'http://127.0.0.1:9870', path: '/x' });
    expect(() => parseLakeLocation('s3://bucket/x')).toThrow(/not `s3:\/\/`/);
  });
});
