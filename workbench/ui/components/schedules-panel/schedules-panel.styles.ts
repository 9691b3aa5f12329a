import { css } from 'lit';
import { controls } from '../../styles/theme.js';

export default [
  controls,
  css`
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
    h3 {
      font-size: 12px;
      margin: 14px 0 4px;
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
      vertical-align: top;
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
    tr.run {
      cursor: pointer;
    }
    tr.run:hover,
    tr.run.selected {
      background: var(--k-accent-soft);
    }
    .succeeded .status,
    .status.succeeded,
    .joined {
      color: var(--k-ok);
    }
    .running .status,
    .status.running,
    .pending .status {
      color: var(--k-warning);
    }
    .failed .status,
    .status.failed,
    .error,
    .left,
    .badge.failed {
      color: var(--k-danger);
    }
    .badge.busy {
      color: var(--k-warning);
    }
    td .error {
      display: block;
    }
    pre.error {
      white-space: pre-wrap;
      font-family: var(--k-mono);
      background: var(--k-code-bg);
      border: 1px solid var(--k-border);
      border-radius: var(--k-radius);
      padding: 6px 8px;
    }
    .muted,
    .hint,
    .note {
      color: var(--k-muted);
    }
    select {
      font: inherit;
    }
  `,
];
