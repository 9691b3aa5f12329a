import { ContextConsumer } from '@lit/context';
import { Task } from '@lit/task';
import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { CellKind } from '../../../../dsl/index.js';
import type { RunState } from '../../controllers/run-controller.js';
import { apiContext } from '../../context.js';
import type { CellCommand } from '../../events/cell-command.js';
import { emit } from '../../events/emit.js';
import type { CellDiagnostic } from '../../language/cell-mapping.js';
import type { MonacoApi } from '../../monaco/load.js';
import type { monaco as Monaco } from '../../monaco/monaco.js';
import type { CellModel } from '../../model/notebook-document.js';
import { resultKinds, type DefinitionNode } from '../../model/run-graph.js';
import { LightElement } from '../../styles/light-element.js';
import '../cell-editor/cell-editor.js';
import type { KohortCellEditor } from '../cell-editor/cell-editor.component.js';
import '../markdown-view/markdown-view.js';
import styles from './notebook-cell.styles.js';

let resultViews: Promise<unknown> | undefined;
const loadResultViews = () => (resultViews ??= import('../result-view/result-view.js'));

/** A definition of the cell with its result, as the notebook hands it over. */
export interface CellResult {
  definition: DefinitionNode;
  run?: RunState;
  stale: boolean;
}

/**
 * One notebook cell: a toolbar (kind, name, run/cancel, SQL, collapse, move, add, delete), the
 * editor (or rendered markdown), its problems, its compiled SQL on request, and the results of
 * the definitions it holds.
 */
export class KohortNotebookCell extends LightElement {
  static override styles = styles;

  /** The cell. */
  @property({ attribute: false }) accessor cell: CellModel | undefined;
  /** Its position and the notebook's cell count (for the move buttons). */
  @property({ type: Number }) accessor index = 0;
  @property({ type: Number }) accessor count = 1;
  /** Monaco and the cell's model, once loaded. */
  @property({ attribute: false }) accessor monaco: MonacoApi | undefined;
  @property({ attribute: false }) accessor model: Monaco.editor.ITextModel | undefined;
  /** Problems in this cell, with cell-local offsets. */
  @property({ attribute: false }) accessor diagnostics: CellDiagnostic[] = [];
  /** The definitions in this cell and their results. */
  @property({ attribute: false }) accessor results: CellResult[] = [];
  /** Running or queued. */
  @property({ type: Boolean }) accessor busy = false;
  /** Show only the first line. */
  @property({ type: Boolean }) accessor collapsed = false;
  /** The notebook's path and a way to read its current text (for the SQL panel). */
  @property() accessor path = '';
  @property({ attribute: false }) accessor notebookText: () => string = () => '';
  /** Changes when the cell's definitions change: refreshes the SQL panel. */
  @property() accessor sqlKey = '';
  /** Customer key columns, passed to result views. */
  @property({ attribute: false }) accessor keyColumns: string[] = [];
  /** Every segment of the notebook: what a segment's size preview can overlap with. */
  @property({ attribute: false }) accessor segmentNames: string[] = [];
  /** A note after a run that had nothing to show (e.g. a cell of metrics). */
  @property() accessor note = '';

  @state() private accessor editing = false;
  @state() private accessor showSql = false;
  @state() private accessor activeResult: string | undefined;
  @state() private accessor confirmDelete = false;

  private readonly api = new ContextConsumer(this, { context: apiContext, subscribe: false });

  private readonly sql = new Task(this, {
    task: async ([open], { signal }) => {
      const api = this.api.value;
      if (!open || !api) return undefined;
      const compiled = await api.compile(this.path, this.notebookText(), signal);
      const names = new Set(this.results.map((r) => r.definition.name));
      return { cells: compiled.cells.filter((c) => names.has(c.name)), diagnostics: compiled.diagnostics };
    },
    args: () => [this.showSql, this.sqlKey] as const,
  });

  /** The cell's editor element. */
  get editorElement(): KohortCellEditor | null {
    return this.querySelector('kohort-cell-editor');
  }

  /** Shows the editor (opening a markdown cell for editing) and focuses it. */
  async focusEditor(start?: number, end?: number): Promise<void> {
    if (this.cell?.kind === 'markdown') this.editing = true;
    if (this.collapsed) this.command({ command: 'collapse', collapsed: false });
    await this.updateComplete;
    const editor = this.editorElement;
    if (!editor) return;
    if (start === undefined) await editor.focusEditor();
    else await editor.reveal(start, end ?? start);
  }

