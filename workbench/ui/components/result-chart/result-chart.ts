import { KohortResultChart } from './result-chart.component.js';

export { KohortResultChart };
if (!customElements.get('kohort-result-chart')) customElements.define('kohort-result-chart', KohortResultChart);

declare global {
  interface HTMLElementTagNameMap {
    'kohort-result-chart': KohortResultChart;
  }
}
