import { ContextConsumer } from '@lit/context';
import { html, LitElement, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { apiContext } from '../../context.js';
import styles from './segment-export.styles.js';

type Format = 'csv' | 'parquet' | 'json';

/** Saves a blob under `filename` through a temporary link. */
function save(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * "Download members" on a segment's result: the file `kohort export` writes (CSV, Parquet or
 * JSON), computed on the server from the text the result ran with. A CSV comes with its
 * metadata (definition hash, as-of time, data version) saved beside it as `NAME.csv.meta.json`.
 */
export class KohortSegmentExport extends LitElement {
  static override styles = styles;

  /** The notebook's path. */
  @property() accessor path = '';
  /** The notebook text the result was computed from. */
  @property() accessor text = '';
  /** The segment. */
  @property() accessor cell = '';

  @state() private accessor format: Format = 'csv';
  @state() private accessor busy = false;
  @state() private accessor done = '';
  @state() private accessor error = '';

  private readonly api = new ContextConsumer(this, { context: apiContext, subscribe: false });

  private async download(): Promise<void> {
    const api = this.api.value;
    if (!api || this.busy) return;
    this.busy = true;
    this.error = '';
    try {
      const file = await api.exportSegment({ path: this.path, text: this.text, cell: this.cell, format: this.format });
      save(file.blob, file.filename);
      if (this.format === 'csv') save(new Blob([`${JSON.stringify(file.meta, null, 2)}\n`], { type: 'application/json' }), `${file.filename}.meta.json`);
      const hash = typeof file.meta['definitionHash'] === 'string' ? file.meta['definitionHash'].slice(0, 12) : '';
      this.done = `${Number(file.meta['members'] ?? 0).toLocaleString('en-US')} members, definition ${hash}, as of ${String(file.meta['asOf'] ?? '—')}`;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    } finally {
      this.busy = false;
    }
  }

  protected override render() {
    return html`<select aria-label="export format" @change=${(e: Event) => (this.format = (e.target as HTMLSelectElement).value as Format)}>
        ${(['csv', 'parquet', 'json'] as const).map((f) => html`<option value=${f} ?selected=${f === this.format}>${f}</option>`)}
      </select>
      <button title="Download the members with the segment's definition hash, as-of time and data version" ?disabled=${this.busy} @click=${() => void this.download()}>
        ${this.busy ? 'Exporting…' : '⤓ Download members'}
      </button>
      ${this.done ? html`<span data-testid="export-done">${this.done}</span>` : nothing} ${this.error ? html`<span class="error" role="alert">${this.error}</span>` : nothing}`;
  }
}
