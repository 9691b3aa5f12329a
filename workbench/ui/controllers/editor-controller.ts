import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { editorMetrics, type MonacoApi } from '../monaco/load.js';
import type { monaco as Monaco } from '../monaco/monaco.js';

let overflowNode: HTMLElement | undefined;
/** One place outside every cell for Monaco's suggestions, hovers and peeks. */
function overflowWidgets(): HTMLElement {
  if (!overflowNode || !overflowNode.isConnected) {
    overflowNode = document.createElement('div');
    overflowNode.className = 'monaco-editor k-overflow-widgets';
    overflowNode.style.cssText = 'position: absolute; top: 0; left: 0; width: 0; height: 0; z-index: 100; background: none;';
    document.body.append(overflowNode);
  }
  return overflowNode;
}

/** What the editor reports to the cell it sits in. */
export interface EditorCallbacks {
  /** The model's text changed (synchronously, on every edit). */
  change(body: string): void;
  /** Shift+Enter (`advance`) or Ctrl/Cmd+Enter. */
  run(advance: boolean): void;
  /** Ctrl/Cmd+S. */
  save(): void;
}

/**
 * Monaco's lifecycle in a cell: creates the editor on a model the notebook owns, grows it with
 * its content (cells never scroll inside), binds the notebook keys, and disposes the editor (not
 * the model) when the cell leaves the page.
 */
export class EditorController implements ReactiveController {
  editor?: Monaco.editor.IStandaloneCodeEditor;
  private disposables: Monaco.IDisposable[] = [];

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly callbacks: EditorCallbacks,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.dispose();
  }

  /** Creates the editor in `container` on `model`; a no-op when one exists. */
  mount(monaco: MonacoApi, container: HTMLElement, model: Monaco.editor.ITextModel, options: { readOnly?: boolean } = {}): Monaco.editor.IStandaloneCodeEditor {
    if (this.editor) return this.editor;
    const editor = monaco.editor.create(container, {
      model,
      theme: 'kohort',
      readOnly: options.readOnly ?? false,
      automaticLayout: true,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      // Cells grow with their text and wrap long lines, so an editor never scrolls itself; without
      // scrollbars it also adds no compositor layers (their sliders are layers, per editor).
      scrollbar: { vertical: 'hidden', horizontal: 'hidden', alwaysConsumeMouseWheel: false, handleMouseWheel: false, useShadows: false },
      overviewRulerLanes: 0,
      hideCursorInOverviewRuler: true,
      lineNumbers: 'on',
      lineNumbersMinChars: 3,
      glyphMargin: false,
      folding: false,
      renderLineHighlight: 'line',
      renderLineHighlightOnlyWhenFocus: true,
      fontSize: editorMetrics.fontSize,
      lineHeight: editorMetrics.lineHeight,
      fontFamily: editorMetrics.fontFamily,
      padding: { top: editorMetrics.paddingTop, bottom: editorMetrics.paddingBottom },
      wordWrap: 'on',
      wrappingIndent: 'indent',
      quickSuggestions: { other: true, comments: false, strings: false },
      quickSuggestionsDelay: 0,
      // Our completion knows every name in scope; Monaco's word list would be a second, slower
      // round trip (through its editor worker) for less.
      wordBasedSuggestions: 'off',
      suggestOnTriggerCharacters: true,
      // Cells are contained (content-visibility), which would clip widgets drawn inside them.
      fixedOverflowWidgets: true,
      overflowWidgetsDomNode: overflowWidgets(),
      tabSize: 2,
      stickyScroll: { enabled: false },
      // Each editor's translate3d layers make the compositor's work grow with the cell count.
      disableLayerHinting: true,
      contextmenu: true,
      'semanticHighlighting.enabled': false,
    });
    this.editor = editor;
    const grow = () => {
      const height = Math.max(editorMetrics.lineHeight + editorMetrics.paddingTop + editorMetrics.paddingBottom, editor.getContentHeight());
      if (container.style.height !== `${height}px`) {
        container.style.height = `${height}px`;
        editor.layout();
      }
    };
    this.disposables.push(
      editor.onDidContentSizeChange(grow),
      editor.onDidChangeModelContent(() => this.callbacks.change(editor.getValue())),
    );
    const { KeyMod, KeyCode } = monaco;
    editor.addAction({ id: 'kohort.run-advance', label: 'Run cell and go to the next', keybindings: [KeyMod.Shift | KeyCode.Enter], run: () => this.callbacks.run(true) });
    editor.addAction({ id: 'kohort.run', label: 'Run cell', keybindings: [KeyMod.CtrlCmd | KeyCode.Enter], run: () => this.callbacks.run(false) });
    editor.addAction({ id: 'kohort.save', label: 'Save notebook', keybindings: [KeyMod.CtrlCmd | KeyCode.KeyS], run: () => this.callbacks.save() });
    grow();
    return editor;
  }

  /** Focuses the editor and selects `[start, end)` of its text (offsets), scrolling it into view. */
  select(start: number, end: number): void {
    const editor = this.editor;
    const model = editor?.getModel();
    if (!editor || !model) return;
    const from = model.getPositionAt(start);
    const to = model.getPositionAt(end);
    editor.setSelection({ startLineNumber: from.lineNumber, startColumn: from.column, endLineNumber: to.lineNumber, endColumn: to.column });
    editor.revealPositionInCenterIfOutsideViewport(from);
    editor.focus();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.disposables = [];
    this.editor?.dispose();
    delete this.editor;
  }
}
