import { ContextConsumer } from '@lit/context';
import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { CellKind } from '../../../../dsl/index.js';
import { ConflictError, type ApiClient } from '../../api/client.js';
import { RunController, type RunJob } from '../../controllers/run-controller.js';
import { apiContext } from '../../context.js';
import type { CancelEvent } from '../../events/cancel.js';
import type { CellChangeEvent } from '../../events/cell-change.js';
import type { CellCommandEvent } from '../../events/cell-command.js';
import type { ConflictChoiceEvent } from '../../events/conflict-choice.js';
import type { OpenCustomerEvent } from '../../events/open-customer.js';
import type { RunEvent } from '../../events/run.js';
import { diagnosticsByCell, type CellDiagnostic } from '../../language/cell-mapping.js';
import { LanguageClient } from '../../language/language-client.js';
import type { Analysis } from '../../language/protocol.js';
import { bindModel, type NotebookBinding } from '../../monaco/bindings.js';
import { loadMonaco, type MonacoApi } from '../../monaco/load.js';
import type { monaco as Monaco } from '../../monaco/monaco.js';
import { NotebookDocument, type CellModel } from '../../model/notebook-document.js';
import { definitionsInCell, graphOf, inputsOf, resultKinds, runAllOrder, runOrder, staleResults, type Graph, type RunRecord } from '../../model/run-graph.js';
import { resultStore } from '../../results/result-store.js';
import { LightElement } from '../../styles/light-element.js';
import '../conflict-dialog/conflict-dialog.js';
import '../customer-view/customer-view.js';
import { loadHighlighter } from '../cell-editor/cell-editor.component.js';
import '../notebook-cell/notebook-cell.js';
import type { CellResult, KohortNotebookCell } from '../notebook-cell/notebook-cell.component.js';
import styles from './notebook-view.styles.js';

let notebookCounter = 0;
const noDiagnostics: CellDiagnostic[] = [];
const noResults: CellResult[] = [];
const languageOf = (kind: CellKind) => (kind === 'kohort' ? 'kohort' : kind === 'sql' ? 'sql' : 'markdown');

/**
 * An open notebook: its cells, the language worker that checks it while you type, the runs, and
 * saving with conflict detection. Cells form a graph by the names they use; editing a definition
 * makes the results that read it stale, and "run", "run stale" and "run all" follow the graph.
 */
export class KohortNotebookView extends LightElement {
  static override styles = styles;

  /** Workspace-relative path of the notebook. */
  @property() accessor path = '';
  /** Rows asked of the server per result. */
  @property({ type: Number }) accessor rowLimit = 1_000_000;

  @state() private accessor doc: NotebookDocument | undefined;
  @state() private accessor loadError = '';
  @state() private accessor analysis: Analysis | undefined;
  @state() private accessor monaco: MonacoApi | undefined;
  @state() private accessor saving = false;
  @state() private accessor status = '';
  @state() private accessor statusIsError = false;
  @state() private accessor conflict: { reason: 'save' | 'external'; theirs: string; version: string; open: boolean } | undefined;
  @state() private accessor deletedOnDisk = false;
  @state() private accessor customer: { key: string; from: string } | undefined;
  @state() private accessor collapsed: ReadonlySet<string> = new Set();
  @state() private accessor notes: ReadonlyMap<string, string> = new Map();

  private readonly api = new ContextConsumer(this, { context: apiContext, subscribe: false });
  private client: LanguageClient | undefined;
  private graph: Graph = new Map();
  private models = new Map<string, { model: Monaco.editor.ITextModel; unbind: () => void }>();
  private readonly key = `nb${++notebookCounter}`;
  private diagnosticsMemo: { analysis?: Analysis; doc?: NotebookDocument; value: Map<string, CellDiagnostic[]>; byCell: Map<string, { key: string; list: CellDiagnostic[] }> } = {
    value: new Map(),
    byCell: new Map(),
  };
  private resultsMemo = new Map<string, { key: string; list: CellResult[] }>();
  private runIds = new WeakMap<object, number>();
  private runCounter = 0;
  private markerKeys = new Map<string, string>();
  private keyColumnsMemo: string[] = [];
  /** Every segment of the notebook (the size preview's overlap choices), memoised so cells keep their props. */
  private segmentNamesMemo: string[] = [];
  /** The notebook's text now (cells read it for the SQL panel). */
  private readonly currentText = () => this.doc?.text ?? '';
  private unwatch: (() => void) | undefined;
  private painted = false;
  private saveAgain = false;
  private waiting: { version: number; resolve: (a: Analysis) => void }[] = [];
  private loadToken = 0;

