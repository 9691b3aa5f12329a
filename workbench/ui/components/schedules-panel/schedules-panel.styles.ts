import { css } from 'lit';
import { controls, panelBelowNotebook } from '../../styles/theme.js';

export default [
  controls,
  panelBelowNotebook,
  css`
    h3 {
      font-size: 12px;
      margin: 14px 0 4px;
    }
    th,
    td {
      vertical-align: top;
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