  private command(command: CellCommand) {
    if (!this.cell) return;
    emit(this, 'kohort-cell-command', { ...command, cellId: this.cell.id });
  }

  private onRunFromEditor(e: Event) {
    // A markdown cell "runs" by showing its rendering; the notebook still moves on.
    if (this.cell?.kind === 'markdown') this.editing = false;
    void e;
  }

  private run() {
    if (!this.cell) return;
    if (this.cell.kind === 'markdown') this.editing = false;
    emit(this, 'kohort-run', { cellId: this.cell.id, advance: false });
  }

  private renderBar(cell: CellModel) {
    const runnable = this.results.some((r) => resultKinds.has(r.definition.kind));
    const stale = this.results.some((r) => r.stale);
    return html`<div class="k-bar">
      <select aria-label="cell kind" .value=${cell.kind} @change=${(e: Event) => this.command({ command: 'set-header', kind: (e.target as HTMLSelectElement).value as CellKind, ...(cell.name ? { name: cell.name } : {}) })}>
        ${(['kohort', 'sql', 'markdown'] as const).map((k) => html`<option value=${k} ?selected=${k === cell.kind}>${k}</option>`)}
      </select>
      ${cell.kind === 'sql'
        ? html`<input
            aria-label="sql cell name"
            size="14"
            placeholder="name"
            .value=${cell.name ?? ''}
            @change=${(e: Event) => this.command({ command: 'set-header', kind: 'sql', name: (e.target as HTMLInputElement).value.trim() })}
          />`
        : nothing}
      ${cell.kind === 'kohort'
        ? html`<span class="k-defs"
            >${this.results.map((r) => html`<span class="k-def ${r.definition.broken ? 'k-broken' : ''}" title=${r.definition.kind}>${r.definition.name}</span>`)}</span
          >`
        : nothing}
      ${stale ? html`<span class="k-badge-stale" title="something this cell reads changed since it ran">stale</span>` : nothing}
      ${this.busy ? html`<span class="k-badge-busy">running…</span>` : nothing}
      <span class="k-spacer"></span>
      ${this.busy
        ? html`<button class="k-cancel" title="Cancel the run" aria-label="cancel" @click=${() => emit(this, 'kohort-cancel', { cellId: cell.id })}>■ Cancel</button>`
        : cell.kind === 'markdown'
          ? html`<button title="Edit (double-click)" @click=${() => (this.editing ? this.run() : void this.focusEditor())}>${this.editing ? 'Done' : 'Edit'}</button>`
          : html`<button class="k-run" title="Run (Shift+Enter)" aria-label="run cell" ?disabled=${!runnable && cell.kind !== 'sql'} @click=${() => this.run()}>▶ Run</button>`}
      ${cell.kind !== 'markdown'
        ? html`<button title="Show the compiled SQL" aria-pressed=${this.showSql} @click=${() => (this.showSql = !this.showSql)}>SQL</button>`
        : nothing}
      <button title=${this.collapsed ? 'Expand' : 'Collapse'} aria-label=${this.collapsed ? 'expand cell' : 'collapse cell'} @click=${() => this.command({ command: 'collapse', collapsed: !this.collapsed })}>
        ${this.collapsed ? '▸' : '▾'}
      </button>
      <button title="Move up" aria-label="move cell up" ?disabled=${this.index === 0} @click=${() => this.command({ command: 'move', delta: -1 })}>↑</button>
      <button title="Move down" aria-label="move cell down" ?disabled=${this.index >= this.count - 1} @click=${() => this.command({ command: 'move', delta: 1 })}>↓</button>
      <select
        aria-label="add cell below"
        title="Add a cell below"
        @change=${(e: Event) => {
          const select = e.target as HTMLSelectElement;
          const kind = select.value as CellKind | '';
          select.value = '';
          if (kind) this.command({ command: 'insert-below', kind });
        }}
      >
        <option value="">+ add</option>
        <option value="kohort">kohort</option>
        <option value="sql">sql</option>
        <option value="markdown">markdown</option>
      </select>
      ${this.confirmDelete
        ? html`<button class="k-danger" aria-label="confirm delete" @click=${() => this.command({ command: 'delete' })}>Delete?</button
            ><button @click=${() => (this.confirmDelete = false)}>Keep</button>`
        : html`<button class="k-danger" title="Delete the cell" aria-label="delete cell" @click=${() => (this.confirmDelete = true)}>✕</button>`}
    </div>`;
  }

