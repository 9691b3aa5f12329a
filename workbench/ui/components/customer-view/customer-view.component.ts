import { ContextConsumer } from '@lit/context';
import { Task } from '@lit/task';
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { ChartSpec } from '../../charts/chart-options.js';
import { apiContext } from '../../context.js';
import { isNumeric } from '../../results/columns.js';
import { recordChartRows, recordColumns, recordText } from '../../results/records.js';
import '../result-chart/result-chart.js';
import styles from './customer-view.styles.js';

/**
 * One customer, the seed's customer-profile screen as a dialog: their metrics from a profile, a
 * daily chart from the daily profile, and their latest events.
 */
export class KohortCustomerView extends LitElement {
  static override styles = styles;

  /** The customer key, as text. */
  @property() accessor key = '';
  /** Where they were picked from (shown in the title). */
  @property() accessor from = '';
  /** The notebook's path. */
  @property() accessor path = '';
  /** The notebook text to compute with. */
  @property({ attribute: false }) accessor text = '';
  /** The profile to read metrics from (the server picks one when absent). */
  @property({ attribute: false }) accessor profile: string | undefined;
  /** The per-day profile for the chart (the server picks one when absent). */
  @property({ attribute: false }) accessor dailyProfile: string | undefined;
  /** Open as a modal dialog. */
  @property({ type: Boolean, reflect: true }) accessor open = false;

  @state() private accessor metric: string | undefined;

  private readonly api = new ContextConsumer(this, { context: apiContext, subscribe: false });

  private readonly customer = new Task(this, {
    task: async ([key, open], { signal }) => {
      const api = this.api.value;
      if (!open || !key || !api) return undefined;
      const request: { path: string; text: string; key: string; profile?: string; dailyProfile?: string } = { path: this.path, text: this.text, key };
      if (this.profile) request.profile = this.profile;
      if (this.dailyProfile) request.dailyProfile = this.dailyProfile;
      return api.customer(request, signal);
    },
    args: () => [this.key, this.open] as const,
  });

  protected override updated(changed: PropertyValues<this>): void {
    const dialog = this.renderRoot.querySelector('dialog');
    if (!dialog) return;
    if (this.open && !dialog.open) dialog.showModal();
    if (!this.open && dialog.open) dialog.close();
    if (changed.has('key')) this.metric = undefined;
  }

  private close() {
    this.open = false;
    this.dispatchEvent(new Event('close'));
  }

  private renderDays(days: Record<string, unknown>[]) {
    if (days.length === 0) return html`<p class="muted">No daily profile rows for this customer.</p>`;
    const columns = recordColumns(days);
    const x = columns.find((c) => c.kind === 'date' || c.kind === 'timestamp');
    const measures = columns.filter((c) => isNumeric(c.kind) && c.name !== x?.name && c.kind !== 'bigint');
    if (!x || measures.length === 0) return html`<p class="muted">The daily profile has no day and number to chart.</p>`;
    const metric = measures.find((m) => m.name === this.metric) ?? measures[0]!;
    const spec: ChartSpec = { mark: days.length > 40 ? 'line' : 'bar', x: x.name, y: metric.name };
    return html`
      <label
        >metric
        <select aria-label="daily metric" @change=${(e: Event) => (this.metric = (e.target as HTMLSelectElement).value)}>
          ${measures.map((m) => html`<option value=${m.name} ?selected=${m === metric}>${m.name}</option>`)}
        </select></label
      >
      <kohort-result-chart .spec=${spec} .columns=${columns} .rows=${recordChartRows(days, columns)} name="customer-${this.key}-${metric.name}"></kohort-result-chart>
    `;
  }

  private renderEvents(events: Record<string, unknown>[]) {
    if (events.length === 0) return html`<p class="muted">No events.</p>`;
    const columns = recordColumns(events).map((c) => c.name);
    return html`<div class="events">
      <table>
        <thead>
          <tr>
            ${columns.map((c) => html`<th>${c}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${events.map(
            (e) => html`<tr>
              ${columns.map((c) => {
                const v = recordText(e[c]);
                return v === null ? html`<td class="null">null</td>` : html`<td>${v}</td>`;
              })}
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }

  protected override render() {
    return html`<dialog @close=${() => this.open && this.close()} aria-label="customer ${this.key}">
      <header>
        <h2>Customer <code>${this.key}</code></h2>
        ${this.from ? html`<span class="from">from ${this.from}</span>` : nothing}
        <span class="spacer"></span>
        <button @click=${() => this.close()} aria-label="close">Close</button>
      </header>
      <div class="body">
        ${this.customer.render({
          pending: () => html`<p class="muted">Loading the customer…</p>`,
          error: (e) => html`<p class="error" role="alert">${e instanceof Error ? e.message : String(e)}</p>`,
          complete: (c) =>
            c
              ? html`
                  <h3>Metrics${c.profileName ?? this.profile ? html` · ${c.profileName ?? this.profile}` : nothing}</h3>
                  ${c.profile === null ? html`<p class="muted">This customer has no row in the profile (no events at or before the as-of time).</p>` : nothing}
                  <div class="metrics">
                    ${Object.entries(c.profile ?? {}).map(([name, value]) => {
                      const v = recordText(value);
                      return html`<div class="metric">
                        <div class="name">${name}</div>
                        <div class="value ${v === null ? 'null' : ''}">${v ?? 'null'}</div>
                      </div>`;
                    })}
                  </div>
                  <h3>By day${c.dailyProfileName ?? this.dailyProfile ? html` · ${c.dailyProfileName ?? this.dailyProfile}` : nothing}</h3>
                  ${this.renderDays(c.days)}
                  <h3>Latest events</h3>
                  ${this.renderEvents(c.events)}
                `
              : nothing,
        })}
      </div>
    </dialog>`;
  }
}
