import type { PlotSpec } from '../../../dsl/index.js';
import { isNumeric, isTemporal, type ResultColumn } from '../results/columns.js';

/**
 * Charts as pure option transforms: a result's columns plus a plot spec in, a declarative
 * description of Observable Plot options out. `render-chart.ts` turns it into Plot marks; tests
 * look at the description itself.
 */

/** A chart to draw: a plot cell's spec, or one chosen for a query. */
export type ChartSpec = Omit<PlotSpec, 'data'> & { data?: string };

/** Observable Plot mark constructors we use. */
export type MarkName = 'lineY' | 'areaY' | 'barY' | 'rectY' | 'dot' | 'ruleY';

export interface MarkDescription {
  mark: MarkName;
  /** Channel options passed to the mark (`x`, `y`, `stroke`, `fill`, `tip`, `sort`, `interval`). */
  options: Record<string, unknown>;
  /** `true`: the mark draws the chart's rows; `false`: it draws `constant` (a baseline). */
  usesData: boolean;
  constant?: unknown[];
}

export interface ChartDescription {
  marks: MarkDescription[];
  x: Record<string, unknown>;
  y: Record<string, unknown>;
  color?: Record<string, unknown>;
  marginLeft: number;
  marginBottom: number;
  height: number;
  /** Rows to draw, at most `maxPoints`; more are dropped with a note. */
  rowLimit: number;
  /** Draw the x values as text (dates on a band scale: one bar per day, labelled by day). */
  xAsText?: 'date' | 'timestamp';
  notes: string[];
}

/** Charts stay responsive up to this many rows. */
export const maxPoints = 20_000;
/** Bars beyond this many categories are unreadable; the rest is dropped with a note. */
export const maxBars = 60;

const marks = ['line', 'bar', 'area', 'dot'] as const;

/**
 * Problems with a spec against the result it draws, each naming the bad value:
 * "x column `dya` is not in the result (columns: day, revenue)".
 */
export function validateChart(spec: ChartSpec, columns: readonly ResultColumn[]): string[] {
  const problems: string[] = [];
  const names = columns.map((c) => c.name);
  const list = names.length > 0 ? names.join(', ') : 'none';
  if (!(marks as readonly string[]).includes(spec.mark)) problems.push(`mark \`${spec.mark}\` is not one of ${marks.join(', ')}`);
  for (const channel of ['x', 'y', 'color'] as const) {
    const name = spec[channel];
    if (name === undefined) continue;
    if (!names.includes(name)) problems.push(`${channel} column \`${name}\` is not in the result (columns: ${list})`);
  }
  const y = columns.find((c) => c.name === spec.y);
  if (y && !isNumeric(y.kind)) problems.push(`y column \`${spec.y}\` holds ${y.kind} values; a chart's y needs numbers`);
  return problems;
}

/**
 * A sensible chart for a query without a plot spec: a number over a date (line) or over a
 * category (bar), the first of each; a second text column colours the series.
 */
export function defaultChart(columns: readonly ResultColumn[], rowCount: number): ChartSpec | undefined {
  const numbers = columns.filter((c) => isNumeric(c.kind));
  const time = columns.find((c) => isTemporal(c.kind));
  const text = columns.filter((c) => c.kind === 'string' || c.kind === 'boolean');
  if (numbers.length === 0 || rowCount === 0) return undefined;
  if (time) {
    const y = numbers[0]!;
    const spec: ChartSpec = { mark: 'line', x: time.name, y: y.name };
    if (text[0] && rowCount > 1) spec.color = text[0].name;
    return spec;
  }
  if (text[0]) {
    // Ids and counts are numbers too; prefer a measure that is not the key-looking first column.
    const y = numbers.find((c) => !/(^|_)id$/.test(c.name)) ?? numbers[0]!;
    return { mark: 'bar', x: text[0].name, y: y.name };
  }
  // A small integer first column such as `hour` works as a category.
  if (numbers.length >= 2 && rowCount <= 200) return { mark: 'bar', x: numbers[0]!.name, y: numbers[1]!.name };
  return undefined;
}

const label = (name: string) => name.replace(/_/g, ' ');

/** The workbench accent, for single-series charts (Plot's default is black). */
export const seriesColour = '#4f46e5';

