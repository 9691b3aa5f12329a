import { describe, expect, it } from 'vitest';
import { marked, type Marked } from '../tests/support/marked.js';
import { rees46Schemas, sourceLine } from '../tests/support/rees46-schema.js';
import { compileNotebook, type Diagnostic } from './index.js';

const metrics = `${sourceLine}metric views = count() where event_type = "view"
metric purchases = count() where event_type = "purchase"
metric revenue = sum(price) where event_type = "purchase"
metric favourite_brand = mode(brand)
metric last_seen = max(event_time)
`;

function problems(m: Marked, prefix = metrics): Diagnostic[] {
  const r = compileNotebook(prefix + m.text, { schemas: rees46Schemas, lake: '/lake' });
  return r.diagnostics
    .filter((d) => d.severity !== 'info')
    .map((d) => ({ ...d, range: { start: { ...d.range.start, offset: d.range.start.offset - prefix.length }, end: { ...d.range.end, offset: d.range.end.offset - prefix.length } } }));
}

/** Asserts the i-th diagnostic sits on the i-th mark, with the given code. */
function expectAt(m: Marked, codes: Diagnostic['code'][], prefix?: string): Diagnostic[] {
  const ds = problems(m, prefix);
  expect(ds.map((d) => d.code)).toEqual(codes);
  ds.forEach((d, i) => {
    const mark = m.marks[i]!;
    expect([d.range.start.offset, d.range.end.offset], `${d.code}: ${d.message}`).toEqual([mark.start, mark.end]);
  });
  return ds;
}

describe('checker', () => {
  it('accepts a well-formed notebook without diagnostics', () => {
    expect(problems(marked`segment vip = revenue >= 1000 and purchases >= 3\nprofile p = views, revenue, vip`)).toEqual([]);
  });

  it('unknown metric, with a did-you-mean', () => {
    const [d] = expectAt(marked`segment vip = ${'revnue'} > 1`, ['unknown-name']);
    expect(d!.message).toContain('revnue');
    expect(d!.hints).toEqual(['did you mean `revenue`?']);
  });

  it('unknown column inside an aggregate, with a did-you-mean', () => {
    const [d] = expectAt(marked`metric m = sum(${'prce'})`, ['unknown-column']);
    expect(d!.hints).toEqual(['did you mean `price`?']);
  });

  it('a column outside an aggregate is per event, not per customer', () => {
    expectAt(marked`segment s = ${'price'} > 5`, ['column-outside-aggregate']);
  });

  it('a metric inside an aggregate is a nested aggregate', () => {
    expectAt(marked`metric m = sum(${'revenue'})`, ['nested-aggregate']);
    expectAt(marked`metric m = sum(${'count'}(price))`, ['nested-aggregate']);
  });

  it('finds cycles between metrics and between segments', () => {
    const ds = problems(marked`metric a = b + 1\nmetric b = a * 2\nsegment x = y\nsegment y = not x`);
    expect(ds.filter((d) => d.code === 'cyclic-definition').map((d) => d.message)).toEqual([
      '`a` depends on itself: a → b → a',
      '`x` depends on itself: x → y → x',
    ]);
  });

  it('a segment that uses itself is a cycle', () => {
    expectAt(marked`segment s = ${'s'} or views > 1`, ['cyclic-definition']);
  });

  it('type mismatches name both types', () => {
    const [d] = expectAt(marked`segment s = ${'favourite_brand > 5'}`, ['type-mismatch']);
    expect(d!.message).toBe('cannot compare text with a number');
  });

  it('a segment must be a condition', () => {
    expectAt(marked`segment s = ${'revenue'}`, ['not-boolean']);
  });

  it('function arity and unknown functions', () => {
    expectAt(marked`metric m = ${'sum()'}`, ['wrong-arity']);
    const [d] = expectAt(marked`metric m = ${'summ'}(price)`, ['unknown-function']);
    expect(d!.hints).toEqual(['did you mean `sum`?']);
  });

  it('aggregates are not allowed in segments', () => {
    expectAt(marked`segment s = ${'sum'}(price) > 1`, ['aggregate-not-allowed']);
  });

  it('duplicate names', () => {
    expectAt(marked`metric ${'views'} = count()`, ['duplicate-name']);
  });

  it('invalid dates', () => {
    expectAt(marked`metric m = count() during between ${'date "2019-02-30"'} and date "2019-03-01"`, ['invalid-literal']);
  });

  it('an empty window is an error', () => {
    expectAt(marked`metric m = count() ${'during between date "2019-10-02" and date "2019-10-01"'}`, ['invalid-window']);
  });

  it('windows are not allowed in a per-day profile', () => {
    expectAt(marked`metric r7 = sum(price) during last 7 days\nprofile d per day = views, ${'r7'}`, ['window-in-daily-profile']);
  });

  it('with several sources a metric must say which', () => {
    const prefix = `${sourceLine}source other = lake "other" key user_id time event_time\n`;
    const schemas = { ...rees46Schemas, other: rees46Schemas.events! };
    const r = compileNotebook(`${prefix}metric n = count()`, { schemas });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['ambiguous-source']);
    const ok = compileNotebook(`${prefix}metric n = count() from other`, { schemas });
    expect(ok.diagnostics).toEqual([]);
  });

  it('unknown source columns are reported on the source', () => {
    const m = marked`source events = lake "events" key ${'usr_id'} time event_time`;
    const [d] = expectAt(m, ['unknown-column'], '');
    expect(d!.hints).toEqual(['did you mean `user_id`?']);
  });

  it('reports every independent mistake at once, without cascades', () => {
    const ds = expectAt(
      marked`segment a = ${'revnue'} > 1\nsegment b = a and views > 2\nmetric c = sum(${'prce'})\nsegment d = c > 1 or ${'price'} > 1`,
      ['unknown-name', 'unknown-column', 'column-outside-aggregate'],
    );
    // `b` and `d` read the broken `a` and `c` but get no diagnostic for it.
    expect(ds).toHaveLength(3);
  });

  it('a lake dataset name cannot escape the lake', () => {
    const m = marked`source e = ${'lake "../../etc"'} key a time b`;
    expectAt(m, ['invalid-literal'], '');
  });

  it('without schemas, columns are unchecked and a warning says so', () => {
    const r = compileNotebook(`${sourceLine}metric m = sum(anything)`);
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([['missing-schema', 'warning']]);
    expect(r.cells.find((c) => c.name === 'm')?.sql).toContain('sum("anything")');
  });

  it('queries: output names, group columns and order by', () => {
    expectAt(marked`query q = from events group by brand select n = count(), ${'price'} order by n`, ['column-outside-aggregate'].map(() => 'unknown-column'));
    expectAt(marked`query q = from events group by brand select n = count() order by ${'price'}`, ['unknown-column']);
    expect(problems(marked`query q = from events where price > 1 group by day = date(event_time) select n = count() order by day desc limit 5`)).toEqual([]);
  });
});
