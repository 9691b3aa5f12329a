import { KohortNotebookView } from './notebook-view.component.js';

export { KohortNotebookView };
if (!customElements.get('kohort-notebook-view')) customElements.define('kohort-notebook-view', KohortNotebookView);

declare global {
  interface HTMLElementTagNameMap {
    'kohort-notebook-view': KohortNotebookView;
  }
}
