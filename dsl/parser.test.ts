import { describe, expect, it } from 'vitest';
import { marked } from '../tests/support/marked.js';
import { compileNotebook, parseDefinitions } from './index.js';

const errorsOf = (text: string) => parseDefinitions(text).diagnostics.filter((d) => d.severity === 'error');

describe('parser: valid definitions', () => {
  const valid = [
    'source events = lake "events" key user_id time event_time',
    'source s = parquet "data/*.parquet" key customer time ts',
    "source s = csv 'x.csv' time t key k",
    'metric views = count() where event_type = "view"',
    'metric v = count(*)',
    'metric sessions = count(distinct user_session)',
    'metric r30 = sum(price) where event_type = "purchase" during last 30 days',
    'metric oct = count() during between date "2019-10-01" and date "2019-10-15"',
    'metric mixed = sum(price) / count() from events where price > 0',
    'metric bucket = case when revenue > 100 then "high" when revenue > 0 then "low" else "none" end',
    'metric c = if(views > 0, purchases / views, 0) -- NULL-safe',
    'metric big = count() where category_id = 2053013555631882655',
    'metric neg = -views + 1',
    'profile customers = views, purchases, revenue',
    'profile daily per day = views',
    'segment vip = revenue >= 1000 and (purchases >= 3 or not buyers)',
    'segment s = x between 1 and 10 and y not in ("a", "b") and z is not null and b starts with "el" and c not contains "x"',
    'query q = from events',
    'query q = from customers where vip group by brand = favourite_brand select n = count(), r = sum(revenue) where vip order by n desc, brand limit 10',
    'plot p = bar q (x = brand, y = n, color = brand)',
    'as of latest',
    'as of date "2019-10-31"',
    'as of timestamp "2019-10-31 12:00:00"',
    'segment `odd name` = `select` > 1',
    'METRIC Upper = COUNT() WHERE a = 1',
  ];
  for (const text of valid) {
    it(text, () => expect(errorsOf(text)).toEqual([]));
  }
});

describe('parser: broken inputs report where they break', () => {
  const cases: [string, ReturnType<typeof marked>][] = [
    ['missing close paren', marked`metric views = count(${'where'} event_type = "view"`],
    ['missing expression', marked`segment vip = revenue >${''}`],
    ['unterminated string', marked`metric x = count() where brand = ${'"apple'}`],
    ['bad character', marked`metric x = count() where a ${'$'} 1`],
    ['stray token at top level', marked`${'views'} = count()`],
    ['unknown source kind', marked`source e = ${'mysql'} "x" key a time b`],
    ['bad window unit', marked`metric x = count() during last 3 ${'fortnights'}`],
    ['zero window', marked`metric x = count() during last ${'0'} days`],
  ];
  for (const [title, m] of cases) {
    it(title, () => {
      const errors = errorsOf(m.text);
      expect(errors.length).toBeGreaterThan(0);
      const first = errors[0]!;
      expect(first.range.start.offset).toBe(m.marks[0]!.start);
      if (m.marks[0]!.text.length > 0) expect(first.range.end.offset).toBe(m.marks[0]!.end);
      expect(first.message).not.toMatch(/Error|undefined|NaN/);
    });
  }

  it('recovers and reports several errors at once, and still checks the good definitions', () => {
    const m = marked`source events = lake "events" key user_id time event_time
metric a = count(${'where'} x = 1
metric b = sum(price) +
${'segment'} c = 1 > 1
segment d = ${'nope'} > 1
metric ok = count()`;
    const r = compileNotebook(m.text);
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.length).toBeGreaterThanOrEqual(3);
    expect(errors.map((e) => e.range.start.offset)).toEqual(expect.arrayContaining(m.marks.map((x) => x.start)));
    expect(r.cells.find((c) => c.name === 'ok')?.sql).toBeDefined();
  });

  it('positions are 1-based lines and columns in the whole notebook, across cells', () => {
    const text = '--- markdown\n# hi\n\n--- kohort\nsource e = lake "e" key k time t\nmetric x = count(\n';
    const [err] = errorsOf(text);
    // Right after `count(` on line 6, where the `)` is missing.
    expect(err?.range.start.line).toBe(6);
    expect(err?.range.start.column).toBe(18);
  });
});