  private readonly runs = new RunController(this, {
    api: () => this.apiClient(),
    path: () => this.path,
    // Arrow and the result views load with the first result, not with the notebook.
    makeResult: async (ipc) => new (await import('../../results/result-set.js')).ResultSet(ipc, resultStore()),
    limit: this.rowLimit,
  });

  private readonly binding: NotebookBinding = {
    document: () => this.doc!,
    client: undefined as unknown as LanguageClient,
    reveal: (cellId, start, end) => void this.revealCell(cellId, start, end),
    modelUri: (cellId) => this.models.get(cellId)?.model.uri.toString(),
  };

  private apiClient(): ApiClient {
    const api = this.api.value;
    if (!api) throw new Error('the notebook view needs an API client (kohort-app provides one)');
    return api;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('keydown', this.onKeydown);
    window.addEventListener('beforeunload', this.onBeforeUnload);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('keydown', this.onKeydown);
    window.removeEventListener('beforeunload', this.onBeforeUnload);
    this.close();
  }

  /** The notebook as edited (for tests and the bench). */
  get document(): NotebookDocument | undefined {
    return this.doc;
  }

  private readonly onKeydown = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 's') {
      e.preventDefault();
      void this.save();
    }
  };

  private readonly onBeforeUnload = (e: BeforeUnloadEvent) => {
    if (this.doc?.dirty) e.preventDefault();
  };

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('path') && this.path) void this.load();
  }

  private close() {
    this.unwatch?.();
    this.unwatch = undefined;
    this.runs.clear();
    this.client?.dispose();
    this.client = undefined;
    this.disposeLater([...this.models.values()]);
    this.models.clear();
  }

  private async load() {
    const token = ++this.loadToken;
    this.close();
    this.doc = undefined;
    this.analysis = undefined;
    this.loadError = '';
    this.painted = false;
    const api = this.apiClient();
    let version: string;
    try {
      const file = await api.readNotebook(this.path);
      if (token !== this.loadToken) return;
      this.open(file.text, file.version);
      version = file.version;
    } catch (e) {
      if (token === this.loadToken) this.loadError = e instanceof Error ? e.message : String(e);
      return;
    }
    api
      .schemas(this.path)
      .then((schemas) => token === this.loadToken && this.client?.setSchemas(schemas))
      .catch((e: unknown) => {
        if (token === this.loadToken) this.setStatus(`columns are not checked: ${e instanceof Error ? e.message : String(e)}`, true);
      });
    this.unwatch = api.watch(this.path, version, {
      changed: (version) => void this.onDiskChange(version),
      deleted: () => (this.deletedOnDisk = true),
    });
  }

  /** Starts editing `text` (a load, or a reload from disk). */
  private open(text: string, version: string) {
    this.disposeLater([...this.models.values()]);
    this.models.clear();
    this.doc = NotebookDocument.fromText(this.path, text, version);
    if (!this.client) {
      this.client = new LanguageClient();
      this.client.onAnalysis((a) => this.onAnalysis(a));
    }
    this.binding.client = this.client;
    this.client.update(this.doc.text);
    if (this.monaco) this.syncModels();
  }

  protected override updated(): void {
    if (this.doc && !this.painted) {
      this.painted = true;
      // The cells are in the DOM; the mark lands after the browser paints them.
      requestAnimationFrame(() =>
        setTimeout(() => {
          performance.mark('kohort:notebook-painted');
          void loadHighlighter();
          void loadMonaco().then((m) => {
            this.monaco = m;
            this.syncModels();
          });
        }, 0),
      );
    }
  }

  /** Creates a Monaco model per cell and drops models of removed cells. */
  private syncModels() {
    const monaco = this.monaco;
    const doc = this.doc;
    if (!monaco || !doc) return;
    const live = new Set(doc.cells.map((c) => c.id));
    const gone = [...this.models].filter(([id]) => !live.has(id));
    for (const [id] of gone) this.models.delete(id);
    this.disposeLater(gone.map(([, entry]) => entry));
    for (const cell of doc.cells) {
      const existing = this.models.get(cell.id);
      if (existing) {
        if (existing.model.getLanguageId() !== languageOf(cell.kind)) monaco.editor.setModelLanguage(existing.model, languageOf(cell.kind));
        continue;
      }
      const uri = monaco.Uri.parse(`kohort-cell://${this.key}/${cell.id}.${cell.kind}`);
      const model = monaco.editor.createModel(cell.body, languageOf(cell.kind), uri);
      this.models.set(cell.id, { model, unbind: bindModel(uri.toString(), cell.id, this.binding) });
    }
    this.applyMarkers();
    this.requestUpdate();
  }

  /** Models go after the next render, once the editors showing them have been disposed. */
  private disposeLater(entries: { model: Monaco.editor.ITextModel; unbind: () => void }[]) {
    if (entries.length === 0) return;
    for (const e of entries) e.unbind();
    // After the render that removes their cells, and after those cells' editors are disposed.
    void this.updateComplete.then(() =>
      setTimeout(() => {
        for (const e of entries) if (!e.model.isDisposed()) e.model.dispose();
      }, 0),
    );
  }

  private onAnalysis(a: Analysis) {
    for (const w of this.waiting.filter((w) => w.version <= a.version)) w.resolve(a);
    this.waiting = this.waiting.filter((w) => w.version > a.version);
    if (!this.client || a.version !== this.client.currentVersion) return;
    this.analysis = a;
    this.graph = graphOf(a.definitions);
    this.applyMarkers();
    performance.mark('kohort:diagnostics', { detail: { version: a.version, millis: a.millis } });
  }

  /** The analysis of the text as it is now. */
  private currentAnalysis(): Promise<Analysis> {
    const client = this.client!;
    const version = client.update(this.doc!.text);
    if (this.analysis?.version === version) return Promise.resolve(this.analysis);
    return new Promise((resolve) => this.waiting.push({ version, resolve }));
  }

  /**
   * Problems by cell id. Arrays are reused while a cell's problems stay the same, so a keystroke
   * re-renders only the cells whose problems changed.
   */
  private cellDiagnostics(): Map<string, CellDiagnostic[]> {
    const doc = this.doc;
    if (!this.analysis || !doc) return new Map();
    if (this.diagnosticsMemo.analysis === this.analysis && this.diagnosticsMemo.doc === doc) return this.diagnosticsMemo.value;
    const byIndex = diagnosticsByCell(this.analysis.diagnostics, doc.layout, doc.cells.map((c) => c.body.length));
    const value = new Map<string, CellDiagnostic[]>();
    for (const [i, list] of byIndex) {
      const id = doc.cells[i]!.id;
      const key = JSON.stringify(list);
      const previous = this.diagnosticsMemo.byCell.get(id);
      value.set(id, previous && previous.key === key ? previous.list : list);
      this.diagnosticsMemo.byCell.set(id, { key, list: value.get(id)! });
    }
    this.diagnosticsMemo = { analysis: this.analysis, doc, value, byCell: this.diagnosticsMemo.byCell };
    return value;
  }

  private applyMarkers() {
    const monaco = this.monaco;
    const doc = this.doc;
    if (!monaco || !doc || !this.analysis) return;
    const byCell = this.cellDiagnostics();
    const severity = { error: monaco.MarkerSeverity.Error, warning: monaco.MarkerSeverity.Warning, info: monaco.MarkerSeverity.Info };
    for (const cell of doc.cells) {
      const entry = this.models.get(cell.id);
      if (!entry) continue;
      const list = byCell.get(cell.id) ?? [];
      // Only models whose problems changed are touched: a keystroke in a 200-cell notebook sets one.
      const key = list.length === 0 ? '' : `${entry.model.getVersionId()}:${JSON.stringify(list)}`;
      if ((this.markerKeys.get(cell.id) ?? '') === key) continue;
      this.markerKeys.set(cell.id, key);
      const model = entry.model;
      const markers = list.map((d) => {
        const start = model.getPositionAt(d.start);
        const end = model.getPositionAt(Math.max(d.end, d.start + 1));
        return { severity: severity[d.severity], message: d.message, code: d.code, source: 'kohort', startLineNumber: start.lineNumber, startColumn: start.column, endLineNumber: end.lineNumber, endColumn: end.column };
      });
      monaco.editor.setModelMarkers(model, 'kohort', markers);
    }
  }

  private setStatus(text: string, error = false) {
    this.status = text;
    this.statusIsError = error;
  }

  private edit(doc: NotebookDocument) {
    this.doc = doc;
    this.client?.update(doc.text);
  }

  private onCellChange(e: CellChangeEvent) {
    if (!this.doc) return;
    const next = this.doc.setBody(e.detail.cellId, e.detail.body);
    if (next !== this.doc) this.edit(next);
  }

  private async onCellCommand(e: CellCommandEvent) {
    const doc = this.doc;
    if (!doc) return;
    const d = e.detail;
    switch (d.command) {
      case 'move':
        this.edit(doc.move(d.cellId, d.delta));
        break;
      case 'delete':
        this.edit(doc.remove(d.cellId));
        this.syncModels();
        break;
      case 'collapse': {
        const next = new Set(this.collapsed);
        if (d.collapsed) next.add(d.cellId);
        else next.delete(d.cellId);
        this.collapsed = next;
        break;
      }
      case 'insert-below': {
        const { doc: next, id } = doc.insert(doc.indexOf(d.cellId) + 1, d.kind, '', d.kind === 'sql' ? this.freshSqlName() : undefined);
        this.edit(next);
        this.syncModels();
        await this.updateComplete;
        void this.cellElement(id)?.focusEditor();
        break;
      }
      case 'set-header':
        this.edit(doc.setHeader(d.cellId, d.kind, d.kind === 'sql' ? d.name || this.freshSqlName() : d.name));
        this.syncModels();
        break;
    }
  }

  private freshSqlName(): string {
    const taken = new Set([...this.graph.keys(), ...(this.doc?.cells.map((c) => c.name ?? '') ?? [])]);
    for (let i = 1; ; i++) if (!taken.has(`sql_${i}`)) return `sql_${i}`;
  }

  private addCell(kind: CellKind) {
    const doc = this.doc;
    if (!doc) return;
    const { doc: next, id } = doc.insert(doc.cells.length, kind, '', kind === 'sql' ? this.freshSqlName() : undefined);
    this.edit(next);
    this.syncModels();
    void this.updateComplete.then(() => this.cellElement(id)?.focusEditor());
  }

  private cellElement(id: string): KohortNotebookCell | null {
    return this.querySelector(`kohort-notebook-cell[data-id="${CSS.escape(id)}"]`);
  }

  private async revealCell(cellId: string, start: number, end: number) {
    const el = this.cellElement(cellId);
    if (!el) return;
    if (this.collapsed.has(cellId)) {
      const next = new Set(this.collapsed);
      next.delete(cellId);
      this.collapsed = next;
      await this.updateComplete;
    }
    await el.focusEditor(start, end);
  }

  // ---- runs ----

  private records(): Map<string, RunRecord> {
    const records = new Map<string, RunRecord>();
    for (const [name, s] of this.runs.states) if (s.result && s.inputs !== undefined) records.set(name, { inputs: s.inputs });
    return records;
  }

  private stale(): Set<string> {
    return this.analysis ? staleResults(this.graph, this.records(), this.analysis.globalInputs) : new Set();
  }

  private jobs(names: readonly string[], analysis: Analysis): RunJob[] {
    const doc = this.doc!;
    const graph = graphOf(analysis.definitions);
    return names.map((name) => ({
      name,
      cellId: doc.cellAt(graph.get(name)!.offset)?.id ?? '',
      text: doc.text,
      inputs: inputsOf(graph, name, analysis.globalInputs),
    }));
  }

  private cellSpan(cellId: string): [number, number] {
    const doc = this.doc!;
    const i = doc.indexOf(cellId);
    return [doc.layout.starts[i]!, doc.layout.starts[i + 1] ?? Number.POSITIVE_INFINITY];
  }

  private async onRun(e: RunEvent) {
    const doc = this.doc;
    if (!doc) return;
    const { cellId, advance } = e.detail;
    if (advance) void this.focusNext(cellId);
    const cell = doc.cell(cellId);
    if (!cell || cell.kind === 'markdown') return;
    const analysis = await this.currentAnalysis();
    const graph = graphOf(analysis.definitions);
    const [from, to] = this.cellSpan(cellId);
    const defs = definitionsInCell(graph, from, to);
    const runnable = defs.filter((d) => resultKinds.has(d.kind) && !d.broken).map((d) => d.name);
    const notes = new Map(this.notes);
    if (runnable.length === 0) {
      const broken = defs.filter((d) => d.broken).map((d) => d.name);
      notes.set(
        cellId,
        broken.length > 0
          ? `Not run: ${broken.join(', ')} ${broken.length === 1 ? 'has' : 'have'} errors.`
          : defs.length > 0
            ? `Nothing to show: this cell defines ${defs.map((d) => `${d.kind} ${d.name}`).join(', ')}. Results that read ${defs.length === 1 ? 'it' : 'them'} run in their own cells.`
            : 'Nothing to run in this cell.',
      );
      this.notes = notes;
      return;
    }
    notes.delete(cellId);
    this.notes = notes;
    this.runs.enqueue(this.jobs(runOrder(graph, runnable), analysis));
  }

  private async runStale() {
    const analysis = await this.currentAnalysis();
    const graph = graphOf(analysis.definitions);
    const stale = staleResults(graph, this.records(), analysis.globalInputs);
    this.runs.enqueue(this.jobs(runOrder(graph, stale), analysis));
  }

  private async runAll() {
    const analysis = await this.currentAnalysis();
    this.runs.enqueue(this.jobs(runAllOrder(graphOf(analysis.definitions)), analysis));
  }

  private async focusNext(cellId: string) {
    const doc = this.doc!;
    const i = doc.indexOf(cellId);
    let next: CellModel | undefined = doc.cells[i + 1];
    if (!next) {
      const inserted = doc.insert(i + 1, 'kohort');
      this.edit(inserted.doc);
      this.syncModels();
      next = inserted.doc.cell(inserted.id);
    }
    await this.updateComplete;
    const el = next ? this.cellElement(next.id) : null;
    if (!el) return;
    if (next!.kind === 'markdown') el.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    else await el.focusEditor();
  }

  // ---- saving and changes on disk ----

  /** Saves; a refused save (the file changed on disk) opens the conflict dialog. */
  async save(): Promise<void> {
    const doc = this.doc;
    if (!doc) return;
    if (this.saving) {
      this.saveAgain = true;
      return;
    }
    this.saving = true;
    const text = doc.text;
    try {
      const { version } = await this.apiClient().saveNotebook(doc.path, text, doc.version);
      this.doc = this.doc!.saved(version, text);
      this.setStatus(`saved ${new Date().toLocaleTimeString()}`);
    } catch (e) {
      if (e instanceof ConflictError) this.conflict = { reason: 'save', theirs: e.current.text, version: e.current.version, open: true };
      else this.setStatus(`not saved: ${e instanceof Error ? e.message : String(e)}`, true);
    } finally {
      this.saving = false;
    }
    if (this.saveAgain) {
      this.saveAgain = false;
      if (this.doc?.dirty) await this.save();
    }
  }

  private async onDiskChange(version: string) {
    const doc = this.doc;
    if (!doc || version === doc.version || this.saving) return;
    try {
      const file = await this.apiClient().readNotebook(this.path);
      if (!this.doc || file.version === this.doc.version) return;
      // The disk holds what we have (our own save seen from the watcher): adopt its version.
      if (file.text === this.doc.text) {
        this.doc = this.doc.saved(file.version, file.text);
        return;
      }
      if (file.text === this.doc.savedText && file.version !== this.doc.version && !this.doc.dirty) {
        this.doc = this.doc.saved(file.version, file.text);
        return;
      }
      this.conflict = { reason: 'external', theirs: file.text, version: file.version, open: true };
    } catch (e) {
      this.setStatus(`could not read the changed file: ${e instanceof Error ? e.message : String(e)}`, true);
    }
  }

  private async onConflictChoice(e: ConflictChoiceEvent) {
    const conflict = this.conflict;
    const doc = this.doc;
    if (!conflict || !doc) return;
    switch (e.detail.choice) {
      case 'later':
        this.conflict = { ...conflict, open: false };
        return;
      case 'reload':
        this.conflict = undefined;
        this.open(conflict.theirs, conflict.version);
        this.setStatus('loaded the version on disk');
        return;
      case 'overwrite': {
        this.conflict = undefined;
        this.saving = true;
        try {
          const text = doc.text;
          const { version } = await this.apiClient().saveNotebook(doc.path, text, conflict.version);
          this.doc = this.doc!.saved(version, text);
          this.setStatus('saved over the version on disk');
        } catch (err) {
          if (err instanceof ConflictError) this.conflict = { reason: 'save', theirs: err.current.text, version: err.current.version, open: true };
          else this.setStatus(`not saved: ${err instanceof Error ? err.message : String(err)}`, true);
        } finally {
          this.saving = false;
        }
      }
    }
  }

  // ---- customers ----

  private customerProfiles(from: string): { profile?: string; dailyProfile?: string } {
    const daily = this.analysis?.dailyProfiles ?? [];
    const profiles = [...this.graph.values()].filter((d) => d.kind === 'profile' && !d.broken && !daily.includes(d.name)).map((d) => d.name);
    const out: { profile?: string; dailyProfile?: string } = {};
    const profile = profiles.includes(from) ? from : profiles[0];
    if (profile) out.profile = profile;
    const dailyProfile = daily.includes(from) ? from : daily.find((d) => !this.graph.get(d)?.broken);
    if (dailyProfile) out.dailyProfile = dailyProfile;
    return out;
  }

  // ---- rendering ----

  private runId(run: object): number {
    let id = this.runIds.get(run);
    if (id === undefined) {
      id = ++this.runCounter;
      this.runIds.set(run, id);
    }
    return id;
  }

  /** Definitions and results by cell id; a cell's array is reused while nothing in it changed. */
  private cellResults(stale: Set<string>): Map<string, CellResult[]> {
    const doc = this.doc!;
    const grouped = new Map<string, CellResult[]>();
    if (!this.analysis) return grouped;
    for (const def of this.graph.values()) {
      const cell = doc.cellAt(def.offset);
      if (!cell) continue;
      const entry: CellResult = { definition: def, stale: stale.has(def.name) };
      const run = this.runs.states.get(def.name);
      if (run) entry.run = run;
      const list = grouped.get(cell.id);
      if (list) list.push(entry);
      else grouped.set(cell.id, [entry]);
    }
    const out = new Map<string, CellResult[]>();
    for (const [id, list] of grouped) {
      const key = list
        .map((r) => `${r.definition.name}:${r.definition.kind}:${r.definition.textHash}:${r.definition.broken ? 1 : 0}:${r.stale ? 1 : 0}:${r.run ? this.runId(r.run) : 0}:${JSON.stringify(r.definition.plot ?? null)}`)
        .join('|');
      const previous = this.resultsMemo.get(id);
      if (previous && previous.key === key) out.set(id, previous.list);
      else {
        this.resultsMemo.set(id, { key, list });
        out.set(id, list);
      }
    }
    return out;
  }

  protected override render() {
    if (this.loadError) {
      return html`<div class="k-banner k-error" role="alert">Cannot open <code>${this.path}</code>: ${this.loadError} <a href="#/">back to notebooks</a></div>`;
    }
    const doc = this.doc;
    if (!doc) return html`<div class="k-loading">Opening ${this.path}…</div>`;
    const stale = this.stale();
    const results = this.cellResults(stale);
    const diagnostics = this.cellDiagnostics();
    const keys = [...new Set(Object.values(this.analysis?.sourceKeys ?? {}))];
    if (keys.join('\u0000') !== this.keyColumnsMemo.join('\u0000')) this.keyColumnsMemo = keys;
    const keyColumns = this.keyColumnsMemo;
    const segments = [...this.graph.values()].filter((d) => d.kind === 'segment').map((d) => d.name);
    if (segments.join('\u0000') !== this.segmentNamesMemo.join('\u0000')) this.segmentNamesMemo = segments;
    const problems = this.analysis?.diagnostics.filter((d) => d.severity === 'error').length ?? 0;
    const busy = this.runs.busy();
    return html`
      <div class="k-toolbar">
        <a href="#/" title="All notebooks">◂ Notebooks</a>
        <h1 title=${doc.path}>${doc.path}${doc.dirty ? html`<span class="k-dirty" title="unsaved changes"> ●</span>` : nothing}</h1>
        <button class="k-primary" ?disabled=${this.saving} title="Save (Ctrl/Cmd+S)" @click=${() => this.save()}>${this.saving ? 'Saving…' : 'Save'}</button>
        <button title="Run every result in dependency order" @click=${() => this.runAll()}>Run all</button>
        <button title="Re-run the results whose inputs changed" ?disabled=${stale.size === 0} @click=${() => this.runStale()}>Run stale${stale.size > 0 ? ` (${stale.size})` : ''}</button>
        ${busy ? html`<button title="Cancel every run" @click=${() => this.runs.cancelAll()}>■ Cancel all</button>` : nothing}
        <span class="k-spacer"></span>
        <span class="k-status ${this.statusIsError ? 'k-error' : ''}" role="status"
          >${[this.status, this.analysis ? (problems === 0 ? 'no errors' : `${problems} ${problems === 1 ? 'error' : 'errors'}`) : ''].filter(Boolean).join(' · ')}</span
        >
      </div>
      ${this.deletedOnDisk ? html`<div class="k-banner k-error" role="alert">This notebook was deleted on disk. Saving writes it again.</div>` : nothing}
      ${this.conflict && !this.conflict.open
        ? html`<div class="k-banner" role="alert">
            The file changed on disk.
            <button @click=${() => (this.conflict = { ...this.conflict!, open: true })}>Resolve…</button>
          </div>`
        : nothing}
      <div
        class="k-cells"
        @kohort-cell-change=${this.onCellChange}
        @kohort-cell-command=${this.onCellCommand}
        @kohort-run=${this.onRun}
        @kohort-cancel=${(e: CancelEvent) => this.runs.cancel(e.detail.cellId)}
        @kohort-save=${() => this.save()}
        @kohort-open-customer=${(e: OpenCustomerEvent) => (this.customer = { key: e.detail.key, from: e.detail.from })}
      >
        ${repeat(
          doc.cells,
          (c) => c.id,
          (cell, i) => html`<kohort-notebook-cell
            data-id=${cell.id}
            .cell=${cell}
            .index=${i}
            .count=${doc.cells.length}
            .monaco=${this.monaco}
            .model=${this.models.get(cell.id)?.model}
            .diagnostics=${diagnostics.get(cell.id) ?? noDiagnostics}
            .results=${results.get(cell.id) ?? noResults}
            ?busy=${this.runs.busy(cell.id)}
            ?collapsed=${this.collapsed.has(cell.id)}
            path=${doc.path}
            .notebookText=${this.currentText}
            sqlKey=${(results.get(cell.id) ?? []).map((r) => r.definition.textHash).join(',') + (this.analysis?.globalInputs ?? '')}
            .keyColumns=${keyColumns}
            .segmentNames=${this.segmentNamesMemo}
            note=${this.notes.get(cell.id) ?? ''}
          ></kohort-notebook-cell>`,
        )}
        <div class="k-add">
          add a cell:
          <button @click=${() => this.addCell('kohort')}>+ kohort</button>
          <button @click=${() => this.addCell('sql')}>+ sql</button>
          <button @click=${() => this.addCell('markdown')}>+ markdown</button>
        </div>
      </div>
      <kohort-conflict-dialog
        ?open=${this.conflict?.open ?? false}
        reason=${this.conflict?.reason ?? 'external'}
        .mine=${doc.text}
        .theirs=${this.conflict?.theirs ?? ''}
        ?dirty=${doc.dirty}
        @kohort-conflict-choice=${this.onConflictChoice}
      ></kohort-conflict-dialog>
      ${this.customer
        ? html`<kohort-customer-view
            open
            key=${this.customer.key}
            from=${this.customer.from}
            path=${doc.path}
            .text=${doc.text}
            .profile=${this.customerProfiles(this.customer.from).profile}
            .dailyProfile=${this.customerProfiles(this.customer.from).dailyProfile}
            @close=${() => (this.customer = undefined)}
          ></kohort-customer-view>`
        : nothing}
    `;
  }
}
