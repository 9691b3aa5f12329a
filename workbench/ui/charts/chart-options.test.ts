import { describe, expect, it } from 'vitest';
import type { ResultColumn } from '../results/columns.js';
import { chartOptions, defaultChart, maxBars, seriesColour, validateChart } from './chart-options.js';

const col = (name: string, kind: ResultColumn['kind']): ResultColumn => ({ name, kind, typeName: kind });
const revenueByDay = [col('day', 'date'), col('revenue', 'number'), col('orders', 'bigint'), col('buyers', 'bigint')];
const funnel = [col('event_type', 'string'), col('events', 'bigint'), col('customers', 'bigint')];

describe('chart options', () => {
  it('draws a plot cell’s line by day with a tip and a zero-based y', () => {
    const d = chartOptions({ mark: 'line', x: 'day', y: 'revenue' }, revenueByDay, 31);
    expect(d.marks).toEqual([{ mark: 'lineY', usesData: true, options: { x: 'day', y: 'revenue', stroke: seriesColour, tip: true, marker: true } }]);
    expect(d.x).toEqual({ label: 'day' });
    expect(d.y).toEqual({ label: 'revenue', grid: true, zero: true });
    expect(d.color).toBeUndefined();
    expect(d.notes).toEqual([]);
  });

  it('sorts category bars biggest first and adds a baseline', () => {
    const d = chartOptions({ mark: 'bar', x: 'event_type', y: 'customers' }, funnel, 4);
    expect(d.marks[0]).toEqual({ mark: 'barY', usesData: true, options: { x: 'event_type', y: 'customers', fill: seriesColour, sort: { x: '-y' }, tip: true } });
    expect(d.marks[1]).toMatchObject({ mark: 'ruleY', usesData: false, constant: [0] });
    expect(d.x['type']).toBe('band');
  });

  it('colours series by a segment column with a legend', () => {
    const cols = [col('day', 'date'), col('segment', 'string'), col('customers', 'bigint')];
    const d = chartOptions({ mark: 'area', x: 'day', y: 'customers', color: 'segment' }, cols, 90);
    expect(d.marks[0]).toMatchObject({ mark: 'areaY', options: { fill: 'segment', z: 'segment' } });
    expect(d.color).toEqual({ legend: true, label: 'segment' });
  });

  it('draws a few days as labelled bars, many days on a time axis', () => {
    expect(chartOptions({ mark: 'bar', x: 'day', y: 'revenue' }, revenueByDay, 7)).toMatchObject({ xAsText: 'date', x: { type: 'band' } });
    const many = chartOptions({ mark: 'bar', x: 'day', y: 'revenue' }, revenueByDay, 365);
    expect(many.marks[0]).toMatchObject({ mark: 'rectY', options: { interval: 'day' } });
    expect(many.xAsText).toBeUndefined();
  });

  it('caps bars and points with a note', () => {
    const bars = chartOptions({ mark: 'bar', x: 'event_type', y: 'events' }, funnel, 500);
    expect(bars.rowLimit).toBe(maxBars);
    expect(bars.notes).toEqual([`showing the first ${maxBars} of 500 bars`]);
    const dots = chartOptions({ mark: 'dot', x: 'events', y: 'customers' }, funnel, 1_000_000);
    expect(dots.notes[0]).toBe('showing the first 20,000 of 1,000,000 rows');
  });

  it('names the bad value when a spec does not fit its result', () => {
    expect(validateChart({ mark: 'line', x: 'dya', y: 'revenue' }, revenueByDay)).toEqual(['x column `dya` is not in the result (columns: day, revenue, orders, buyers)']);
    expect(validateChart({ mark: 'bar', x: 'customers', y: 'event_type' }, funnel)).toEqual(['y column `event_type` holds string values; a chart\'s y needs numbers']);
    expect(validateChart({ mark: 'pie' as 'bar', x: 'event_type', y: 'events', color: 'nope' }, funnel)).toEqual([
      'mark `pie` is not one of line, bar, area, dot',
      'color column `nope` is not in the result (columns: event_type, events, customers)',
    ]);
  });

  it('picks a default chart for queries: by day, by category, or none', () => {
    expect(defaultChart(revenueByDay, 31)).toEqual({ mark: 'line', x: 'day', y: 'revenue' });
    expect(defaultChart(funnel, 4)).toEqual({ mark: 'bar', x: 'event_type', y: 'events' });
    expect(defaultChart([col('user_id', 'bigint'), col('brand', 'string'), col('revenue', 'number')], 20)).toEqual({ mark: 'bar', x: 'brand', y: 'revenue' });
    expect(defaultChart([col('hour', 'number'), col('events', 'bigint')], 24)).toEqual({ mark: 'bar', x: 'hour', y: 'events' });
    expect(defaultChart([col('brand', 'string')], 3)).toBeUndefined();
    expect(defaultChart(revenueByDay, 0)).toBeUndefined();
    expect(defaultChart([col('day', 'date'), col('segment', 'string'), col('n', 'bigint')], 10)).toEqual({ mark: 'line', x: 'day', y: 'n', color: 'segment' });
  });
});
