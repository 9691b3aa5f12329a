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
    .delivered .status {
      color: var(--k-ok);
    }
    .pending .status {
      color: var(--k-warning);
    }
    .failing .status,
    .err,
    .error,
    .badge {
      color: var(--k-danger);
    }
    .hint {
      color: var(--k-muted);
    }
  `,
];
