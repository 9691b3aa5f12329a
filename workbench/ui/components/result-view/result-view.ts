import { KohortResultView } from './result-view.component.js';

export { KohortResultView };
if (!customElements.get('kohort-result-view')) customElements.define('kohort-result-view', KohortResultView);

declare global {
  interface HTMLElementTagNameMap {
    'kohort-result-view': KohortResultView;
  }
}
