import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileNotebook, parseDefinitions, type Diagnostic, type SchemaCatalog } from '../dsl/index.js';
import { marked, type Marked } from './support/marked.js';
import { rees46Schemas, sourceLine } from './support/rees46-schema.js';

/**
 * What the editor says about behavioural conditions: each diagnostic sits on its mark (Malloy's
 * idiom), with its code; messages name the thing and the fix.
 */
const prefix = `${sourceLine}metric views = count() where event_type = "view"
metric revenue = sum(price) where event_type = "purchase"
metric purchases = count() where event_type = "purchase"
`;

/** October 2019 as the engine reports it: 30.99 days of events. */
const withRange: SchemaCatalog = { events: { ...rees46Schemas.events!, timeRange: { min: '2019-10-01 00:00:00', max: '2019-10-31 23:59:59' } } };

function problems(m: Marked, schemas: SchemaCatalog = rees46Schemas): Diagnostic[] {
  const r = compileNotebook(prefix + m.text, { schemas, lake: '/lake' });
  return r.diagnostics
    .filter((d) => d.severity !== 'info')
    .map((d) => ({ ...d, range: { start: { ...d.range.start, offset: d.range.start.offset - prefix.length }, end: { ...d.range.end, offset: d.range.end.offset - prefix.length } } }));
}

function expectAt(m: Marked, codes: Diagnostic['code'][], schemas?: SchemaCatalog): Diagnostic[] {
  const ds = problems(m, schemas);
  expect(ds.map((d) => `${d.code}: ${d.message}`)).toHaveLength(codes.length);
  expect(ds.map((d) => d.code)).toEqual(codes);
  ds.forEach((d, i) => {
    const mark = m.marks[i]!;
    expect([d.range.start.offset, d.range.end.offset], `${d.code}: ${d.message}`).toEqual([mark.start, mark.end]);
  });
  return ds;
}

describe('behavioural conditions check cleanly', () => {
  it('every kind, combined with and/or/not and metrics', () => {
    const ok = marked`segment a = did "purchase" at least 2 times during last 30 days and views > 3
segment b = did "view" then "cart" within 1 hour then not "purchase" within 1 hour with same product_id during last 30 days
segment c = (top 10% by revenue or revenue above median) and not stopped "purchase" for 14 days
segment d = restarted "purchase" after 14 days during last 7 days or did "purchase" in at least 2 of the last 4 weeks
segment e = entered a during last 7 days or was b on date "2019-10-15" or left c during between date "2019-10-01" and date "2019-10-10"
segment f = did "purchase" for the first time during last 7 days and did anything where price > 100`;
    expect(problems(ok)).toEqual([]);
  });
});

describe('conditions that can never hold', () => {
  it('contradicting bounds on one metric, or on one count of events', () => {
    const [d] = expectAt(marked`segment s = ${'views > 5 and views < 3'}`, ['never-holds']);
    expect(d!.message).toBe('this condition can never hold: `views` cannot be > 5 and < 3');
    expectAt(marked`segment s = revenue > 10 and (${'purchases >= 2 and purchases < 2'})`, ['never-holds']);
    expectAt(marked`segment s = ${'did "view" at least 5 times during last 7 days and did "view" at most 3 times during last 7 days'}`, ['never-holds']);
    // Different windows count different events: no contradiction.
    expectAt(marked`segment s = did "view" at least 5 times during last 7 days and did "view" at most 3 times during last 1 day`, []);
  });

  it('a count between whole numbers, below zero, and reversed betweens', () => {
    expectAt(marked`segment s = ${'views > 2 and views < 3'}`, ['never-holds']);
    expectAt(marked`segment s = ${'views < 0'}`, ['never-holds']);
    expectAt(marked`segment s = ${'revenue between 10 and 2'}`, ['never-holds']);
    expectAt(marked`segment s = did "view" ${'between 5 and 2 times'}`, ['never-holds']);
  });
});

describe('counts and numbers', () => {
  it('a count compared with a fraction, with the whole-number fix', () => {
    const [d] = expectAt(marked`segment s = ${'views > 2.5'}`, ['count-not-integer']);
    expect(d!.message).toBe('`views` is a count, a whole number, but it is compared with 2.5');
    expect(d!.hints).toEqual(['did you mean views >= 3?']);
    expectAt(marked`segment s = revenue > 2.5`, []);
  });

  it('a number of times is whole, a share is a percentage, a percentile is 0–100', () => {
    expectAt(marked`segment s = did "view" at least ${'2.5'} times`, ['invalid-behaviour']);
    const [p] = expectAt(marked`segment s = top ${'150'}% by revenue`, ['invalid-percentage']);
    expect(p!.message).toContain('percentage above 0 and at most 100');
    expectAt(marked`segment s = top ${'0'}% by revenue`, ['invalid-percentage']);
    expectAt(marked`segment s = revenue above percentile ${'101'}`, ['invalid-percentage']);
    expectAt(marked`segment s = top ${'2.5'} by revenue`, ['invalid-behaviour']);
  });
});

