import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { chartOptions, validateChart, type ChartSpec } from '../../charts/chart-options.js';
import { downloadPng, downloadSvg } from '../../charts/download.js';
import { renderChart } from '../../charts/render-chart.js';
import type { ResultColumn } from '../../results/columns.js';
import styles from './result-chart.styles.js';

/**
 * A chart of a result with Observable Plot: axes, legend, tooltips (Plot's `tip`), and buttons to
 * download it as SVG or PNG. The options come from `chartOptions`, a pure transform.
 */
export class KohortResultChart extends LitElement {
  static override styles = styles;

  /** What to draw. */
  @property({ attribute: false }) accessor spec: ChartSpec | undefined;
  /** The result's columns. */
  @property({ attribute: false }) accessor columns: ResultColumn[] = [];
  /** The rows, as chart values (numbers, Dates, text). */
  @property({ attribute: false }) accessor rows: Record<string, unknown>[] = [];
  /** Used for file names and the accessible label. */
  @property() accessor name = 'chart';

  @state() private accessor problems: string[] = [];
  @state() private accessor notes: string[] = [];
  private chart: Element | undefined;
  private drawing = 0;
  private resize?: ResizeObserver;
  private lastWidth = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    this.resize = new ResizeObserver(() => {
      const width = this.clientWidth;
      if (Math.abs(width - this.lastWidth) > 40) void this.draw();
    });
    this.resize.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize?.disconnect();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('spec') || changed.has('rows') || changed.has('columns')) void this.draw();
  }

  private async draw() {
    const target = this.renderRoot.querySelector('.chart');
    const spec = this.spec;
    if (!target || !spec) return;
    const problems = validateChart(spec, this.columns);
    this.problems = problems;
    if (problems.length > 0) {
      target.replaceChildren();
      this.chart = undefined;
      return;
    }
    const description = chartOptions(spec, this.columns, this.rows.length);
    this.notes = description.notes;
    const request = ++this.drawing;
    this.lastWidth = this.clientWidth;
    const chart = await renderChart(description, this.rows, this.clientWidth || 640);
    if (request !== this.drawing) return;
    chart.setAttribute('aria-label', `chart ${this.name}`);
    target.replaceChildren(chart);
    this.chart = chart;
    this.dispatchEvent(new Event('kohort-chart-drawn'));
  }

  protected override render() {
    return html`
      <div class="bar">
        ${this.spec ? html`<span>${this.spec.mark} of <b>${this.spec.y}</b> by <b>${this.spec.x}</b>${this.spec.color ? html` and <b>${this.spec.color}</b>` : nothing}</span>` : nothing}
        ${this.notes.map((n) => html`<span class="note">· ${n}</span>`)}
        <span class="spacer"></span>
        <button title="Download the chart as SVG" @click=${() => this.chart && downloadSvg(this.chart, this.name)}>SVG</button>
        <button title="Download the chart as PNG" @click=${() => this.chart && void downloadPng(this.chart, this.name)}>PNG</button>
      </div>
      ${this.problems.map((p) => html`<div class="problem" role="alert">${p}</div>`)}
      <div class="chart"></div>
    `;
  }
}
