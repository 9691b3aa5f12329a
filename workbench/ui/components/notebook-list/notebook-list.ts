import { KohortNotebookList } from './notebook-list.component.js';

export { KohortNotebookList };
if (!customElements.get('kohort-notebook-list')) customElements.define('kohort-notebook-list', KohortNotebookList);

declare global {
  interface HTMLElementTagNameMap {
    'kohort-notebook-list': KohortNotebookList;
  }
}
