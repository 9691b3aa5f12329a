import { KohortCellEditor } from './cell-editor.component.js';

export { KohortCellEditor };
if (!customElements.get('kohort-cell-editor')) customElements.define('kohort-cell-editor', KohortCellEditor);

declare global {
  interface HTMLElementTagNameMap {
    'kohort-cell-editor': KohortCellEditor;
  }
}
