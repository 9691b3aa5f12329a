import { KohortNotebookCell } from './notebook-cell.component.js';

export { KohortNotebookCell };
if (!customElements.get('kohort-notebook-cell')) customElements.define('kohort-notebook-cell', KohortNotebookCell);

declare global {
  interface HTMLElementTagNameMap {
    'kohort-notebook-cell': KohortNotebookCell;
  }
}
