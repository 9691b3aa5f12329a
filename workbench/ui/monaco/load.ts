import type { monaco as Monaco } from './monaco.js';

export type MonacoApi = typeof Monaco;

let loading: Promise<MonacoApi> | undefined;

/**
 * Loads Monaco (a separate chunk, after the notebook's first paint) and registers the kohort
 * language once.
 */
export function loadMonaco(): Promise<MonacoApi> {
  loading ??= Promise.all([import('./monaco.js'), import('./kohort-language.js')]).then(([{ monaco }, { registerKohortLanguage }]) => {
    registerKohortLanguage(monaco);
    return monaco;
  });
  return loading;
}

/** Monaco's editor options shared by every cell; the static preview matches their metrics. */
export const editorMetrics = {
  fontSize: 13,
  lineHeight: 20,
  fontFamily: "'JetBrains Mono', 'DejaVu Sans Mono', 'Menlo', 'Consolas', monospace",
  paddingTop: 6,
  paddingBottom: 6,
} as const;
