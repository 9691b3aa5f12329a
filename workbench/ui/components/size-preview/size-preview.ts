import { KohortSizePreview } from './size-preview.component.js';

export { KohortSizePreview };
if (!customElements.get('kohort-size-preview')) customElements.define('kohort-size-preview', KohortSizePreview);

declare global {
  interface HTMLElementTagNameMap {
    'kohort-size-preview': KohortSizePreview;
  }
}
