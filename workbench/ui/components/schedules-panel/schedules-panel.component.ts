import { ContextConsumer } from '@lit/context';
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { describeDataRead, type RunRecord } from '../../../../engine/runs/run-record.js';
import type { RunSummary, ScheduleView } from '../../../server/schedules-api.js';
import type { SegmentSizePoint } from '../../api/client.js';
import { apiContext } from '../../context.js';
import { formatAgo, formatCount } from '../pipeline-panel/pipeline-format.js';
import '../result-chart/result-chart.js';
import { cellNotes, chartableSegments, errorLine, formatDuration, formatIn, sizeChart } from './schedules-format.js';
import styles from './schedules-panel.styles.js';

/** How often an open panel re-reads schedules and runs; faster while a run goes on. */
const idleRefreshMs = 5000;
const busyRefreshMs = 1000;
const runsShown = 20;

/**
 * A notebook's schedules and runs: each schedule with its trigger, next run and "Run now"; the
 * last runs with status and duration; a run's per-cell log (timings, rows, membership changes,
 * errors with their place); and a segment's size over the runs with who joined and left.
 */
export class KohortSchedulesPanel extends LitElement {
  static override styles = styles;

  /** The notebook's path. */
  @property() accessor path = '';

  @state() private accessor open = false;
  @state() private accessor schedules: ScheduleView[] | undefined;
  @state() private accessor runs: RunSummary[] | undefined;
  @state() private accessor selected: RunRecord | undefined;
  /** Segments the history keeps, from the latest run read that kept any. */
  @state() private accessor segments: string[] = [];
  @state() private accessor segment = '';
  @state() private accessor sizes: SegmentSizePoint[] = [];
  @state() private accessor error = '';
  @state() private accessor now = Date.now();

