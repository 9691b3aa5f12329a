import { ContextProvider } from '@lit/context';
import { html } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ApiClient } from '../../api/client.js';
import { apiContext } from '../../context.js';
import { parseRoute, type Route } from '../../model/routes.js';
import { LightElement } from '../../styles/light-element.js';
import '../notebook-list/notebook-list.js';
import '../notebook-view/notebook-view.js';
import '../deliveries-panel/deliveries-panel.js';
import '../pipeline-panel/pipeline-panel.js';
import '../schedules-panel/schedules-panel.js';
import styles from './kohort-app.styles.js';

/**
 * The workbench shell: provides the API client to everything below it and shows the notebook
 * list (`#/`) or a notebook (`#/notebook/<path>`).
 */
export class KohortApp extends LightElement {
  static override styles = styles;

  /** Base URL of the server API (same origin by default). */
  @property({ attribute: 'api-base' }) accessor apiBase = '';

  @state() private accessor route: Route = parseRoute(location.hash);

  private readonly provider = new ContextProvider(this, { context: apiContext, initialValue: new ApiClient('') });

  private readonly onHash = () => {
    this.route = parseRoute(location.hash);
  };

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.apiBase) this.provider.setValue(new ApiClient(this.apiBase));
    window.addEventListener('hashchange', this.onHash);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHash);
  }

  protected override render() {
    const route = this.route;
    document.title = route.page === 'notebook' ? `${route.path} · kohort` : 'kohort';
    // Pipelines run in the background: a notebook shows its own, the list shows all (and the lake).
    return route.page === 'notebook'
      ? html`<kohort-pipeline-panel notebook=${route.path}></kohort-pipeline-panel><kohort-notebook-view path=${route.path}></kohort-notebook-view
          ><kohort-schedules-panel path=${route.path}></kohort-schedules-panel><kohort-deliveries-panel path=${route.path}></kohort-deliveries-panel>`
      : html`<kohort-notebook-list></kohort-notebook-list><kohort-pipeline-panel></kohort-pipeline-panel>`;
  }
}
