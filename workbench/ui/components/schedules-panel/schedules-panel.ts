import { KohortSchedulesPanel } from './schedules-panel.component.js';

export { KohortSchedulesPanel };
if (!customElements.get('kohort-schedules-panel')) customElements.define('kohort-schedules-panel', KohortSchedulesPanel);

declare global {
  interface HTMLElementTagNameMap {
    'kohort-schedules-panel': KohortSchedulesPanel;
  }
}
