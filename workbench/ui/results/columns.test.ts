import { Bool, DateDay, Float64, Int64, Table, TimestampMillisecond, Utf8, tableFromArrays, tableFromIPC, tableToIPC, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { chartRows, columnsOf, formatDecimal, formatNumber, formatValue, textRows } from './columns.js';
import { recordChartRows, recordColumns, recordText } from './records.js';

/** A result as the server sends it: Arrow IPC bytes, read back as the page reads them. */
function result() {
  const table = new Table({
    user_id: vectorFromArray([2053013555631882655n, 7n, null], new Int64()),
    day: vectorFromArray([Date.UTC(2019, 9, 1), Date.UTC(2019, 9, 31), null], new DateDay()),
    last_seen: vectorFromArray([Date.UTC(2019, 9, 1, 10, 0, 5), Date.UTC(2019, 9, 2, 23, 59, 59, 250), null], new TimestampMillisecond()),
    revenue: vectorFromArray([1234.5678912, 0.1 + 0.2, null], new Float64()),
    brand: vectorFromArray(['apple', '<b>x</b>', null], new Utf8()),
    vip: vectorFromArray([true, false, null], new Bool()),
  });
  return tableFromIPC(tableToIPC(table, 'stream'));
}

describe('result columns and values', () => {
  it('knows each Arrow type as a column kind', () => {
    expect(columnsOf(result().schema).map((c) => [c.name, c.kind])).toEqual([
      ['user_id', 'bigint'],
      ['day', 'date'],
      ['last_seen', 'timestamp'],
      ['revenue', 'number'],
      ['brand', 'string'],
      ['vip', 'boolean'],
    ]);
    expect(columnsOf(tableFromArrays({ n: Int32Array.from([1]) }).schema)[0]!.kind).toBe('number');
  });

  it('formats rows exactly: ids keep every digit, times in UTC, nulls as null', () => {
    const t = result();
    expect(textRows(t, columnsOf(t.schema))).toEqual([
      ['2053013555631882655', '2019-10-01', '2019-10-01 10:00:05', '1234.5679', 'apple', 'true'],
      ['7', '2019-10-31', '2019-10-02 23:59:59.250', '0.3', '<b>x</b>', 'false'],
      [null, null, null, null, null, null],
    ]);
  });

  it('gives charts numbers and Dates', () => {
    const t = result();
    const [first] = chartRows(t, columnsOf(t.schema), 0, 1);
    expect(first).toEqual({ user_id: 2053013555631882655, day: new Date(Date.UTC(2019, 9, 1)), last_seen: new Date(Date.UTC(2019, 9, 1, 10, 0, 5)), revenue: 1234.5678912, brand: 'apple', vip: 'true' });
  });

  it('formats numbers and decimals for reading', () => {
    expect(formatNumber(12)).toBe('12');
    expect(formatNumber(1 / 3)).toBe('0.3333');
    expect(formatNumber(0.0000123)).toBe('0.0000123');
    expect(formatDecimal(123456n, 2)).toBe('1234.56');
    expect(formatDecimal(-5n, 3)).toBe('-0.005');
    expect(formatDecimal(1200n, 2)).toBe('12');
    expect(formatValue(null, { name: 'x', kind: 'string', typeName: 'Utf8' })).toBe('');
  });

  it('reads JSON records (customer view): ISO dates, ids as text', () => {
    const days = [
      { day: '2019-10-01', user_id: '2053013555631882655', views: 3, last: '2019-10-01T10:00:00Z' },
      { day: '2019-10-02', user_id: '2053013555631882655', views: null, last: null },
    ];
    const cols = recordColumns(days);
    expect(cols.map((c) => [c.name, c.kind])).toEqual([
      ['day', 'date'],
      ['user_id', 'bigint'],
      ['views', 'number'],
      ['last', 'timestamp'],
    ]);
    expect(recordChartRows(days, cols)[0]).toEqual({ day: new Date('2019-10-01T00:00:00Z'), user_id: 2053013555631882655, views: 3, last: new Date('2019-10-01T10:00:00Z') });
    expect(recordText('2019-10-01T10:00:00.000Z')).toBe('2019-10-01 10:00:00');
    expect(recordText(0.1 + 0.2)).toBe('0.3');
    expect(recordText(null)).toBeNull();
  });
});
