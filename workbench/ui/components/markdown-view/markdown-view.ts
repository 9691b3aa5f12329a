import { KohortMarkdownView } from './markdown-view.component.js';

export { KohortMarkdownView };
if (!customElements.get('kohort-markdown-view')) customElements.define('kohort-markdown-view', KohortMarkdownView);

declare global {
  interface HTMLElementTagNameMap {
    'kohort-markdown-view': KohortMarkdownView;
  }
}
