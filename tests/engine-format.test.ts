import { describe, expect, test } from 'vitest';
import { displayWidth, escapeControls, formatCsv, formatJson, formatTable } from '../engine/format.js';
import type { CellValue, ColumnKind, ResultTable } from '../engine/values.js';

function table(columns: [string, ColumnKind][], rows: CellValue[][], rowCount = rows.length): ResultTable {
  return { columns: columns.map(([name, kind]) => ({ name, kind, sqlType: kind })), rows, rowCount };
}

const hostile = [
  'plain',
  'has "quotes"',
  'comma, inside',
  'two\nlines',
  'crlf\r\nline',
  '',
  ' padded ',
  '日本語',
  'emoji 🦆 duck',
  'e\u0301 combining',
  '\u202eevil bidi',
  'tab\there',
  'bell\u0007',
];

/** A small RFC 4180 reader, written from the RFC, to check that our CSV reads back exactly. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), (i += 2);
      else if (c === '"') (quoted = false), i++;
      else (field += c), i++;
    } else if (c === '"') (quoted = true), i++;
    else if (c === ',') record.push(field), (field = ''), i++;
    else if (c === '\n') record.push(field), records.push(record), (record = []), (field = ''), i++;
    else (field += c), i++;
  }
  if (field !== '' || record.length) record.push(field), records.push(record);
  return records;
}

describe('csv', () => {
  test('quotes only what RFC 4180 needs and reads back exactly', () => {
    const result = table(
      [['s', 'string']],
      hostile.map((s) => [s]),
    );
    const csv = formatCsv(result);
    expect(parseCsv(csv)).toEqual([['s'], ...hostile.map((s) => [s])]);
    expect(csv.split('\n').slice(0, 4)).toEqual(['s', 'plain', '"has ""quotes"""', '"comma, inside"']);
  });

  test('NULL is an empty field, the empty string is ""', () => {
    expect(formatCsv(table([['a', 'string'], ['b', 'integer']], [[null, null], ['', 0n]]))).toBe('a,b\n,\n"",0\n');
  });

  test('BIGINTs keep every digit; doubles print shortest; non-finite as DuckDB spells them', () => {
    const result = table(
      [['id', 'integer'], ['x', 'float']],
      [
        [2053013555631882655n, 0.1],
        [-9223372036854775808n, Number.NaN],
        [170141183460469231731687303715884105727n, Infinity],
      ],
    );
    expect(formatCsv(result)).toBe('id,x\n2053013555631882655,0.1\n-9223372036854775808,nan\n170141183460469231731687303715884105727,inf\n');
  });

  test('headers are quoted too', () => {
    expect(formatCsv(table([['a,b', 'string'], ['say "hi"', 'string']], [])).trimEnd()).toBe('"a,b","say ""hi"""');
  });
});

describe('json', () => {
  test('is an array of objects that JSON.parse reads back, hostile strings included', () => {
    const result = table(
      [['s', 'string'], ['n', 'float'], ['b', 'boolean'], ['t', 'timestamp']],
      hostile.map((s, i) => [s, i / 4, i % 2 === 0, '2019-10-01T00:00:00']),
    );
    const parsed = JSON.parse(formatJson(result)) as Record<string, unknown>[];
    expect(parsed.map((r) => r['s'])).toEqual(hostile);
    expect(parsed[3]).toEqual({ s: 'two\nlines', n: 0.75, b: false, t: '2019-10-01T00:00:00' });
  });

  test('BIGINT is written as its exact digits, not a rounded double', () => {
    const json = formatJson(table([['user_id', 'integer']], [[2053013555631882655n], [null]]));
    expect(json).toBe('[\n  {"user_id": 2053013555631882655},\n  {"user_id": null}\n]\n');
    // A plain JSON.parse would round it; the digits in the text are what a bigint-aware reader gets.
    expect(json).not.toContain('2053013555631882600');
  });

  test('NaN and infinities, which JSON cannot hold, are null; nested values nest', () => {
    const json = formatJson(
      table([['x', 'float'], ['l', 'nested'], ['o', 'nested']], [[Number.NaN, [1n, null, 'a"b'], { k: -Infinity, id: 9007199254740993n }]]),
    );
    expect(json).toBe('[\n  {"x": null, "l": [1, null, "a\\"b"], "o": {"k": null, "id": 9007199254740993}}\n]\n');
  });

  test('an empty result is an empty array', () => {
    expect(JSON.parse(formatJson(table([['a', 'string']], [])))).toEqual([]);
  });

  test('duplicate-free keys come from the column names, escaped', () => {
    const json = formatJson(table([['we"ird\nname', 'string']], [['v']]));
    expect(JSON.parse(json)).toEqual([{ 'we"ird\nname': 'v' }]);
  });
});

describe('table', () => {
  test('aligns columns, right-aligns numbers and lines up decimals', () => {
    const out = formatTable(
      table(
        [['user_id', 'integer'], ['brand', 'string'], ['revenue', 'float']],
        [
          [2053013555631882655n, 'apple', 1681.81],
          [7n, 'vivo', 0.5],
          [42n, null, 12],
        ],
      ),
    );
    expect(out).toBe(
      [
        '            user_id  brand  revenue',
        '-------------------  -----  -------',
        '2053013555631882655  apple  1681.81',
        '                  7  vivo      0.50',
        '                 42  NULL     12.00',
        '',
      ].join('\n'),
    );
  });

  test('says how many rows were cut', () => {
    const out = formatTable(table([['i', 'integer']], [[1n], [2n]], 3_000_002));
    expect(out.trimEnd().split('\n').at(-1)).toBe('… 3,000,000 more rows');
    expect(formatTable(table([['i', 'integer']], [[1n]], 2)).trimEnd().split('\n').at(-1)).toBe('… 1 more row');
    expect(formatTable(table([['i', 'integer']], [])).trimEnd().split('\n').at(-1)).toBe('(no rows)');
  });

  test('hostile strings cannot break the layout: one line per row, every line the same width', () => {
    const out = formatTable(
      table(
        [['s', 'string'], ['n', 'integer']],
        hostile.map((s, i) => [s, BigInt(i)]),
      ),
    );
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(hostile.length + 2);
    const widths = new Set(lines.map(displayWidth));
    expect(widths.size).toBe(1);
    expect(out).toContain('two\\nlines');
    expect(out).toContain('\\u{202e}evil bidi');
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
  });

  test('cuts long values at a grapheme, with …', () => {
    const out = formatTable(table([['s', 'string']], [['🦆'.repeat(30)], ['abcdefghij'.repeat(10)]]), { maxColumnWidth: 11 });
    const [, , duck, abc] = out.split('\n');
    expect(duck).toBe('🦆🦆🦆🦆🦆…');
    expect(abc).toBe('abcdefghij…');
  });

  test('very large and very small doubles use exponents; non-finite doubles are shown', () => {
    const out = formatTable(table([['x', 'float']], [[1e300], [1e-9], [Number.NaN], [-Infinity], [0.25]]));
    expect(out.split('\n').slice(2, 7).map((l) => l.trim())).toEqual(['1e+300', '1e-9', 'nan', '-inf', '0.25']);
  });
});

test('displayWidth counts wide and zero-width graphemes', () => {
  expect(displayWidth('abc')).toBe(3);
  expect(displayWidth('日本')).toBe(4);
  expect(displayWidth('🦆')).toBe(2);
  expect(displayWidth('e\u0301')).toBe(1);
  expect(displayWidth('👩‍👩‍👧')).toBe(2);
  expect(escapeControls('a\nb\tc\u0000')).toBe('a\\nb\\tc\\u{0}');
});
