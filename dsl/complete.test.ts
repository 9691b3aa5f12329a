import { describe, expect, it } from 'vitest';
import { rees46Schemas } from '../tests/support/rees46-schema.js';
import { complete, definition, highlightTokens, hover } from './index.js';

const base = `--- kohort
source events = lake "events" key user_id time event_time
metric views = count() where event_type = "view"
metric revenue = sum(price) where event_type = "purchase"
segment vip = revenue > 1000
query q = from events group by brand select n = count()
`;

/** Completion labels at the `|` in `text` (appended to the base notebook). */
function labels(text: string, schemas = rees46Schemas): string[] {
  const full = base + text;
  const at = full.indexOf('|');
  return complete(full.replace('|', ''), at, { schemas }).items.map((i) => i.label);
}

describe('completion', () => {
  it('offers definition keywords at the start of a line', () => {
    expect(labels('|')).toEqual(expect.arrayContaining(['source', 'metric', 'profile', 'segment', 'query', 'plot', 'as of']));
    expect(labels('seg|')).toEqual(['segment']);
  });

  it('offers the columns of the source inside an aggregate, and only there', () => {
    const inside = labels('metric m = sum(|');
    expect(inside).toEqual(expect.arrayContaining(['price', 'event_type', 'user_id']));
    expect(inside).not.toContain('revenue');
    expect(labels('metric m = sum(pri|')).toEqual(['price']);
    const outside = labels('metric m = |');
    expect(outside).toEqual(expect.arrayContaining(['views', 'revenue', 'vip', 'sum', 'count', 'days_since']));
    expect(outside).not.toContain('price');
  });

  it('offers columns in a where clause and distinct after count(', () => {
    expect(labels('metric m = count() where ev|').sort()).toEqual(['event_time', 'event_type']);
    expect(labels('metric m = count(|')).toContain('distinct');
  });

  it('offers clause keywords after a complete expression', () => {
    expect(labels('metric m = count() |')).toEqual(expect.arrayContaining(['where', 'during', 'from', 'and', 'or']));
    expect(labels('metric m = count() during |')).toEqual(['last', 'between']);
    expect(labels('metric m = count() during last 7 |')).toEqual(['minutes', 'hours', 'days', 'weeks']);
  });

  it('segments offer metrics and segments, not columns or aggregates', () => {
    const items = labels('segment s = |');
    expect(items).toEqual(expect.arrayContaining(['views', 'revenue', 'vip', 'days_since']));
    expect(items).not.toContain('price');
    expect(items).not.toContain('sum');
    expect(labels('segment s = rev|')).toEqual(['revenue']);
  });

  it('profiles offer metrics and segments not yet listed; per day offers metrics only', () => {
    expect(labels('profile p = views, |')).toEqual(['revenue', 'vip']);
    expect(labels('profile p per day = |')).toEqual(['views', 'revenue']);
    expect(labels('profile p |')).toEqual(['per']);
  });

  it('queries offer what they read: sources after from, then that source\'s columns', () => {
    expect(labels('query r = from |')).toEqual(expect.arrayContaining(['events', 'vip', 'q']));
    expect(labels('query r = from events where |')).toEqual(expect.arrayContaining(['price', 'brand']));
    expect(labels('query r = from vip select |')).toEqual(expect.arrayContaining(['user_id', 'revenue', 'count']));
    expect(labels('query r = from q order by |')).toEqual(expect.arrayContaining(['brand', 'n']));
  });

  it('plots offer marks, data and the data\'s columns', () => {
    expect(labels('plot p = |')).toEqual(['line', 'bar', 'area', 'dot']);
    expect(labels('plot p = bar |')).toContain('q');
    expect(labels('plot p = bar q (|')).toEqual(['x', 'y', 'color']);
    expect(labels('plot p = bar q (x = |')).toEqual(['brand', 'n']);
  });

  it('schedules and destinations offer their triggers, settings and cells', () => {
    expect(labels('schedule s = |')).toEqual(['cron', 'every', 'on']);
    expect(labels('schedule s = every 2 |')).toContain('hours');
    expect(labels('schedule s = on new data in |')).toEqual(['events']);
    expect(labels('schedule s = cron "0 3 * * *" |')).toEqual(['timezone', 'refresh', 'missed', 'retries', 'backoff']);
    expect(labels('schedule s = cron "0 3 * * *" missed |')).toEqual(['once', 'skip']);
    expect(labels('destination d = |')).toEqual(['webhook']);
    expect(labels('destination d = webhook "https://x" |')).toEqual(['segments', 'secret', 'batch', 'retries']);
    expect(labels('destination d = webhook "https://x" secret |')).toEqual(['env']);
  });

  it('pipelines offer their clauses, formats and sources', () => {
    expect(labels('pipeline p = |')).toEqual(['kafka']);
    expect(labels('pipeline p = kafka "t" |')).toEqual(['brokers', 'format', 'into', 'lake', 'group', 'flush']);
    expect(labels('pipeline p = kafka "t" format |')).toEqual(['json', 'csv']);
    expect(labels('pipeline p = kafka "t" into |')).toEqual(['events']);
  });

  it('source clauses and columns', () => {
    expect(labels('source s = |')).toEqual(['lake', 'parquet', 'csv']);
    expect(labels('source s = lake "s" |')).toEqual(['key', 'time']);
  });

  it('nothing inside strings and comments', () => {
    expect(labels('metric m = count() where brand = "ap|')).toEqual([]);
    expect(labels('-- a comment |')).toEqual([]);
  });

  it('sql cells offer the cells they can read', () => {
    expect(labels('--- sql s\nselect * from |')).toEqual(expect.arrayContaining(['events', 'vip', 'q']));
  });

  it('the replaced span is the word at the cursor', () => {
    const text = `${base}segment s = reve`;
    const r = complete(text, text.length, { schemas: rees46Schemas });
    expect(text.slice(r.from, r.to)).toBe('reve');
  });
});