describe('negation-only segments name their universe', () => {
  it('never, not did, at most, = 0', () => {
    const [d] = expectAt(marked`segment ${'s'} = never "purchase"`, ['negation-only']);
    expect(d!.message).toBe(
      'segment `s` is defined only by what customers did not do, so its members are drawn from all customers of source `events` (everyone with an event up to the as-of time)',
    );
    expectAt(marked`segment ${'s'} = not did "purchase" during last 30 days and purchases = 0`, ['negation-only']);
    expectAt(marked`segment ${'s'} = did "purchase" at most 1 time or never "view"`, ['negation-only']);
    // One positive condition is enough.
    expectAt(marked`segment s = did "view" and never "purchase"`, []);
    expectAt(marked`segment s = views >= 1 and purchases = 0`, []);
  });
});

describe('windows longer than the data (the engine gives each source its time range)', () => {
  it('for behavioural windows, periods and metric windows', () => {
    const [d] = expectAt(marked`segment s = did "view" ${'during last 60 days'}`, ['window-longer-than-data'], withRange);
    expect(d!.message).toBe(
      '`during last 60 days` is longer than the data of `events`, which spans 31 days (2019-10-01 00:00:00 … 2019-10-31 23:59:59): it reaches back before the first event',
    );
    expectAt(marked`segment s = did "view" ${'in at least 2 of the last 8 weeks'}`, ['window-longer-than-data'], withRange);
    expectAt(marked`segment s = stopped "view" ${'for 40 days'}`, ['window-longer-than-data'], withRange);
    expectAt(marked`metric m = count() ${'during last 6 weeks'}`, ['window-longer-than-data'], withRange);
    expectAt(marked`segment s = did "view" during last 30 days`, [], withRange);
    // Without a time range (no data yet) nothing is said.
    expectAt(marked`segment s = did "view" during last 60 days`, []);
  });
});

describe('sequences', () => {
  it('a step allowed more time than the whole sequence', () => {
    const [d] = expectAt(marked`segment s = did "view" then "cart" ${'within 2 hours'} all within 1 hour`, ['gap-longer-than-sequence']);
    expect(d!.message).toBe('this step may follow the previous one within 2 hours, but the whole sequence must fit in 1 hour');
  });

  it('not only on the last step; within and without only after the first', () => {
    expectAt(marked`segment s = did ${'not "view"'} then "cart"`, ['invalid-behaviour']);
    expectAt(marked`segment s = did "view" then ${'not "cart"'} then "purchase"`, ['invalid-behaviour']);
    expectAt(marked`segment s = did "view" ${'within 1 hour'}`, ['invalid-behaviour']);
    expectAt(marked`segment s = did "view" then "cart" then ${'not "purchase"'} all within 2 hours`, ['invalid-behaviour']);
  });

  it('clauses of the whole condition go after its last step', () => {
    const [d] = expectAt(marked`segment s = did "view" ${'during last 7 days'} then "cart"`, ['syntax-error']);
    expect(d!.message).toBe('the window (`during …`) is about the whole condition: put it after the last step');
  });

  it('ties by a column of the source', () => {
    const [d] = expectAt(marked`segment s = did "view" then "cart" with same ${'prodct_id'}`, ['unknown-column']);
    expect(d!.hints).toEqual(['did you mean `product_id`?']);
  });
});

describe('what goes with what', () => {
  it('clauses that do not fit the verb', () => {
    expectAt(marked`segment s = ${'stopped "purchase"'}`, ['invalid-behaviour']);
    expectAt(marked`segment s = did "purchase" ${'for 30 days'}`, ['invalid-behaviour']);
    expectAt(marked`segment s = did "purchase" ${'for the first time'}`, ['invalid-behaviour']);
    expectAt(marked`segment s = did "purchase" in at least 2 of the last 4 weeks ${'during last 7 days'}`, ['invalid-behaviour']);
    expectAt(marked`segment s = ${'was b'}\nsegment b = views > 1`, ['invalid-behaviour']);
  });

  it('behavioural conditions belong to segments; membership names a segment; an event column is needed', () => {
    const [d] = expectAt(marked`metric m = count() where ${'did "view"'}`, ['behaviour-not-allowed']);
    expect(d!.message).toContain('goes in a segment rule');
    const [u] = expectAt(marked`segment s = entered ${'vipp'}\nsegment vip = views > 1`, ['unknown-name']);
    expect(u!.hints).toEqual(['did you mean `vip`?']);
    const schemas: SchemaCatalog = { events: { columns: rees46Schemas.events!.columns.filter((c) => c.name !== 'event_type') } };
    const [e] = problems(marked`segment s = did "view"`, schemas).filter((x) => x.message.includes('naming event types'));
    expect(e!.message).toContain('`event COLUMN`');
  });

  it('unknown words between clauses are syntax errors with a suggestion', () => {
    const [d] = expectAt(marked`segment s = did "view" ${'at lest 3 times'}`, ['syntax-error']);
    expect(d!.hints).toEqual(['did you mean `at least`?']);
    expectAt(marked`segment s = did "view" at least 3 ${'days'}`, ['syntax-error']);
  });
});

