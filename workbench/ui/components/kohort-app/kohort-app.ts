import { KohortApp } from './kohort-app.component.js';

export { KohortApp };
if (!customElements.get('kohort-app')) customElements.define('kohort-app', KohortApp);

declare global {
  interface HTMLElementTagNameMap {
    'kohort-app': KohortApp;
  }
}
