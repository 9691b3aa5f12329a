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

/** A panel under the notebook (schedules, deliveries): as wide as the cells, with a plain table. */
export const panelBelowNotebook = css`
  :host {
    display: block;
    font-family: var(--k-font);
    font-size: 12px;
    color: var(--k-fg);
    /* Under the notebook, as wide as its cells. */
    max-width: 1180px;
    margin: 16px auto;
    padding: 0 16px;
  }
  summary {
    cursor: pointer;
    font-weight: 600;
  }
  table {
    border-collapse: collapse;
    width: 100%;
    margin-top: 6px;
  }
  th,
  td {
    text-align: left;
    padding: 3px 8px;
    border-bottom: 1px solid var(--k-border);
  }
  th {
    color: var(--k-muted);
    font-weight: 500;
  }
  .num {
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
  .mono {
    font-family: var(--k-mono);
  }
`;
