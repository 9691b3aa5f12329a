import { KohortResultTable } from './result-table.component.js';

export { KohortResultTable };
if (!customElements.get('kohort-result-table')) customElements.define('kohort-result-table', KohortResultTable);

declare global {
  interface HTMLElementTagNameMap {
    'kohort-result-table': KohortResultTable;
  }
}
