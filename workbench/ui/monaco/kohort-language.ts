import { highlightTokens } from '../../../dsl/index.js';
import { completionKindName, completionSortText, tokenScopes, toLocal } from '../language/cell-mapping.js';
import { bindings } from './bindings.js';
import type { monaco as Monaco } from './monaco.js';

type MonacoApi = typeof Monaco;

/** Where a model's positions sit in the notebook text, made current first. */
function locate(model: Monaco.editor.ITextModel) {
  const bound = bindings.get(model.uri.toString());
  if (!bound) return undefined;
  const doc = bound.notebook.document();
  const base = doc.offsetOf(bound.cellId);
  if (base < 0) return undefined;
  bound.notebook.client.update(doc.text);
  return { ...bound, doc, base };
}

let registered = false;

/** Registers the language, its colours and its providers once per page. */
export function registerKohortLanguage(monaco: MonacoApi): void {
  if (registered) return;
  registered = true;
  monaco.languages.register({ id: 'kohort', extensions: ['.kohort'], aliases: ['kohort'] });
  monaco.languages.setLanguageConfiguration('kohort', {
    comments: { lineComment: '--' },
    brackets: [['(', ')']],
    autoClosingPairs: [
      { open: '(', close: ')' },
      { open: '"', close: '"', notIn: ['string'] },
      { open: "'", close: "'", notIn: ['string'] },
      { open: '`', close: '`', notIn: ['string'] },
    ],
    surroundingPairs: [
      { open: '(', close: ')' },
      { open: '"', close: '"' },
    ],
    wordPattern: /[A-Za-z_][A-Za-z0-9_]*|-?\d+(\.\d+)?/,
  });

  // Highlighting: the parser's own lexer, line by line (no kohort token spans lines).
  const state: Monaco.languages.IState = { clone: () => state, equals: () => true };
  monaco.languages.setTokensProvider('kohort', {
    getInitialState: () => state,
    tokenize(line) {
      const tokens: Monaco.languages.IToken[] = [];
      let at = 0;
      for (const t of highlightTokens(line)) {
        if (t.start > at) tokens.push({ startIndex: at, scopes: '' });
        tokens.push({ startIndex: t.start, scopes: tokenScopes[t.kind] });
        at = t.start + t.length;
      }
      if (at < line.length) tokens.push({ startIndex: at, scopes: '' });
      return { tokens, endState: state };
    },
  });

  monaco.editor.defineTheme('kohort', {
    base: 'vs',
    inherit: true,
    rules: [
      { token: 'keyword', foreground: '7c3aed', fontStyle: 'bold' },
      { token: 'identifier', foreground: '1f2937' },
      { token: 'string', foreground: 'b45309' },
      { token: 'number', foreground: '047857' },
      { token: 'comment', foreground: '6b7280', fontStyle: 'italic' },
      { token: 'operator', foreground: 'be185d' },
      { token: 'delimiter', foreground: '374151' },
      { token: 'predefined', foreground: '2563eb' },
      { token: 'invalid', foreground: 'dc2626', fontStyle: 'underline' },
    ],
    colors: { 'editor.background': '#fbfbfd', 'editor.lineHighlightBackground': '#f3f4f680' },
  });

  const provideCompletion = async (model: Monaco.editor.ITextModel, position: Monaco.Position): Promise<Monaco.languages.CompletionList> => {
    const at = locate(model);
    if (!at) return { suggestions: [] };
    const offset = at.base + model.getOffsetAt(position);
    const t0 = performance.now();
    const result = await at.notebook.client.complete(offset);
    performance.measure('kohort:complete', { start: t0, end: performance.now() });
    const local = toLocal(result.from, result.to, at.base, model.getValueLength());
    const range = monaco.Range.fromPositions(model.getPositionAt(local.start), model.getPositionAt(local.end));
    return {
      suggestions: result.items.map((item) => ({
        label: item.label,
        kind: monaco.languages.CompletionItemKind[completionKindName(item.kind)],
        ...(item.detail ? { detail: item.detail } : {}),
        ...(item.documentation ? { documentation: { value: item.documentation } } : {}),
        insertText: item.insertText ?? item.label,
        sortText: completionSortText(item.kind, item.label),
        range,
      })),
    };
  };
  for (const language of ['kohort', 'sql']) {
    monaco.languages.registerCompletionItemProvider(language, {
      triggerCharacters: ['(', ',', '.'],
      provideCompletionItems: (model, position) => provideCompletion(model, position),
    });
    monaco.languages.registerHoverProvider(language, {
      async provideHover(model, position) {
        const at = locate(model);
        if (!at) return undefined;
        const found = await at.notebook.client.hover(at.base + model.getOffsetAt(position));
        if (!found) return undefined;
        const local = toLocal(found.from, found.to, at.base, model.getValueLength());
        return {
          range: monaco.Range.fromPositions(model.getPositionAt(local.start), model.getPositionAt(local.end)),
          contents: [{ value: found.markdown }],
        };
      },
    });
    monaco.languages.registerDefinitionProvider(language, {
      async provideDefinition(model, position) {
        const at = locate(model);
        if (!at) return undefined;
        const found = await at.notebook.client.definition(at.base + model.getOffsetAt(position));
        if (!found) return undefined;
        const target = at.doc.cellAt(found.from);
        if (!target) return undefined;
        const uri = at.notebook.modelUri(target.id);
        const targetModel = uri ? monaco.editor.getModel(monaco.Uri.parse(uri)) : null;
        if (!targetModel) return undefined;
        const base = at.doc.offsetOf(target.id);
        const local = toLocal(found.from, found.to, base, targetModel.getValueLength());
        return { uri: targetModel.uri, range: monaco.Range.fromPositions(targetModel.getPositionAt(local.start), targetModel.getPositionAt(local.end)) };
      },
    });
  }

  // A definition in another cell: scroll to that cell's editor instead of opening a new one.
  monaco.editor.registerEditorOpener({
    openCodeEditor(_source, resource, selectionOrPosition) {
      const bound = bindings.get(resource.toString());
      const model = monaco.editor.getModel(resource);
      if (!bound || !model) return false;
      let start = 0;
      let end = 0;
      if (selectionOrPosition && 'startLineNumber' in selectionOrPosition) {
        start = model.getOffsetAt({ lineNumber: selectionOrPosition.startLineNumber, column: selectionOrPosition.startColumn });
        end = model.getOffsetAt({ lineNumber: selectionOrPosition.endLineNumber, column: selectionOrPosition.endColumn });
      } else if (selectionOrPosition) {
        start = end = model.getOffsetAt(selectionOrPosition);
      }
      bound.notebook.reveal(bound.cellId, start, end);
      return true;
    },
  });
}
