import type { LanguageClient } from '../language/language-client.js';
import type { NotebookDocument } from '../model/notebook-document.js';

/**
 * The kohort language in Monaco. Every cell is its own model; the language service works on the
 * whole notebook, so each model is bound to its notebook and cell, and positions are mapped
 * through the cell's offset in the notebook text.
 */
export interface NotebookBinding {
  document(): NotebookDocument;
  client: LanguageClient;
  /** Shows a cell's editor and selects `[start, end)` of its body (go to definition). */
  reveal(cellId: string, start: number, end: number): void;
  /** The model URI of a cell, for locations in other cells. */
  modelUri(cellId: string): string | undefined;
}

export const bindings = new Map<string, { cellId: string; notebook: NotebookBinding }>();

/** Ties a cell's model to its notebook; returns the function that unties it. */
export function bindModel(uri: string, cellId: string, notebook: NotebookBinding): () => void {
  bindings.set(uri, { cellId, notebook });
  return () => {
    if (bindings.get(uri)?.notebook === notebook) bindings.delete(uri);
  };
}

