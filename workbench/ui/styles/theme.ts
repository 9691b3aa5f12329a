import { css } from 'lit';

/** The workbench's colours and type, as custom properties every component reads. */
export const theme = css`
  :root {
    --k-font: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
    --k-mono: 'JetBrains Mono', 'DejaVu Sans Mono', Menlo, Consolas, monospace;
    --k-fg: #111827;
    --k-muted: #6b7280;
    --k-border: #e5e7eb;
    --k-bg: #ffffff;
    --k-panel: #f9fafb;
    --k-code-bg: #fbfbfd;
    --k-accent: #4f46e5;
    --k-accent-soft: #eef2ff;
    --k-danger: #dc2626;
    --k-warning: #d97706;
    --k-ok: #059669;
    --k-stale: #b45309;
    --k-radius: 6px;
  }
`;

/** Buttons and inputs shared by shadow-DOM components. */
export const controls = css`
  button {
    font: inherit;
    font-size: 12px;
    padding: 3px 8px;
    border: 1px solid var(--k-border);
    border-radius: var(--k-radius);
    background: var(--k-bg);
    color: var(--k-fg);
    cursor: pointer;
  }
  button:hover:not(:disabled) {
    border-color: var(--k-accent);
    color: var(--k-accent);
  }
  button:disabled {
    opacity: 0.5;
    cursor: default;
  }
  button.primary {
    background: var(--k-accent);
    border-color: var(--k-accent);
    color: white;
  }
  button.primary:hover:not(:disabled) {
    color: white;
    filter: brightness(1.1);
  }
  button.danger {
    color: var(--k-danger);
  }
  input,
  select {
    font: inherit;
    font-size: 12px;
    padding: 3px 6px;
    border: 1px solid var(--k-border);
    border-radius: var(--k-radius);
    background: var(--k-bg);
    color: var(--k-fg);
  }
  input:focus,
  select:focus {
    outline: 2px solid var(--k-accent-soft);
    border-color: var(--k-accent);
  }
`;
