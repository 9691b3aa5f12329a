import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { emit } from '../../events/emit.js';
import { lineDiff } from '../../model/line-diff.js';
import styles from './conflict-dialog.styles.js';

/**
 * "The file changed on disk": shown when a save is refused (409) or the server reports an
 * external edit. The user chooses: take the disk's version, overwrite it with ours, or decide
 * later; a diff shows what differs. Nothing is overwritten without that choice.
 */
export class KohortConflictDialog extends LitElement {
  static override styles = styles;

  /** Open as a modal dialog. */
  @property({ type: Boolean, reflect: true }) accessor open = false;
  /** Why it opened: a refused save or a change seen on disk. */
  @property() accessor reason: 'save' | 'external' = 'external';
  /** The notebook as edited here. */
  @property({ attribute: false }) accessor mine = '';
  /** The notebook as it is on disk (empty until fetched). */
  @property({ attribute: false }) accessor theirs = '';
  /** Whether there are unsaved edits here (without them, reloading loses nothing). */
  @property({ type: Boolean }) accessor dirty = false;

  @state() private accessor showDiff = false;

  protected override updated(changed: PropertyValues<this>): void {
    const dialog = this.renderRoot.querySelector('dialog');
    if (!dialog) return;
    if (this.open && !dialog.open) dialog.showModal();
    if (!this.open && dialog.open) dialog.close();
    if (changed.has('open') && !this.open) this.showDiff = false;
  }

  private choose(choice: 'reload' | 'overwrite' | 'later') {
    emit(this, 'kohort-conflict-choice', { choice });
  }

  protected override render() {
    const diff = this.showDiff ? lineDiff(this.mine, this.theirs) : [];
    return html`<dialog aria-label="notebook changed on disk" @cancel=${(e: Event) => (e.preventDefault(), this.choose('later'))}>
      <h2>This notebook changed on disk</h2>
      <p>
        ${this.reason === 'save' ? 'Your save was not written: ' : ''}someone (or something) edited the file after you opened it.
        ${this.dirty ? 'You also have unsaved edits here.' : 'You have no unsaved edits here.'}
      </p>
      ${this.showDiff
        ? html`<pre aria-label="differences">${diff.map((l) => html`<span class="line ${l.kind}">${l.text}</span>`)}</pre>`
        : nothing}
      <div class="actions">
        <button @click=${() => (this.showDiff = !this.showDiff)}>${this.showDiff ? 'Hide differences' : 'Show differences'}</button>
        <button @click=${() => this.choose('later')}>Decide later</button>
        <button class=${this.dirty ? 'danger' : ''} @click=${() => this.choose('overwrite')}>Overwrite the file with mine</button>
        <button class="primary" @click=${() => this.choose('reload')}>Load the version on disk${this.dirty ? ' (drop my edits)' : ''}</button>
      </div>
    </dialog>`;
  }
}
