import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { emit } from '../../events/emit.js';
import { isNumeric, type ResultColumn } from '../../results/columns.js';
import { ArrowRows, type RowSource } from '../../results/result-set.js';
import type { ResultSet } from '../../results/result-set.js';
import { emptyView, isPlainView, nextSort, type ViewState } from '../../results/view-sql.js';
import styles from './result-table.styles.js';

const rowHeight = 24;
/** Browsers cap element heights (~33M px in Chromium); past this the scrollbar maps proportionally. */
const maxSpacer = 8_000_000;
const overscan = 6;

/**
 * A result table that renders only the rows in view, so a million rows scroll like ten. Clicking
 * a header sorts, the inputs under the headers filter, and "group by" re-groups; all three run in
 * the browser's DuckDB over the result it already holds.
 */
export class KohortResultTable extends LitElement {
  static override styles = styles;

  /** The result to show. */
  @property({ attribute: false }) accessor result: ResultSet | undefined;
  /** When set, rows are clickable and fire `kohort-row-activate` (e.g. a profile's customers). */
  @property({ attribute: 'clickable', type: Boolean }) accessor clickable = false;
  /** Height of the scrolling area in pixels (rows shrink it when fewer). */
  @property({ type: Number }) accessor height = 360;

  @state() private accessor view: ViewState = emptyView;
  @state() private accessor source: RowSource | undefined;
  @state() private accessor first = 0;
  @state() private accessor busy = '';
  @state() private accessor problem = '';

