import { KohortCustomerView } from './customer-view.component.js';

export { KohortCustomerView };
if (!customElements.get('kohort-customer-view')) customElements.define('kohort-customer-view', KohortCustomerView);

declare global {
  interface HTMLElementTagNameMap {
    'kohort-customer-view': KohortCustomerView;
  }
}