  /** Show the newest run as runs come, until the analyst picks one. */
  private followLatest = true;
  private readonly api = new ContextConsumer(this, { context: apiContext, subscribe: false });
  private timer: ReturnType<typeof setTimeout> | undefined;
  private reading: AbortController | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stop();
  }

  protected override updated(changed: PropertyValues<this>): void {
    // Another notebook opened in the same page: forget this one's runs.
    if (changed.has('path') && changed.get('path') !== undefined) {
      this.stop();
      this.schedules = undefined;
      this.runs = undefined;
      this.selected = undefined;
      this.followLatest = true;
      this.segments = [];
      this.sizes = [];
      if (this.open) void this.refresh();
    }
  }

  private stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.reading?.abort();
  }

  private toggle(e: Event): void {
    this.open = (e.target as HTMLDetailsElement).open;
    this.stop();
    if (this.open) void this.refresh();
  }

  /** Reads schedules, runs, the selected run and the chart; then again after a while. */
  private async refresh(): Promise<void> {
    const api = this.api.value;
    clearTimeout(this.timer);
    if (!api || !this.path || !this.open) return;
    this.reading?.abort();
    const controller = new AbortController();
    this.reading = controller;
    const signal = controller.signal;
    try {
      const [schedules, runs] = await Promise.all([api.schedules(this.path, signal), api.runs(this.path, runsShown, signal)]);
      this.schedules = schedules;
      this.runs = runs;
      this.now = Date.now();
      // The newest run, or the one picked (followed while it goes on).
      const id = this.followLatest ? runs[0]?.id : (this.selected?.id ?? runs[0]?.id);
      const summary = runs.find((r) => r.id === id);
      if (summary && (this.selected?.id !== summary.id || this.selected.status !== summary.status || summary.status === 'running')) {
        this.selected = await api.runRecord(this.path, summary.id, signal);
      }
      if (this.selected && this.selected.segments.length > 0) this.segments = chartableSegments(this.selected);
      if (!this.segments.includes(this.segment)) this.segment = this.segments[0] ?? '';
      this.sizes = this.segment ? await api.segmentSizeHistory(this.path, this.segment, signal) : [];
      this.error = '';
    } catch (e) {
      if (signal.aborted) return;
      this.error = e instanceof Error ? e.message : String(e);
    }
    const busy = (this.runs ?? []).some((r) => r.status === 'running') || (this.schedules ?? []).some((s) => s.inFlight > 0);
    this.timer = setTimeout(() => void this.refresh(), busy ? busyRefreshMs : idleRefreshMs);
  }

  private async runNow(schedule: string | undefined): Promise<void> {
    const api = this.api.value;
    if (!api) return;
    try {
      await api.runNow(this.path, schedule);
      // The new run is the one to follow (it shows once it has started).
      this.followLatest = true;
      this.error = '';
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
    await this.refresh();
  }

  private async select(id: string): Promise<void> {
    const api = this.api.value;
    if (!api) return;
    this.followLatest = false;
    try {
      this.selected = await api.runRecord(this.path, id);
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
    await this.refresh();
  }

  private renderSchedules(list: ScheduleView[]) {
    return html`<table class="schedules">
      <thead>
        <tr><th>schedule</th><th>when</th><th>refreshes</th><th>next run</th><th></th></tr>
      </thead>
      <tbody>
        ${list.map(
          (s) => html`<tr data-schedule=${s.name}>
            <td title=${s.place}><b>${s.name}</b></td>
            <td>${s.description ?? '—'}${s.spec && s.spec.retries > 0 ? html`<span class="muted"> · ${s.spec.retries} retries</span>` : nothing}</td>
            <td>${s.spec ? (s.spec.refresh.length > 0 ? s.spec.refresh.join(', ') : 'the whole notebook') : '—'}</td>
            <td>${s.problem ? html`<span class="error">${s.problem}</span>` : html`<span title=${s.nextRun ?? ''}>${s.spec?.trigger.kind === 'data' ? 'when new data lands' : formatIn(s.nextRun, this.now)}</span>`}</td>
            <td><button class="run-now" ?disabled=${!s.spec} @click=${() => void this.runNow(s.name)}>Run now</button></td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  private renderRuns(list: RunSummary[]) {
    if (list.length === 0) return html`<p class="hint">No runs yet.</p>`;
    return html`<table class="runs">
      <thead>
        <tr><th>started</th><th>schedule</th><th>trigger</th><th>status</th><th class="num">duration</th><th>as of</th><th>error</th></tr>
      </thead>
      <tbody>
        ${list.map(
          (r) => html`<tr
            class="run ${r.status} ${this.selected?.id === r.id ? 'selected' : ''}"
            data-run=${r.id}
            data-status=${r.status}
            tabindex="0"
            @click=${() => void this.select(r.id)}
            @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && void this.select(r.id)}
          >
            <td title=${r.startedAt}>${formatAgo(r.startedAt, this.now)}</td>
            <td>${r.schedule ?? 'whole notebook'}</td>
            <td>${r.trigger}${r.attempts > 1 ? html` <span class="muted">(${r.attempts} attempts)</span>` : nothing}</td>
            <td><span class="status">${r.status}</span></td>
            <td class="num">${r.status === 'running' ? '…' : formatDuration(r.seconds)}</td>
            <td>${r.asOf ?? '—'}</td>
            <td class="error">${errorLine(r.error)}</td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  private renderLog(record: RunRecord) {
    const read = describeDataRead(record.dataVersion);
    return html`<section class="log" data-run=${record.id}>
      <h3>Run ${record.id} <span class="status ${record.status}">${record.status}</span></h3>
      <p class="muted">
        ${record.trigger}${record.schedule ? html` · schedule <b>${record.schedule}</b>` : nothing}${record.rerunOf ? html` · rerun of ${record.rerunOf}` : nothing}
        ${record.asOf ? html` · as of ${record.asOf}` : nothing}${read ? html` · read ${read}` : nothing}
        ${record.retryAt ? html` · <b>retrying at ${record.retryAt}</b>` : nothing}
      </p>
      ${record.cells.length === 0
        ? nothing
        : html`<table class="cells">
            <thead>
              <tr><th>cell</th><th>kind</th><th>status</th><th class="num">rows</th><th class="num">seconds</th><th>notes</th></tr>
            </thead>
            <tbody>
              ${record.cells.map(
                (c) => html`<tr class=${c.status} data-cell=${c.name}>
                  <td><b>${c.name}</b></td>
                  <td>${c.kind}</td>
                  <td><span class="status">${c.status}</span></td>
                  <td class="num">${c.rows === undefined ? '' : formatCount(c.rows)}</td>
                  <td class="num">${c.seconds === undefined ? '' : c.seconds.toFixed(3)}</td>
                  <td>${cellNotes(c, record.segments).join(' · ')}${c.error ? html`<span class="error">${errorLine(c.error)}</span>` : nothing}</td>
                </tr>`,
              )}
            </tbody>
          </table>`}
      ${record.error ? html`<pre class="error" role="alert">${record.error.place ? `${record.error.place}: ` : ''}${record.error.message}</pre>` : nothing}
      ${record.attempts.length > 1
        ? html`<ol class="attempts">
            ${record.attempts.map((a) => html`<li class=${a.status}>${a.startedAt}: ${a.status}${a.error ? ` — ${errorLine(a.error)}` : ''}</li>`)}
          </ol>`
        : nothing}
      ${(record.notes ?? []).map((n) => html`<p class="note">${n}</p>`)}
    </section>`;
  }

  private renderSizes() {
    const segments = this.segments;
    if (segments.length === 0) return nothing;
    const chart = sizeChart(this.sizes);
    return html`<section class="sizes">
      <h3>
        Size of
        <select aria-label="segment" @change=${(e: Event) => ((this.segment = (e.target as HTMLSelectElement).value), void this.refresh())}>
          ${segments.map((s) => html`<option ?selected=${s === this.segment}>${s}</option>`)}
        </select>
        over its runs
      </h3>
      ${this.sizes.length === 0
        ? html`<p class="hint">No history yet.</p>`
        : html`<kohort-result-chart name=${`${this.segment}-size`} .spec=${{ mark: 'line', x: 'as_of', y: 'members' }} .columns=${chart.columns} .rows=${chart.rows}></kohort-result-chart>
            <table class="size-table">
              <thead>
                <tr><th>as of</th><th>run</th><th class="num">members</th><th class="num">joined</th><th class="num">left</th></tr>
              </thead>
              <tbody>
                ${[...this.sizes].reverse().map(
                  (p) => html`<tr data-run=${p.runId}>
                    <td>${p.asOf}</td>
                    <td class="mono">${p.runId}</td>
                    <td class="num">${formatCount(p.members)}</td>
                    <td class="num joined">+${formatCount(p.joined)}</td>
                    <td class="num left">−${formatCount(p.left)}</td>
                  </tr>`,
                )}
              </tbody>
            </table>`}
    </section>`;
  }

  protected override render() {
    const running = this.runs?.filter((r) => r.status === 'running').length ?? 0;
    const failed = this.runs?.[0]?.status === 'failed';
    return html`<details @toggle=${this.toggle}>
      <summary>
        Schedules and runs${running > 0 ? html` <span class="badge busy">running</span>` : failed ? html` <span class="badge failed">last run failed</span>` : nothing}
      </summary>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${!this.open
        ? nothing
        : this.schedules === undefined || this.runs === undefined
          ? html`<p class="hint">reading…</p>`
          : html`${this.schedules.length > 0
                ? this.renderSchedules(this.schedules)
                : html`<p class="hint">No schedule cells. Add one, e.g. <code>schedule nightly = cron "0 3 * * *" timezone "Europe/Berlin"</code>.</p>`}
              <p><button class="run-all" @click=${() => void this.runNow(undefined)}>Run the whole notebook now</button></p>
              ${this.renderRuns(this.runs)} ${this.selected ? this.renderLog(this.selected) : nothing} ${this.renderSizes()}`}
    </details>`;
  }
}
