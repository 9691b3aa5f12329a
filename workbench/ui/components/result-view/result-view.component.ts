import { ContextConsumer } from '@lit/context';
import { Task } from '@lit/task';
import { html, LitElement, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { defaultChart, type ChartSpec } from '../../charts/chart-options.js';
import type { RunState } from '../../controllers/run-controller.js';
import { apiContext } from '../../context.js';
import { emit } from '../../events/emit.js';
import type { RowActivateEvent } from '../../events/row-activate.js';
import type { DefinitionNode } from '../../model/run-graph.js';
import { chartRows } from '../../results/columns.js';
import { recordText } from '../../results/records.js';
import '../result-chart/result-chart.js';
import '../result-table/result-table.js';
import '../segment-export/segment-export.js';
import styles from './result-view.styles.js';

const kb = (bytes: number) => (bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1e3))} kB`);
const ms = (millis: number) => (millis >= 1000 ? `${(millis / 1000).toFixed(2)} s` : `${Math.round(millis)} ms`);

/**
 * One definition's result: a table (virtualised, sortable, filterable), a chart for plots and for
 * queries that have a date or category and a number, a size/share/preview summary for segments,
 * and clickable customers for anything keyed by a customer.
 */
export class KohortResultView extends LitElement {
  static override styles = styles;

  /** The definition this result belongs to. */
  @property({ attribute: false }) accessor definition: DefinitionNode | undefined;
  /** Its run state (holding the result). */
  @property({ attribute: false }) accessor run: RunState | undefined;
  /** Whether the notebook changed under the result since it ran. */
  @property({ type: Boolean }) accessor stale = false;
  /** The notebook's path (for the segment summary request). */
  @property() accessor path = '';
  /** Customer key columns (the sources' `key`); a result with one gets clickable rows. */
  @property({ attribute: false }) accessor keyColumns: string[] = [];

  @state() private accessor tab: 'table' | 'chart' | undefined;

  private readonly api = new ContextConsumer(this, { context: apiContext, subscribe: false });
  private chartCache?: { id: string; rows: Record<string, unknown>[] };

  private readonly summary = new Task(this, {
    task: async ([kind, name, text, resultId], { signal }) => {
      const api = this.api.value;
      if (kind !== 'segment' || !resultId || text === undefined || !api) return undefined;
      return api.segmentSummary({ path: this.path, text, cell: name }, signal);
    },
    args: () => [this.definition?.kind, this.definition?.name ?? '', this.run?.text, this.run?.result?.id] as const,
  });

  private chartSpec(): ChartSpec | undefined {
    const result = this.run?.result;
    if (!result) return undefined;
    if (this.definition?.plot) return this.definition.plot;
    if (this.definition?.kind === 'query' || this.definition?.kind === 'sql') return defaultChart(result.columns, result.rowCount);
    return undefined;
  }

  private keyColumn(): string | undefined {
    const columns = this.run?.result?.columns.map((c) => c.name) ?? [];
    return this.keyColumns.find((k) => columns.includes(k));
  }

  private onRow(e: RowActivateEvent) {
    const key = this.keyColumn();
    const value = key ? e.detail.values[key] : undefined;
    if (value && this.definition) emit(this, 'kohort-open-customer', { key: value, from: this.definition.name });
  }

  private rowsForChart(): Record<string, unknown>[] {
    const result = this.run!.result!;
    if (this.chartCache?.id !== result.id) this.chartCache = { id: result.id, rows: chartRows(result.table, result.columns, 0, 20_000) };
    return this.chartCache.rows;
  }

  private renderSummary() {
    if (this.definition?.kind !== 'segment') return nothing;
    return this.summary.render({
      pending: () => html`<div class="summary">measuring the segment…</div>`,
      error: (e) => html`<div class="summary">segment summary unavailable: ${e instanceof Error ? e.message : String(e)}</div>`,
      complete: (s) => {
        if (!s) return nothing;
        const share = s.share <= 1 ? s.share * 100 : s.share;
        const key = s.keyColumn ?? this.keyColumn();
        const preview = Array.isArray(s.preview) ? s.preview : [];
        return html`<div class="summary" data-testid="segment-summary">
          <span><span class="figure">${s.size.toLocaleString('en-US')}</span><span class="label">customers</span></span>
          <span
            ><span class="figure">${share.toFixed(share < 1 ? 2 : 1)}%</span><span class="label">of ${s.total.toLocaleString('en-US')}</span
            ><span class="share"><span style="width: ${Math.min(100, share)}%"></span></span
          ></span>
          <kohort-segment-export path=${this.path} .text=${this.run?.text ?? ''} cell=${this.definition?.name ?? ''}></kohort-segment-export>
          <span class="members"
            >members:
            ${preview.slice(0, 8).map((m) => {
              const value = key ? recordText(m[key]) : recordText(Object.values(m)[0]);
              return html`<button
                title="open this customer"
                @click=${() => value && this.definition && emit(this, 'kohort-open-customer', { key: value, from: this.definition.name })}
              >
                ${value}
              </button>`;
            })}${s.size > Math.min(8, preview.length) ? ' …' : ''}</span
          >
        </div>`;
      },
    });
  }

  protected override render() {
    const run = this.run;
    const def = this.definition;
    if (!run || !def) return nothing;
    if (run.status === 'error') return html`<div class="error" role="alert">${run.place ? `${run.place}: ` : ''}${run.error}</div>`;
    if (run.status === 'cancelled' && !run.result) return html`<div class="hint">cancelled</div>`;
    const result = run.result;
    if (!result) return html`<div class="hint">${run.status === 'queued' ? 'queued…' : 'running…'}</div>`;
    const spec = this.chartSpec();
    const tab = spec ? (this.tab ?? (def.kind === 'plot' ? 'chart' : 'table')) : 'table';
    const key = this.keyColumn();
    return html`
      <div class="meta">
        ${spec
          ? html`<span class="tabs" role="tablist">
              <button role="tab" aria-selected=${tab === 'table'} @click=${() => (this.tab = 'table')}>Table</button>
              <button role="tab" aria-selected=${tab === 'chart'} @click=${() => (this.tab = 'chart')}>Chart</button>
            </span>`
          : nothing}
        <span>${(run.rows ?? result.rowCount).toLocaleString('en-US')} ${(run.rows ?? result.rowCount) === 1 ? 'row' : 'rows'}${run.truncated ? html` <b>(first ${result.rowCount.toLocaleString('en-US')} shown)</b>` : nothing}</span>
        ${run.serverMillis !== undefined && Number.isFinite(run.serverMillis) ? html`<span>query ${ms(run.serverMillis)}${run.cached ? ' (cached)' : ''}</span>` : nothing}
        ${run.bytes !== undefined ? html`<span>${kb(run.bytes)} Arrow</span>` : nothing}
        ${run.millis !== undefined ? html`<span>total ${ms(run.millis)}</span>` : nothing}
        ${this.stale ? html`<span class="stale" title="the notebook changed since this ran">stale</span>` : nothing}
        ${run.status === 'running' ? html`<span>re-running…</span>` : nothing}
        ${key && tab === 'table' ? html`<span>click a row to open the customer</span>` : nothing}
      </div>
      ${this.renderSummary()}
      ${tab === 'chart' && spec
        ? html`<kohort-result-chart .spec=${spec} .columns=${result.columns} .rows=${this.rowsForChart()} name=${def.name}></kohort-result-chart>`
        : html`<kohort-result-table .result=${result} ?clickable=${key !== undefined} @kohort-row-activate=${this.onRow}></kohort-result-table>`}
    `;
  }
}
