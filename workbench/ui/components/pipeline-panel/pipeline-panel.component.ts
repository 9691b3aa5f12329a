import { ContextConsumer } from '@lit/context';
import { html, LitElement, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { LakeStatus, PipelineStatus, PipelinesReport } from '../../../server/pipelines-status.js';
import { apiContext } from '../../context.js';
import { notebookHash } from '../../model/routes.js';
import { formatAgo, formatCount, formatDeadLetterCodes, formatLag, formatOffset, pipelineDetails, pipelineSummary, stateLabels } from './pipeline-format.js';
import styles from './pipeline-panel.styles.js';

/**
 * The pipelines `kohort serve` runs in the background, live: each one's state (with what is
 * wrong while it retries or has failed), its totals, and per topic-partition the committed
 * offset, high watermark, lag, files, rows and dead letters. Polls the server about once a
 * second while on the page; shows nothing when there is nothing to show.
 */
export class KohortPipelinePanel extends LitElement {
  static override styles = styles;

  /** Show only this notebook's pipelines (workspace-relative path); all when empty. */
  @property() accessor notebook = '';
  /** Milliseconds between polls. */
  @property({ type: Number }) accessor interval = 1000;

  @state() private accessor report: PipelinesReport | undefined;
  @state() private accessor error = '';
  @state() private accessor open: ReadonlySet<string> = new Set();

  private readonly api = new ContextConsumer(this, { context: apiContext, subscribe: false });
  private timer: ReturnType<typeof setTimeout> | undefined;
  private abort: AbortController | undefined;
  private connected = false;

  override connectedCallback(): void {
    super.connectedCallback();
    this.connected = true;
    void this.poll();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.connected = false;
    clearTimeout(this.timer);
    this.abort?.abort();
  }

  private async poll(): Promise<void> {
    clearTimeout(this.timer);
    const api = this.api.value;
    if (!this.connected || !api) return;
    this.abort = new AbortController();
    try {
      this.report = await api.pipelines(this.abort.signal);
      this.error = '';
    } catch (e) {
      if (this.abort.signal.aborted) return;
      this.error = `cannot get the pipelines' status: ${e instanceof Error ? e.message : String(e)}`;
    }
    // A hidden tab asks less often.
    if (this.connected) this.timer = setTimeout(() => void this.poll(), document.hidden ? this.interval * 5 : this.interval);
  }

  private toggle(id: string): void {
    const next = new Set(this.open);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    this.open = next;
  }

  protected override render() {
    const report = this.report;
    const pipelines = (report?.pipelines ?? []).filter((p) => !this.notebook || p.notebook === this.notebook);
    const lake = report?.lake;
    const showLake = lake !== undefined && lake.remote !== null;
    if (pipelines.length === 0 && !showLake && !this.error) return nothing;
    const now = report ? Date.parse(report.at) : Date.now();
    return html`<section aria-label="pipelines">
      <header>
        <h2>${this.notebook ? 'Pipelines of this notebook' : 'Pipelines'}</h2>
        ${showLake ? this.renderLake(lake, now) : nothing}
      </header>
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
      ${pipelines.map((p) => this.renderPipeline(p, now))}
    </section>`;
  }

  private renderLake(lake: LakeStatus, now: number) {
    return html`<div class="lake ${lake.error ? 'down' : ''}" data-testid="lake-status">
      lake ${lake.remote}${lake.error
        ? html` · <span class="problem" role="alert">${lake.error}</span>`
        : html` · cache synced ${formatAgo(lake.lastSyncAt, now)}`}
    </div>`;
  }

  private renderPipeline(p: PipelineStatus, now: number) {
    const open = this.open.has(p.id) || this.notebook !== '';
    return html`<article class="pipeline ${p.state}" data-pipeline=${p.id}>
      <div class="head">
        <span class="badge ${p.state}" data-testid="pipeline-state">${stateLabels[p.state]}</span>
        <strong>${p.name}</strong>
        ${this.notebook ? nothing : html`<a href=${notebookHash(p.notebook)}>${p.notebook}</a>`}
        <span class="summary" data-testid="pipeline-summary">${p.topics.length > 0 ? pipelineSummary(p, now) : ''}</span>
        ${this.notebook || p.partitions.length === 0
          ? nothing
          : html`<button @click=${() => this.toggle(p.id)} aria-expanded=${open ? 'true' : 'false'}>${open ? 'Hide partitions' : 'Partitions'}</button>`}
      </div>
      ${p.reason
        ? html`<div class="reason" role=${p.state === 'failed' ? 'alert' : 'status'} data-testid="pipeline-reason"><span class="why">${p.state === 'failed' ? 'failed' : 'waiting'}:</span> ${p.reason}</div>`
        : nothing}
      <div class="route">${pipelineDetails(p, now)}</div>
      ${p.totals.deadLetters > 0
        ? html`<div class="dead">dead letters (in <code>_deadletter/${p.dataset}/</code>): ${formatDeadLetterCodes(p.totals.deadLetterCodes)}</div>`
        : nothing}
      ${p.kafka && p.state === 'running' ? html`<div class="note">kafka: ${p.kafka}</div>` : nothing}
      ${open && p.partitions.length > 0 ? this.renderPartitions(p, now) : nothing}
    </article>`;
  }

  private renderPartitions(p: PipelineStatus, now: number) {
    return html`<table data-testid="pipeline-partitions">
      <thead>
        <tr>
          <th>topic / partition</th>
          <th class="n">committed</th>
          <th class="n">high watermark</th>
          <th class="n">lag</th>
          <th class="n">files</th>
          <th class="n">rows</th>
          <th class="n">dead letters</th>
          <th>last file</th>
        </tr>
      </thead>
      <tbody>
        ${p.partitions.map(
          (q) => html`<tr>
            <td>${q.topic} / ${q.partition}</td>
            <td class="n">${formatOffset(q.committed)}</td>
            <td class="n">${formatOffset(q.highWatermark)}</td>
            <td class="n ${q.lag ? 'behind' : ''}">${formatLag(q.lag)}</td>
            <td class="n">${formatCount(q.files)}</td>
            <td class="n">${formatCount(q.rows)}</td>
            <td class="n">${formatCount(q.deadLetters)}</td>
            <td>${formatAgo(q.lastFileAt, now)}</td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }
}
