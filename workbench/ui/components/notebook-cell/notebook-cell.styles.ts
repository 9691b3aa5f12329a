import { css } from 'lit';

export default css`
  kohort-notebook-cell {
    display: block;
    margin: 0 0 10px;
    /* Cells off screen are neither laid out nor painted: a 200-cell notebook costs what is visible. */
    content-visibility: auto;
    contain-intrinsic-size: auto 180px;
  }
  kohort-notebook-cell .k-cell {
    border: 1px solid var(--k-border);
    border-left: 3px solid var(--k-border);
    border-radius: var(--k-radius);
    background: var(--k-bg);
  }
  kohort-notebook-cell .k-cell:focus-within {
    border-left-color: var(--k-accent);
    box-shadow: 0 1px 6px rgb(79 70 229 / 0.08);
  }
  kohort-notebook-cell .k-cell.k-stale {
    border-left-color: var(--k-stale);
  }
  kohort-notebook-cell .k-cell.k-busy {
    border-left-color: var(--k-accent);
  }
  kohort-notebook-cell .k-cell.k-kind-markdown {
    border-color: transparent;
    background: transparent;
  }
  kohort-notebook-cell .k-cell.k-kind-markdown:hover,
  kohort-notebook-cell .k-cell.k-kind-markdown:focus-within {
    border-color: var(--k-border);
  }
  kohort-notebook-cell .k-bar {
    display: flex;
    align-items: center;
    gap: 6px;
    padding: 3px 6px;
    font-family: var(--k-font);
    font-size: 12px;
    color: var(--k-muted);
    min-height: 26px;
  }
  kohort-notebook-cell .k-cell.k-kind-markdown .k-bar {
    visibility: hidden;
  }
  kohort-notebook-cell .k-cell.k-kind-markdown:hover .k-bar,
  kohort-notebook-cell .k-cell.k-kind-markdown:focus-within .k-bar {
    visibility: visible;
  }
  kohort-notebook-cell .k-bar .k-spacer {
    flex: 1 0 0;
  }
  kohort-notebook-cell .k-bar button,
  kohort-notebook-cell .k-bar select,
  kohort-notebook-cell .k-bar input {
    font: inherit;
    font-size: 12px;
    padding: 1px 7px;
    border: 1px solid var(--k-border);
    border-radius: var(--k-radius);
    background: var(--k-bg);
    color: var(--k-fg);
  }
  kohort-notebook-cell .k-bar button {
    cursor: pointer;
  }
  kohort-notebook-cell .k-bar button:hover:not(:disabled) {
    border-color: var(--k-accent);
    color: var(--k-accent);
  }
  kohort-notebook-cell .k-bar button:disabled {
    opacity: 0.4;
    cursor: default;
  }
  kohort-notebook-cell .k-bar button.k-run {
    color: var(--k-ok);
    font-weight: 600;
  }
  kohort-notebook-cell .k-bar button.k-cancel {
    color: var(--k-danger);
    font-weight: 600;
  }
  kohort-notebook-cell .k-bar button.k-danger {
    color: var(--k-danger);
  }
  kohort-notebook-cell .k-bar button[aria-pressed='true'] {
    background: var(--k-accent-soft);
    color: var(--k-accent);
  }
  kohort-notebook-cell .k-defs {
    display: inline-flex;
    gap: 4px;
    flex-wrap: wrap;
    overflow: hidden;
    height: 18px;
    line-height: 18px;
    flex: 1 1 auto;
    min-width: 0;
  }
  kohort-notebook-cell .k-bar > button,
  kohort-notebook-cell .k-bar > select {
    flex-shrink: 0;
    white-space: nowrap;
  }
  kohort-notebook-cell .k-def {
    font-family: var(--k-mono);
    font-size: 11px;
    padding: 0 5px;
    border-radius: 4px;
    background: var(--k-panel);
    color: var(--k-fg);
  }
  kohort-notebook-cell .k-def.k-broken {
    color: var(--k-danger);
    text-decoration: underline wavy;
  }
  kohort-notebook-cell .k-badge-stale {
    color: var(--k-stale);
    font-weight: 600;
  }
  kohort-notebook-cell .k-badge-busy {
    color: var(--k-accent);
  }
  kohort-notebook-cell .k-collapsed {
    padding: 4px 12px 6px;
    font-family: var(--k-mono);
    font-size: 12px;
    color: var(--k-muted);
    cursor: pointer;
  }
  kohort-notebook-cell .k-problems {
    margin: 0;
    padding: 4px 10px 6px 12px;
    list-style: none;
    font-family: var(--k-mono);
    font-size: 12px;
  }
  kohort-notebook-cell .k-problems li.error {
    color: var(--k-danger);
  }
  kohort-notebook-cell .k-problems li.warning {
    color: var(--k-warning);
  }
  kohort-notebook-cell .k-problems li.info {
    color: var(--k-muted);
  }
  kohort-notebook-cell .k-problems li {
    cursor: pointer;
  }
  kohort-notebook-cell .k-sql {
    margin: 0 10px 8px;
    font-family: var(--k-mono);
    font-size: 12px;
  }
  kohort-notebook-cell .k-sql pre {
    margin: 4px 0 8px;
    padding: 8px 10px;
    background: #0f172a;
    color: #e2e8f0;
    border-radius: var(--k-radius);
    overflow: auto;
    max-height: 360px;
  }
  kohort-notebook-cell .k-sql .k-sql-name {
    color: var(--k-muted);
  }
  kohort-notebook-cell .k-results {
    padding: 6px 10px 10px;
    border-top: 1px solid var(--k-border);
  }
  kohort-notebook-cell .k-result-tabs {
    display: flex;
    gap: 4px;
    flex-wrap: wrap;
    margin-bottom: 4px;
  }
  kohort-notebook-cell .k-result-tabs button {
    font-family: var(--k-mono);
    font-size: 11px;
    padding: 1px 8px;
    border: 1px solid var(--k-border);
    border-radius: 10px;
    background: var(--k-bg);
    cursor: pointer;
    color: var(--k-fg);
  }
  kohort-notebook-cell .k-result-tabs button[aria-selected='true'] {
    background: var(--k-accent-soft);
    border-color: var(--k-accent);
    color: var(--k-accent);
  }
  kohort-notebook-cell .k-result-tabs button.k-stale-tab::after {
    content: ' •';
    color: var(--k-stale);
  }
  kohort-notebook-cell .k-result-tabs button.k-error-tab {
    color: var(--k-danger);
  }
  kohort-notebook-cell .k-note {
    padding: 4px 12px 6px;
    color: var(--k-muted);
    font-family: var(--k-font);
    font-size: 12px;
  }
`;