describe('hover and definition', () => {
  const text = base + 'segment big = vip and views > 10\n';
  const at = (needle: string, nth = 0) => {
    let i = -1;
    for (let k = 0; k <= nth; k++) i = text.indexOf(needle, i + 1);
    return i + 1;
  };

  it('hover shows a metric as written, with its type', () => {
    const h = hover(text, at('views > 10'), { schemas: rees46Schemas })!;
    expect(h.markdown).toContain('**metric** `views` · number');
    expect(h.markdown).toContain('metric views = count() where event_type = "view"');
    expect(text.slice(h.from, h.to)).toBe('views');
  });

  it('hover shows columns and functions', () => {
    expect(hover(text, at('price'), { schemas: rees46Schemas })!.markdown).toContain('**column** `price` · number (DOUBLE)');
    expect(hover(text, at('sum('), { schemas: rees46Schemas })!.markdown).toContain('sum(number)');
  });

  it('go to definition jumps to the defining name, across cells', () => {
    const d = definition(text, at('vip and'))!;
    expect(text.slice(d.from, d.to)).toBe('vip');
    expect(d.from).toBe(text.indexOf('segment vip') + 'segment '.length);
    expect(d.cellIndex).toBe(0);
  });
});

describe('highlighting', () => {
  it('colours a line from the lexer, soft keywords by position', () => {
    const line = 'metric r = sum(price) where date = date "2019-10-01" during last 7 days -- note';
    const kinds = highlightTokens(line).map((x) => `${line.slice(x.start, x.start + x.length)}:${x.kind}`);
    expect(kinds).toEqual([
      'metric:keyword', 'r:identifier', '=:operator', 'sum:function', '(:delimiter', 'price:identifier', '):delimiter',
      'where:keyword', 'date:identifier', '=:operator', 'date:keyword', '"2019-10-01":string', 'during:keyword', 'last:keyword',
      '7:number', 'days:keyword', '-- note:comment',
    ]);
  });

  it('marks what the lexer cannot read', () => {
    expect(highlightTokens('a = "open').at(-1)!.kind).toBe('invalid');
  });
});