/** Plot options for a spec over a result with `rowCount` rows. Call `validateChart` first. */
export function chartOptions(spec: ChartSpec, columns: readonly ResultColumn[], rowCount: number): ChartDescription {
  const x = columns.find((c) => c.name === spec.x);
  const y = columns.find((c) => c.name === spec.y);
  const temporalX = x !== undefined && isTemporal(x.kind);
  const numericX = x !== undefined && isNumeric(x.kind);
  const notes: string[] = [];
  let xAsText: ChartDescription['xAsText'];
  const tip = true;
  const series = spec.color !== undefined ? { z: spec.color } : {};
  const described: MarkDescription[] = [];
  let rowLimit = Math.min(rowCount, maxPoints);

  const xScale: Record<string, unknown> = { label: label(spec.x) };
  const yScale: Record<string, unknown> = { label: label(spec.y), grid: true };

  switch (spec.mark) {
    case 'line':
      described.push({ mark: 'lineY', usesData: true, options: { x: spec.x, y: spec.y, stroke: spec.color ?? seriesColour, ...series, tip, marker: rowCount <= 60 } });
      break;
    case 'area':
      described.push({ mark: 'areaY', usesData: true, options: { x: spec.x, y: spec.y, fill: spec.color ?? seriesColour, ...series, fillOpacity: spec.color ? 0.7 : 0.3, tip } });
      if (!spec.color) described.push({ mark: 'lineY', usesData: true, options: { x: spec.x, y: spec.y, stroke: seriesColour } });
      described.push({ mark: 'ruleY', usesData: false, constant: [0], options: {} });
      break;
    case 'dot':
      described.push({ mark: 'dot', usesData: true, options: { x: spec.x, y: spec.y, fill: spec.color ?? seriesColour, r: 3, tip } });
      break;
    case 'bar':
      if (temporalX && rowCount <= maxBars) {
        // A few days: one labelled bar each, in time order.
        xAsText = x!.kind === 'date' ? 'date' : 'timestamp';
        described.push({ mark: 'barY', usesData: true, options: { x: spec.x, y: spec.y, fill: spec.color ?? seriesColour, tip } });
        xScale['type'] = 'band';
        xScale['padding'] = rowCount <= 3 ? 0.5 : 0.2;
        if (rowCount > 12) xScale['tickRotate'] = -40;
      } else if (temporalX) {
        // Many days: bars on a continuous time axis, so dates read as dates.
        const interval = x!.kind === 'date' ? 'day' : undefined;
        described.push({
          mark: 'rectY',
          usesData: true,
          options: { x: spec.x, y: spec.y, fill: spec.color ?? seriesColour, ...(interval ? { interval } : {}), tip, inset: 0.5 },
        });
      } else {
        if (rowCount > maxBars) {
          rowLimit = maxBars;
          notes.push(`showing the first ${maxBars} of ${rowCount} bars`);
        }
        // Categories read best biggest first; numbers such as hours keep their order.
        const sort = numericX || spec.color ? {} : { sort: { x: '-y' } };
        described.push({ mark: 'barY', usesData: true, options: { x: spec.x, y: spec.y, fill: spec.color ?? seriesColour, ...sort, tip } });
        xScale['type'] = 'band';
        // Two or three bars should not fill the whole width.
        xScale['padding'] = rowLimit <= 3 ? 0.5 : 0.2;
        if (rowLimit > 12) xScale['tickRotate'] = -40;
      }
      described.push({ mark: 'ruleY', usesData: false, constant: [0], options: {} });
      break;
  }
  if (rowCount > rowLimit && notes.length === 0) notes.push(`showing the first ${rowLimit.toLocaleString('en-US')} of ${rowCount.toLocaleString('en-US')} rows`);
  if (y && isNumeric(y.kind) && spec.mark !== 'dot') yScale['zero'] = true;

  const description: ChartDescription = {
    marks: described,
    x: xScale,
    y: yScale,
    marginLeft: 60,
    marginBottom: xScale['tickRotate'] ? 70 : 40,
    height: 320,
    rowLimit,
    notes,
  };
  if (spec.color !== undefined) description.color = { legend: true, label: label(spec.color) };
  if (xAsText) description.xAsText = xAsText;
  return description;
}
