import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { HighlightToken } from '../../../../dsl/index.js';
import { EditorController } from '../../controllers/editor-controller.js';
import { emit } from '../../events/emit.js';
import type { MonacoApi } from '../../monaco/load.js';
import type { monaco as Monaco } from '../../monaco/monaco.js';
import { LightElement } from '../../styles/light-element.js';
import styles from './cell-editor.styles.js';

/**
 * The DSL's highlighter. Building the lexer takes a while, so it loads after the notebook's first
 * paint (`loadHighlighter`, called by the notebook): until then the static preview is plain text.
 */
let highlight: ((line: string) => HighlightToken[]) | undefined;
let highlighterReady: Promise<void> | undefined;
const waiting = new Set<KohortCellEditor>();

export function loadHighlighter(): Promise<void> {
  // Destructured, so the bundle brings only the lexer: the page never needs the parser.
  highlighterReady ??= import('../../../../dsl/index.js').then(({ highlightTokens }) => {
    highlight = highlightTokens;
    for (const editor of waiting) editor.requestUpdate();
    waiting.clear();
  });
  return highlighterReady;
}

/** Cells mount Monaco only near the viewport: a 200-cell notebook paints at once and scrolls freely. */
const nearViewport = new Set<KohortCellEditor>();
let observer: IntersectionObserver | undefined;
function observe(el: KohortCellEditor) {
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const e of entries) {
        const editor = e.target as KohortCellEditor;
        if (e.isIntersecting) {
          nearViewport.add(editor);
          editor.near = true;
        } else nearViewport.delete(editor);
      }
    },
    { rootMargin: '400px 0px' },
  );
  observer.observe(el);
}

/**
 * A cell's code: highlighted text at first paint, then a Monaco editor on the cell's model once
 * Monaco has loaded and the cell is near the viewport.
 */
export class KohortCellEditor extends LightElement {
  static override styles = styles;

  /** The cell this editor belongs to. */
  @property({ attribute: 'cell-id' }) accessor cellId = '';
  /** The text shown until Monaco takes over. */
  @property() accessor body = '';
  /** `kohort` cells are highlighted with the DSL's own lexer; others show plain. */
  @property() accessor language: 'kohort' | 'sql' | 'markdown' = 'kohort';
  /** The loaded Monaco API, once available. */
  @property({ attribute: false }) accessor monaco: MonacoApi | undefined;
  /** The cell's Monaco model, owned by the notebook. */
  @property({ attribute: false }) accessor model: Monaco.editor.ITextModel | undefined;
  /** Set by the viewport observer; the editor mounts once true. */
  @property({ type: Boolean, attribute: false }) accessor near = false;

  @state() private accessor mounted = false;

  private readonly editorController = new EditorController(this, {
    change: (body) => emit(this, 'kohort-cell-change', { cellId: this.cellId, body }),
    run: (advance) => emit(this, 'kohort-run', { cellId: this.cellId, advance }),
    save: () => emit(this, 'kohort-save', {}),
  });

  override connectedCallback(): void {
    super.connectedCallback();
    observe(this);
    if (!highlight) waiting.add(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    observer?.unobserve(this);
    nearViewport.delete(this);
    waiting.delete(this);
    this.mounted = false;
  }

  /** The Monaco editor, when mounted. */
  get editor(): Monaco.editor.IStandaloneCodeEditor | undefined {
    return this.editorController.editor;
  }

  /** Mounts now (if Monaco is loaded), focuses, and selects `[start, end)` of the body. */
  async reveal(start = 0, end = start): Promise<void> {
    this.near = true;
    await this.updateComplete;
    this.scrollIntoView({ block: 'center' });
    this.editorController.select(start, end);
  }

  /** Focuses the editor (mounting it if needed), cursor at the end. */
  async focusEditor(): Promise<void> {
    const length = this.model?.getValueLength() ?? this.body.length;
    await this.reveal(length, length);
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!this.mounted && this.near && this.monaco && this.model) {
      const container = this.querySelector<HTMLElement>('.k-monaco');
      if (container) {
        this.editorController.mount(this.monaco, container, this.model);
        this.mounted = true;
      }
    }
    if (changed.has('model') && this.mounted && this.editor && this.model && this.editor.getModel() !== this.model) {
      this.editor.setModel(this.model);
    }
  }

  private staticCode() {
    const lines = this.body.split('\n');
    return html`<pre class="k-static" @click=${() => void this.focusEditor()}>${lines.map(
      (line) => html`<span class="k-line">${this.language === 'kohort' && highlight ? highlighted(line, highlight) : line}</span>`,
    )}</pre>`;
  }

  protected override render() {
    return html`${this.mounted ? nothing : this.staticCode()}<div class="k-monaco"></div>`;
  }
}

function highlighted(line: string, tokens: (line: string) => HighlightToken[]) {
  const parts = [];
  let at = 0;
  for (const t of tokens(line)) {
    if (t.start > at) parts.push(line.slice(at, t.start));
    parts.push(html`<span class="t-${t.kind}">${line.slice(t.start, t.start + t.length)}</span>`);
    at = t.start + t.length;
  }
  if (at < line.length) parts.push(line.slice(at));
  return parts;
}
