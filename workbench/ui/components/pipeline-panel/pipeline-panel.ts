import { KohortPipelinePanel } from './pipeline-panel.component.js';

export { KohortPipelinePanel };
if (!customElements.get('kohort-pipeline-panel')) customElements.define('kohort-pipeline-panel', KohortPipelinePanel);

declare global {
  interface HTMLElementTagNameMap {
    'kohort-pipeline-panel': KohortPipelinePanel;
  }
}
