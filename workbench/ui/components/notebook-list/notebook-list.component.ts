import { ContextConsumer } from '@lit/context';
import { html, LitElement, nothing } from 'lit';
import { state } from 'lit/decorators.js';
import type { NotebookEntry } from '../../api/client.js';
import { apiContext } from '../../context.js';
import { notebookHash, notebookPath } from '../../model/routes.js';
import styles from './notebook-list.styles.js';

const starter = `--- markdown
# New notebook

--- kohort
source events = lake "events" key user_id time event_time

metric purchases = count() where event_type = "purchase"
metric revenue = sum(price) where event_type = "purchase"

segment buyers = purchases > 0
`;

/** The workspace's notebooks: open, create, rename and delete. */
export class KohortNotebookList extends LitElement {
  static override styles = styles;

  @state() private accessor notebooks: NotebookEntry[] | undefined;
  @state() private accessor error = '';
  @state() private accessor renaming: string | undefined;
  @state() private accessor deleting: string | undefined;

  private readonly api = new ContextConsumer(this, { context: apiContext, subscribe: false });

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refresh();
  }

  private async attempt(work: () => Promise<unknown>) {
    this.error = '';
    try {
      await work();
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
    await this.refresh();
  }

  async refresh(): Promise<void> {
    try {
      const list = await this.api.value!.listNotebooks();
      this.notebooks = [...list].sort((a, b) => a.path.localeCompare(b.path));
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
      this.notebooks ??= [];
    }
  }

  private async create(e: SubmitEvent) {
    e.preventDefault();
    const input = (e.target as HTMLFormElement).elements.namedItem('name') as HTMLInputElement;
    const name = input.value.trim();
    if (!name) return;
    const path = notebookPath(name);
    await this.attempt(async () => {
      const created = await this.api.value!.createNotebook(path, starter);
      input.value = '';
      location.hash = notebookHash(created?.path ?? path);
    });
  }

  private async rename(from: string, e: SubmitEvent) {
    e.preventDefault();
    const input = (e.target as HTMLFormElement).elements.namedItem('to') as HTMLInputElement;
    const to = notebookPath(input.value);
    await this.attempt(async () => {
      if (to !== from) await this.api.value!.renameNotebook(from, to);
      this.renaming = undefined;
    });
  }

  private async deleteNotebook(path: string) {
    await this.attempt(async () => {
      await this.api.value!.deleteNotebook(path);
      this.deleting = undefined;
    });
  }

  private when(modified: string | number): string {
    const d = new Date(modified);
    return Number.isNaN(d.getTime()) ? '' : d.toLocaleString();
  }

  protected override render() {
    return html`
      <h1>kohort notebooks</h1>
      <p class="lead">Profiles, segments and decisions over the events lake. Open a notebook, or start one.</p>
      <form @submit=${this.create} aria-label="new notebook">
        <input name="name" placeholder="new notebook name, e.g. analyses/october" aria-label="new notebook name" autocomplete="off" />
        <button class="primary" type="submit">Create</button>
      </form>
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
      ${this.notebooks === undefined
        ? html`<div class="empty">Loading…</div>`
        : this.notebooks.length === 0
          ? html`<div class="empty">No notebooks yet.</div>`
          : html`<ul aria-label="notebooks">
              ${this.notebooks.map(
                (n) => html`<li data-path=${n.path}>
                  ${this.renaming === n.path
                    ? html`<form class="grow" @submit=${(e: SubmitEvent) => this.rename(n.path, e)}>
                        <input name="to" aria-label="new name" .value=${n.path} />
                        <button type="submit">Rename</button>
                        <button type="button" @click=${() => (this.renaming = undefined)}>Cancel</button>
                      </form>`
                    : html`<span class="grow">
                          <a href=${notebookHash(n.path)}>${n.title || n.path}</a>
                          <div class="path">${n.path}</div>
                        </span>
                        <span class="when">${this.when(n.modified)}</span>
                        <button @click=${() => (this.renaming = n.path)} aria-label="rename ${n.path}">Rename</button>
                        ${this.deleting === n.path
                          ? html`<button class="danger" @click=${() => this.deleteNotebook(n.path)} aria-label="confirm delete ${n.path}">Delete for good</button
                              ><button @click=${() => (this.deleting = undefined)}>Keep</button>`
                          : html`<button class="danger" @click=${() => (this.deleting = n.path)} aria-label="delete ${n.path}">Delete</button>`}`}
                </li>`,
              )}
            </ul>`}
    `;
  }
}
