import { KohortSegmentExport } from './segment-export.component.js';

export { KohortSegmentExport };
if (!customElements.get('kohort-segment-export')) customElements.define('kohort-segment-export', KohortSegmentExport);

declare global {
  interface HTMLElementTagNameMap {
    'kohort-segment-export': KohortSegmentExport;
  }
}
