import { ContextConsumer } from '@lit/context';
import { html, LitElement, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { DeliverySummary } from '../../api/client.js';
import { apiContext } from '../../context.js';
import styles from './deliveries-panel.styles.js';

/** How often an open panel re-reads the log (deliveries retry in the background). */
const refreshMs = 5000;

/**
 * The webhook delivery log of a notebook: per run and destination, the batches sent of who
 * joined and left, how many the receiver took, the attempts and the last error. Read when opened,
 * then every few seconds while open.
 */
export class KohortDeliveriesPanel extends LitElement {
  static override styles = styles;

  /** The notebook's path. */
  @property() accessor path = '';

  @state() private accessor open = false;
  @state() private accessor deliveries: DeliverySummary[] | undefined;
  @state() private accessor error = '';

  private readonly api = new ContextConsumer(this, { context: apiContext, subscribe: false });
  private timer: ReturnType<typeof setInterval> | undefined;
  private reading: AbortController | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stop();
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.reading?.abort();
  }

  private toggle(e: Event): void {
    this.open = (e.target as HTMLDetailsElement).open;
    this.stop();
    if (!this.open) return;
    void this.read();
    this.timer = setInterval(() => void this.read(), refreshMs);
  }

  private async read(): Promise<void> {
    const api = this.api.value;
    if (!api || !this.path) return;
    this.reading?.abort();
    const controller = new AbortController();
    this.reading = controller;
    try {
      this.deliveries = await api.deliveries(this.path, controller.signal);
      this.error = '';
    } catch (e) {
      if (!controller.signal.aborted) this.error = e instanceof Error ? e.message : String(e);
    }
  }

  private renderTable(list: DeliverySummary[]) {
    if (list.length === 0) return html`<p class="hint">No deliveries yet. A <code>destination</code> cell sends who joined and left its segments after each scheduled run.</p>`;
    return html`<table>
      <thead>
        <tr><th>run</th><th>as of</th><th>destination</th><th>status</th><th>batches</th><th>joined</th><th>left</th><th>attempts</th><th>last error</th></tr>
      </thead>
      <tbody>
        ${list.map(
          (d) => html`<tr class=${d.status} data-run=${d.run} data-destination=${d.destination}>
            <td class="mono">${d.run}</td>
            <td>${d.asOf ?? '—'}</td>
            <td title=${d.url}>${d.destination}</td>
            <td><span class="status">${d.status}</span></td>
            <td class="num">${d.delivered} / ${d.batches}</td>
            <td class="num">${d.joined.toLocaleString('en-US')}</td>
            <td class="num">${d.left.toLocaleString('en-US')}</td>
            <td class="num">${d.attempts}</td>
            <td class="err" title=${d.lastAttemptAt ?? ''}>${d.lastError ?? ''}</td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  protected override render() {
    const failing = this.deliveries?.filter((d) => d.status === 'failing').length ?? 0;
    return html`<details @toggle=${this.toggle}>
      <summary>Webhook deliveries${failing > 0 ? html` <span class="badge">${failing} failing</span>` : nothing}</summary>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.open && this.deliveries ? this.renderTable(this.deliveries) : this.open ? html`<p class="hint">reading…</p>` : nothing}
    </details>`;
  }
}