  private widths: number[] = [];
  private frame = 0;
  private filterTimer: ReturnType<typeof setTimeout> | undefined;
  private viewRequest = 0;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('result')) {
      this.view = emptyView;
      this.first = 0;
      this.problem = '';
      this.source = this.result ? new ArrowRows(this.result.table) : undefined;
      this.widths = this.source ? measureWidths(this.source) : [];
      // Views are instant once the browser's DuckDB holds the rows: load it while the user reads.
      this.scheduleIngest();
    }
  }

  private ingestTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * Copies the result into the browser's DuckDB once the table has been still for a moment: a
   * million rows take a core for a second or two, which should not compete with scrolling.
   */
  private scheduleIngest() {
    clearTimeout(this.ingestTimer);
    const r = this.result;
    if (!r || r.ingested) return;
    this.ingestTimer = setTimeout(() => void r.ingest().catch(() => undefined), 400);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.ingestTimer);
  }

  /** The rows currently shown, as text (for tests and copy). */
  get visibleRowCount(): number {
    return this.source?.rowCount ?? 0;
  }

  private async applyView(view: ViewState) {
    const result = this.result;
    if (!result) return;
    this.view = view;
    const request = ++this.viewRequest;
    this.busy = isPlainView(view) ? '' : result.rowCount > 100_000 ? 'working…' : '';
    const t0 = performance.now();
    try {
      const source = await result.view(view);
      if (request !== this.viewRequest) return;
      await source.load(0, 64);
      if (request !== this.viewRequest) return;
      this.source = source;
      if (view.groupBy !== undefined || source.columns.length !== this.widths.length) this.widths = measureWidths(source);
      this.first = 0;
      const scroller = this.renderRoot.querySelector('.scroller');
      if (scroller) scroller.scrollTop = 0;
      const errors = Object.entries(source.errors);
      this.problem = errors.length > 0 ? errors.map(([, e]) => e).join('; ') : '';
      performance.measure('kohort:view', { start: t0, end: performance.now() });
    } catch (e) {
      if (request === this.viewRequest) this.problem = e instanceof Error ? e.message : String(e);
    } finally {
      if (request === this.viewRequest) this.busy = '';
    }
  }

  private sortBy(column: string) {
    void this.applyView({ ...this.view, sort: nextSort(this.view, column) });
  }

  private filter(column: string, text: string) {
    clearTimeout(this.filterTimer);
    const filters = { ...this.view.filters, [column]: text };
    this.filterTimer = setTimeout(() => void this.applyView({ ...this.view, filters }), 150);
  }

  private groupBy(column: string) {
    const next: ViewState = { filters: this.view.filters };
    if (column) next.groupBy = column;
    void this.applyView(next);
  }

  private onScroll(e: Event) {
    const scroller = e.currentTarget as HTMLElement;
    this.scheduleIngest();
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.first = this.firstRowAt(scroller);
    });
  }

  private visibleRows(): number {
    return Math.ceil(this.bodyHeight() / rowHeight) + 1;
  }

  private bodyHeight(): number {
    return Math.max(rowHeight, this.scrollerHeight() - 54);
  }

  private scrollerHeight(): number {
    const rows = this.source?.rowCount ?? 0;
    return Math.min(this.height, 54 + Math.max(1, rows) * rowHeight + 16);
  }

  private spacerHeight(): number {
    return Math.min((this.source?.rowCount ?? 0) * rowHeight, maxSpacer);
  }

  private firstRowAt(scroller: HTMLElement): number {
    const rows = this.source?.rowCount ?? 0;
    const spacer = this.spacerHeight();
    const visible = this.visibleRows();
    if (rows * rowHeight <= maxSpacer) return Math.max(0, Math.min(rows - 1, Math.floor(scroller.scrollTop / rowHeight)));
    const range = Math.max(1, spacer - this.bodyHeight());
    return Math.max(0, Math.min(rows - visible, Math.round((scroller.scrollTop / range) * (rows - visible))));
  }

  /** Where the rendered rows sit inside the spacer. */
  private rowsOffset(first: number): number {
    const rows = this.source?.rowCount ?? 0;
    if (rows * rowHeight <= maxSpacer) return first * rowHeight;
    const visible = this.visibleRows();
    const range = Math.max(1, this.spacerHeight() - this.bodyHeight());
    return Math.min(this.spacerHeight() - visible * rowHeight, (first / Math.max(1, rows - visible)) * range);
  }

  private activate(values: (string | null)[], columns: ResultColumn[]) {
    if (!this.clickable) return;
    const record: Record<string, string | null> = {};
    columns.forEach((c, i) => (record[c.name] = values[i] ?? null));
    emit(this, 'kohort-row-activate', { values: record });
  }

  private renderRows(source: RowSource, template: string) {
    const from = Math.max(0, this.first - overscan);
    const to = Math.min(source.rowCount, this.first + this.visibleRows() + overscan);
    let rows = source.peek(from, to);
    if (!rows) {
      void source.load(from, to).then(() => this.requestUpdate());
      rows = Array.from({ length: to - from }, () => source.columns.map(() => undefined as unknown as null));
    }
    const numeric = source.columns.map((c) => isNumeric(c.kind));
    const pending = rows.length > 0 && rows[0]!.length > 0 && rows[0]![0] === undefined;
    return html`<div class="rows" style="transform: translateY(${this.rowsOffset(from)}px)">
      ${rows.map(
        (row, i) => html`<div
          class="tr grid ${this.clickable ? 'clickable' : ''}"
          style="grid-template-columns: ${template}"
          tabindex=${this.clickable ? '0' : nothing}
          @click=${() => this.activate(row, source.columns)}
          @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && this.activate(row, source.columns)}
        >
          <div class="rownum">${(from + i + 1).toLocaleString('en-US')}</div>
          ${row.map((v, c) =>
            pending
              ? html`<div class="td pending">…</div>`
              : v === null
                ? html`<div class="td null ${numeric[c] ? 'num' : ''}">null</div>`
                : html`<div class="td ${numeric[c] ? 'num' : ''}" title=${v.length > 24 ? v : nothing}>${v}</div>`,
          )}
        </div>`,
      )}
    </div>`;
  }

  protected override render() {
    const source = this.source;
    if (!source || !this.result) return html`<div class="empty">No result yet.</div>`;
    const columns = source.columns;
    const digits = String(source.rowCount).length;
    const template = [`${Math.max(40, digits * 8 + 16)}px`, ...this.widths.map((w) => `${w}px`)].join(' ');
    const width = this.widths.reduce((a, b) => a + b, 0) + Math.max(40, digits * 8 + 16);
    const sort = this.view.sort;
    const groupable = this.result.columns.filter((c) => !isNumeric(c.kind) || c.name.endsWith('id') === false);
    return html`
      <div class="toolbar">
        <span class="count">${source.rowCount.toLocaleString('en-US')} ${source.rowCount === 1 ? 'row' : 'rows'}</span>
        ${this.view.groupBy !== undefined ? html`<span>grouped by <b>${this.view.groupBy}</b></span>` : nothing}
        <label
          >group by
          <select aria-label="group by" @change=${(e: Event) => this.groupBy((e.target as HTMLSelectElement).value)}>
            <option value="" ?selected=${this.view.groupBy === undefined}>—</option>
            ${groupable.map((c) => html`<option value=${c.name} ?selected=${this.view.groupBy === c.name}>${c.name}</option>`)}
          </select></label
        >
        ${isPlainView(this.view) ? nothing : html`<button @click=${() => this.applyView(emptyView)}>reset view</button>`}
        ${this.busy ? html`<span class="busy">${this.busy}</span>` : nothing}
        ${this.problem ? html`<span class="problem" role="alert">${this.problem}</span>` : nothing}
      </div>
      <div class="scroller" style="height: ${this.scrollerHeight()}px" @scroll=${this.onScroll}>
        <div class="head" style="width: ${width}px">
          <div class="grid" style="grid-template-columns: ${template}" role="row">
            <div class="rownum">#</div>
            ${columns.map(
              (c) => html`<div
                class="th ${isNumeric(c.kind) ? 'num' : ''}"
                role="columnheader"
                title="${c.name} · ${c.typeName} — click to sort"
                @click=${() => this.sortBy(c.name)}
              >
                ${c.name}${sort?.column === c.name ? html`<span class="arrow">${sort.descending ? '▼' : '▲'}</span>` : nothing}
              </div>`,
            )}
          </div>
          <div class="grid filters" style="grid-template-columns: ${template}">
            <div></div>
            ${columns.map((c) => {
              const source0 = this.result!.columns.some((rc) => rc.name === c.name) && this.view.groupBy === undefined;
              return source0
                ? html`<input
                    aria-label="filter ${c.name}"
                    placeholder="filter"
                    title=${source.errors[c.name] ?? (isNumeric(c.kind) ? 'a number, or > 10, <= 5, != 0, 1..5, null, !null' : c.kind === 'string' ? 'text it contains, = exact, !text, null, !null' : 'a prefix like 2019-10-05, or > 2019-10-05, a..b, null')}
                    class=${source.errors[c.name] ? 'bad' : ''}
                    .value=${this.view.filters[c.name] ?? ''}
                    @input=${(e: Event) => this.filter(c.name, (e.target as HTMLInputElement).value)}
                  />`
                : html`<div></div>`;
            })}
          </div>
        </div>
        <div class="spacer" style="height: ${this.spacerHeight()}px; width: ${width}px">${this.renderRows(source, template)}</div>
      </div>
    `;
  }
}

/** Column widths from the header and the first rows' text. */
function measureWidths(source: RowSource): number[] {
  const sample = source.peek(0, Math.min(source.rowCount, 100)) ?? [];
  return source.columns.map((c, i) => {
    let chars = c.name.length + 2;
    for (const row of sample) chars = Math.max(chars, (row[i] ?? 'null').length);
    return Math.max(64, Math.min(320, chars * 7.2 + 20));
  });
}