  private renderBody(cell: CellModel) {
    if (this.collapsed) {
      const first = cell.body.split('\n').find((l) => l.trim() !== '') ?? '(empty)';
      return html`<div class="k-collapsed" @click=${() => this.command({ command: 'collapse', collapsed: false })}>${first} …</div>`;
    }
    if (cell.kind === 'markdown' && !this.editing) {
      return html`<kohort-markdown-view .source=${cell.body} @dblclick=${() => void this.focusEditor()}></kohort-markdown-view>`;
    }
    return html`<kohort-cell-editor
      cell-id=${cell.id}
      .body=${cell.body}
      .language=${cell.kind}
      .monaco=${this.monaco}
      .model=${this.model}
      @kohort-run=${this.onRunFromEditor}
    ></kohort-cell-editor>${this.renderSizePreview(cell)}`;
  }

  /** A kohort cell that defines segments shows their live size under the editor. */
  private renderSizePreview(cell: CellModel) {
    const segments = this.results.filter((r) => r.definition.kind === 'segment').map((r) => ({ name: r.definition.name, broken: r.definition.broken === true }));
    if (cell.kind !== 'kohort' || segments.length === 0) return nothing;
    void import('../size-preview/size-preview.js');
    return html`<kohort-size-preview path=${this.path} .text=${this.notebookText()} .body=${cell.body} .segments=${segments} .others=${this.segmentNames}></kohort-size-preview>`;
  }

  private renderProblems() {
    if (this.collapsed || this.diagnostics.length === 0) return nothing;
    return html`<ul class="k-problems" aria-label="problems">
      ${this.diagnostics.map(
        (d) => html`<li class=${d.severity} data-code=${d.code} @click=${() => void this.focusEditor(d.start, d.end)}>
          ${d.place} ${d.severity} ${d.code}: ${d.message}
        </li>`,
      )}
    </ul>`;
  }

  private renderSql() {
    if (!this.showSql || this.collapsed) return nothing;
    return html`<div class="k-sql" aria-label="compiled sql">
      ${this.sql.render({
        pending: () => html`<div class="k-note">compiling…</div>`,
        error: (e) => html`<div class="k-note">could not compile: ${e instanceof Error ? e.message : String(e)}</div>`,
        complete: (r) => {
          if (!r) return nothing;
          if (r.cells.length === 0) return html`<div class="k-note">This cell defines nothing that compiles to SQL.</div>`;
          return r.cells.map(
            (c) => html`<div class="k-sql-name">-- ${c.kind} ${c.name}</div>
              ${c.sql ? html`<pre>${c.sql}</pre>` : html`<div class="k-note">no SQL: it (or something it reads) has errors</div>`}`,
          );
        },
      })}
    </div>`;
  }

  private renderResults() {
    if (this.collapsed) return nothing;
    const withRuns = this.results.filter((r) => r.run !== undefined);
    if (withRuns.length === 0) return this.note ? html`<div class="k-note">${this.note}</div>` : nothing;
    // Result views (Arrow, the table, charts) load with the first result, not at first paint.
    void loadResultViews();
    const active = withRuns.find((r) => r.definition.name === this.activeResult) ?? withRuns.find((r) => r.run?.status === 'running') ?? withRuns[0]!;
    return html`<div class="k-results">
      ${withRuns.length > 1
        ? html`<div class="k-result-tabs" role="tablist" aria-label="results">
            ${withRuns.map(
              (r) => html`<button
                role="tab"
                class="${r.stale ? 'k-stale-tab' : ''} ${r.run?.status === 'error' ? 'k-error-tab' : ''}"
                aria-selected=${r === active}
                @click=${() => (this.activeResult = r.definition.name)}
              >
                ${r.definition.name}${r.run?.status === 'running' || r.run?.status === 'queued' ? ' …' : ''}
              </button>`,
            )}
          </div>`
        : nothing}
      <kohort-result-view
        data-definition=${active.definition.name}
        .definition=${active.definition}
        .run=${active.run}
        ?stale=${active.stale}
        path=${this.path}
        .keyColumns=${this.keyColumns}
      ></kohort-result-view>
    </div>`;
  }

  protected override render() {
    const cell = this.cell;
    if (!cell) return nothing;
    const stale = this.results.some((r) => r.stale);
    return html`<div
      class="k-cell k-kind-${cell.kind} ${stale ? 'k-stale' : ''} ${this.busy ? 'k-busy' : ''}"
      data-cell-id=${cell.id}
      data-kind=${cell.kind}
    >
      ${this.renderBar(cell)} ${this.renderBody(cell)} ${this.renderProblems()} ${this.renderSql()} ${this.renderResults()}
    </div>`;
  }
}
