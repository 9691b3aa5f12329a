import { ContextConsumer } from '@lit/context';
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { SegmentPreview } from '../../api/client.js';
import { apiContext } from '../../context.js';
import styles from './size-preview.styles.js';

/** How long typing must pause before the segment is counted. */
export const previewDebounceMs = 300;

const count = (n: number) => n.toLocaleString('en-US');
const percent = (share: number) => `${(share * 100).toFixed(share < 0.01 ? 2 : 1)}%`;

/**
 * The live size of a segment while its rule is typed: its size, its share of all customers of
 * its source, and its overlap with another segment the analyst picks. Counted on the server
 * `previewDebounceMs` after the last change to the cell; a newer change aborts the request in
 * flight, which interrupts its DuckDB query.
 */
export class KohortSizePreview extends LitElement {
  static override styles = styles;

  /** The notebook's path. */
  @property() accessor path = '';
  /** The notebook's text now (unsaved edits included): what is counted. */
  @property() accessor text = '';
  /** This cell's text: typing in it re-counts. The preview starts with the first change, not at load. */
  @property() accessor body = '';
  /** The segments this cell defines, and whether each compiles (a broken rule is not counted). */
  @property({ attribute: false }) accessor segments: { name: string; broken: boolean }[] = [];
  /** Every segment of the notebook: the choices to overlap with. */
  @property({ attribute: false }) accessor others: string[] = [];

  @state() private accessor chosen: string | undefined;
  @state() private accessor overlapWith = '';
  @state() private accessor preview: SegmentPreview | undefined;
  @state() private accessor error = '';
  @state() private accessor counting = false;

  private readonly api = new ContextConsumer(this, { context: apiContext, subscribe: false });
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight: AbortController | undefined;
  private lastKey: string | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.timer);
    this.inFlight?.abort();
  }

  private get segment(): { name: string; broken: boolean } | undefined {
    return this.segments.find((s) => s.name === this.chosen) ?? this.segments[0];
  }

  protected override updated(_changed: PropertyValues<this>): void {
    const segment = this.segment;
    const key = JSON.stringify([this.path, this.body, segment?.name, segment?.broken, this.overlapWith]);
    if (key === this.lastKey) return;
    // Opening a notebook counts nothing: a lake of 40M events would keep DuckDB busy with every
    // segment at once. The first edit (or a choice in the preview) starts it.
    const first = this.lastKey === undefined;
    this.lastKey = key;
    if (first) return;
    clearTimeout(this.timer);
    // A newer text makes the answer in flight useless: cancel it now, not when the next is sent.
    this.inFlight?.abort();
    this.inFlight = undefined;
    if (!segment || segment.broken) {
      this.counting = false;
      return;
    }
    this.counting = true;
    this.timer = setTimeout(() => void this.count(segment.name), previewDebounceMs);
  }

  private async count(name: string): Promise<void> {
    const api = this.api.value;
    if (!api) return;
    const controller = new AbortController();
    this.inFlight = controller;
    try {
      const overlap = this.overlapWith && this.overlapWith !== name ? this.overlapWith : undefined;
      const preview = await api.segmentPreview({ path: this.path, text: this.text, cell: name, ...(overlap ? { overlapWith: overlap } : {}) }, controller.signal);
      if (controller.signal.aborted) return;
      this.preview = preview;
      this.error = '';
    } catch (e) {
      if (controller.signal.aborted) return;
      this.error = e instanceof Error ? e.message : String(e);
    } finally {
      if (this.inFlight === controller) {
        this.inFlight = undefined;
        this.counting = false;
      }
    }
  }

  protected override render() {
    const segment = this.segment;
    if (!segment) return nothing;
    const p = this.preview?.segment === segment.name ? this.preview : undefined;
    return html`<div class="preview" data-testid="size-preview" data-segment=${segment.name} data-size=${p ? String(p.size) : ''} data-total=${p ? String(p.total) : ''} aria-live="polite">
      ${this.segments.length > 1
        ? html`<select aria-label="segment to measure" @change=${(e: Event) => (this.chosen = (e.target as HTMLSelectElement).value)}>
            ${this.segments.map((s) => html`<option value=${s.name} ?selected=${s.name === segment.name}>${s.name}</option>`)}
          </select>`
        : html`<span class="name">${segment.name}</span>`}
      ${segment.broken
        ? html`<span class="hint">fix the rule to see its size</span>`
        : p
          ? html`<span class="size"><b>${count(p.size)}</b> customers</span>
              <span class="share"><b>${percent(p.share)}</b> of ${count(p.total)} in \`${p.source}\`</span>`
          : html`<span class="hint">${this.error ? '' : this.counting ? 'measuring…' : 'its size appears as you edit it'}</span>`}
      <label class="overlap"
        >overlap with
        <select aria-label="segment to overlap with" @change=${(e: Event) => (this.overlapWith = (e.target as HTMLSelectElement).value)}>
          <option value="">—</option>
          ${this.others
            .filter((o) => o !== segment.name)
            .map((o) => html`<option value=${o} ?selected=${o === this.overlapWith}>${o}</option>`)}
        </select></label
      >
      ${p?.overlap
        ? html`<span class="both" data-testid="overlap" data-both=${String(p.overlap.both)}
            ><b>${count(p.overlap.both)}</b> in both (${percent(p.overlap.shareOfSegment)} of this, ${percent(p.overlap.shareOfOther)} of \`${p.overlap.segment}\`)</span
          >`
        : nothing}
      ${this.counting ? html`<span class="busy" title="counting">…</span>` : nothing}
      ${this.error && !segment.broken ? html`<span class="error" role="alert">${this.error}</span>` : nothing}
    </div>`;
  }
}
