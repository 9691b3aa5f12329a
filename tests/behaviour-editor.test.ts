import { describe, expect, it } from 'vitest';
import { complete, highlightTokens, hover } from '../dsl/index.js';
import { rees46Schemas } from './support/rees46-schema.js';

/** Completion, hover and highlighting know the words of behavioural conditions. */
const base = `--- kohort
source events = lake "events" key user_id time event_time
metric views = count() where event_type = "view"
metric revenue = sum(price) where event_type = "purchase"
segment vip = revenue > 1000
`;

/** Completion labels at the `|` in `text` (appended to the base notebook). */
function labels(text: string): string[] {
  const full = base + text;
  const at = full.indexOf('|');
  return complete(full.replace('|', ''), at, { schemas: rees46Schemas }).items.map((i) => i.label);
}

describe('completion in segment rules', () => {
  it('offers the words that start a condition, and what may follow a value', () => {
    expect(labels('segment s = |')).toEqual(expect.arrayContaining(['did', 'never', 'stopped', 'restarted', 'top', 'bottom', 'entered', 'left', 'was', 'views', 'vip']));
    expect(labels('segment s = views |')).toEqual(expect.arrayContaining(['and', 'above median', 'below percentile']));
    expect(labels('segment s = views above |')).toEqual(['median', 'percentile']);
    expect(labels('metric m = |')).not.toContain('did');
  });

  it('walks through a condition clause by clause', () => {
    expect(labels('segment s = did |')).toEqual(['anything']);
    const afterStep = labels('segment s = did "view" |');
    expect(afterStep).toEqual(expect.arrayContaining(['then', 'where', 'at least', 'exactly', 'within', 'without', 'for the first time', 'in at least', 'with same', 'during', 'and', 'or']));
    expect(labels('segment s = did "view" at |')).toEqual(['least', 'most']);
    expect(labels('segment s = did "view" at least 3 |')).toEqual(['times']);
    expect(labels('segment s = did "view" then |')).toEqual(['not', 'anything']);
    expect(labels('segment s = did "view" then "cart" within 1 |')).toEqual(['minutes', 'hours', 'days', 'weeks']);
    expect(labels('segment s = did "view" in at least 2 of the last 4 |')).toEqual(['days', 'weeks', 'months']);
    expect(labels('segment s = did "view" during |')).toEqual(['last', 'between']);
    expect(labels('segment s = stopped "purchase" |')).toContain('for');
    expect(labels('segment s = restarted "purchase" |')).toContain('after');
  });

  it('offers columns in step filters and ties, metrics after by, segments after entered', () => {
    expect(labels('segment s = did "view" where |')).toEqual(expect.arrayContaining(['price', 'brand', 'product_id']));
    expect(labels('segment s = did "view" where (price > 1 and |')).toContain('brand');
    expect(labels('segment s = did "view" then "cart" with same |')).toContain('product_id');
    expect(labels('segment s = did ("view", |')).toEqual([]);
    expect(labels('segment s = top 10% |')).toEqual(['by']);
    expect(labels('segment s = top 10% by |')).toEqual(expect.arrayContaining(['views', 'revenue']));
    expect(labels('segment s = top 10% by |')).not.toContain('vip');
    expect(labels('segment s = entered |')).toContain('vip');
    expect(labels('segment s = entered vip |')).toEqual(['during', 'on', 'and', 'or']);
    expect(labels('segment s = did "view" and |')).toEqual(expect.arrayContaining(['did', 'views']));
  });

  it('documents the words it offers', () => {
    const full = `${base}segment s = did "view" `;
    const item = complete(full, full.length, { schemas: rees46Schemas }).items.find((i) => i.label === 'within');
    expect(item?.documentation).toContain('after the previous step');
  });
});

describe('hover and highlighting', () => {
  it('hover explains a condition word', () => {
    const text = `${base}segment s = did "view" then "cart" within 1 hour with same product_id\n`;
    const at = (w: string) => text.lastIndexOf(w) + 1;
    expect(hover(text, at('did'), { schemas: rees46Schemas })?.markdown).toContain('customers with such events');
    expect(hover(text, at('within'), { schemas: rees46Schemas })?.markdown).toContain('at most this long');
    // A column keeps its own hover.
    expect(hover(text, at('product_id'), { schemas: rees46Schemas })?.markdown).toContain('**column** `product_id`');
  });

  it('highlights condition words as keywords, the same words elsewhere as names', () => {
    const kinds = (line: string) => highlightTokens(line).map((x) => `${line.slice(x.start, x.start + x.length)}:${x.kind}`);
    expect(kinds('segment s = did "view" at least 3 times within 1 hour')).toEqual(expect.arrayContaining(['did:keyword', 'at:keyword', 'least:keyword', 'times:keyword', 'within:keyword']));
    expect(kinds('segment s = top 10% by revenue and revenue above median')).toEqual(expect.arrayContaining(['top:keyword', 'above:keyword', 'median:keyword', 'revenue:identifier']));
    expect(kinds('segment s = entered vip during last 7 days')).toContain('entered:keyword');
    expect(kinds('metric within = count()')).toContain('within:identifier');
  });
});
