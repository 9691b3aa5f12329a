import type { ChartDescription } from './chart-options.js';

type PlotModule = typeof import('@observablehq/plot');
let plotModule: Promise<PlotModule> | undefined;

/** Observable Plot, loaded on the first chart (it is not needed to paint a notebook). */
export function loadPlot(): Promise<PlotModule> {
  plotModule ??= import('@observablehq/plot');
  return plotModule;
}

/** Draws a chart description with Observable Plot: an `<svg>`, or a `<figure>` with a legend. */
export async function renderChart(description: ChartDescription, rows: readonly Record<string, unknown>[], width: number): Promise<SVGSVGElement | HTMLElement> {
  const Plot = await loadPlot();
  let data = rows.slice(0, description.rowLimit);
  const xField = description.marks.find((m) => m.usesData)?.options['x'];
  if (description.xAsText && typeof xField === 'string') {
    const text = description.xAsText === 'date' ? (d: Date) => d.toISOString().slice(0, 10) : (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ');
    data = data.map((r) => (r[xField] instanceof Date ? { ...r, [xField]: text(r[xField]) } : r));
  }
  const marks = description.marks.map((m) => {
    const make = Plot[m.mark] as (data: unknown, options: Record<string, unknown>) => ReturnType<PlotModule['dot']>;
    return make(m.usesData ? data : m.constant, m.options);
  });
  const options: Record<string, unknown> = {
    marks,
    x: description.x,
    y: description.y,
    marginLeft: description.marginLeft,
    marginBottom: description.marginBottom,
    height: description.height,
    width: Math.max(320, Math.floor(width)),
    style: { fontSize: '11px', fontFamily: 'system-ui, sans-serif', overflow: 'visible' },
  };
  if (description.color) options['color'] = description.color;
  return Plot.plot(options);
}
