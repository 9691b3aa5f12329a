import { KohortDeliveriesPanel } from './deliveries-panel.component.js';

export { KohortDeliveriesPanel };
if (!customElements.get('kohort-deliveries-panel')) customElements.define('kohort-deliveries-panel', KohortDeliveriesPanel);

declare global {
  interface HTMLElementTagNameMap {
    'kohort-deliveries-panel': KohortDeliveriesPanel;
  }
}