describe('parser recovery on broken behavioural syntax', () => {
  it('reports where it breaks and keeps the next definitions', () => {
    const text = `${prefix}segment a = did "view" then
segment b = did "purchase" at least
segment c = top 10% by
segment d = did ("view", ) during last 7 days
segment e = views > 1
`;
    const parsed = parseDefinitions(text);
    const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.length).toBeGreaterThanOrEqual(4);
    expect(parsed.statements.map((s) => (s.node.kind === 'as-of' ? 'as of' : s.node.name.text))).toEqual(['events', 'views', 'revenue', 'purchases', 'a', 'b', 'c', 'd', 'e']);
    const compiled = compileNotebook(text, { schemas: rees46Schemas, lake: '/lake' });
    expect(compiled.cells.find((c) => c.name === 'e')!.sql).toBeDefined();
    expect(compiled.cells.find((c) => c.name === 'a')!.sql).toBeUndefined();
  });
});

describe('the README', () => {
  it('its behavioural segments compile without a diagnostic', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Behavioural segments'));
    const example = /```\n([\s\S]*?)```/.exec(section)?.[1];
    expect(example).toContain('did "view" then "cart"');
    const r = compileNotebook(example!, { schemas: rees46Schemas, lake: '/lake' });
    expect(r.diagnostics).toEqual([]);
    expect(r.cells.filter((c) => !c.sql).map((c) => c.name)).toEqual([]);
  });
});

describe('fuzz: behavioural syntax in any order yields diagnostics, never a throw', () => {
  const words = [
    'segment', 's', '=', 'did', 'never', 'stopped', 'restarted', 'then', 'not', 'anything', 'where', 'within', 'without', 'all', 'with', 'same',
    'at', 'least', 'most', 'exactly', 'between', 'and', 'or', 'times', 'time', 'for', 'the', 'first', 'in', 'of', 'last', 'during', '7', '2.5',
    'days', 'weeks', 'months', 'hour', 'after', 'from', 'events', 'top', 'bottom', '%', 'by', 'above', 'below', 'median', 'percentile', '90',
    'entered', 'left', 'was', 'on', 'date', '"2019-10-15"', '"view"', '"cart"', '(', ')', ',', 'views', 'revenue', 'product_id', 'price', '>',
    'case', 'when', 'else', 'end', '\n',
  ];
  // A small deterministic generator (mulberry32), so a failure is reproducible.
  let seed = 6;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  it('400 random rules', () => {
    for (let i = 0; i < 400; i++) {
      const parts = ['segment', 's', '='];
      const n = 1 + Math.floor(rand() * 25);
      for (let j = 0; j < n; j++) parts.push(words[Math.floor(rand() * words.length)]!);
      const text = prefix + parts.join(' ');
      const r = compileNotebook(text, { schemas: withRange, lake: '/lake' });
      expect(r.diagnostics.filter((d) => d.code === 'internal-error'), text).toEqual([]);
      for (const d of r.diagnostics) expect(d.range.end.offset).toBeLessThanOrEqual(text.length);
    }
  });
});

describe('several sources', () => {
  it('a condition says which source with from; without it, it is ambiguous', () => {
    const two = `source events = lake "events" key user_id time event_time\nsource clicks = lake "clicks" key user_id time event_time\n`;
    const schemas: SchemaCatalog = { events: rees46Schemas.events!, clicks: rees46Schemas.events! };
    const ok = compileNotebook(`${two}segment s = did "view" from clicks during last 7 days\n`, { schemas, lake: '/lake' });
    expect(ok.diagnostics).toEqual([]);
    expect(ok.cells.find((c) => c.name === 's')!.sql).toContain('"clicks__metrics"');
    const ambiguous = compileNotebook(`${two}segment s = did "view"\n`, { schemas, lake: '/lake' });
    expect(ambiguous.diagnostics.map((d) => d.code)).toEqual(['ambiguous-source']);
    const unknown = compileNotebook(`${two}segment s = did "view" from clickz\n`, { schemas, lake: '/lake' });
    expect(unknown.diagnostics.map((d) => d.code)).toEqual(['unknown-source']);
  });
});
