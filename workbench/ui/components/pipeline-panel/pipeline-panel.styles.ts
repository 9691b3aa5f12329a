import { css } from 'lit';
import { controls } from '../../styles/theme.js';

export default [
  controls,
  css`
    :host {
      display: block;
      font-family: var(--k-font);
      color: var(--k-fg);
      font-size: 12px;
    }
    section {
      max-width: 1100px;
      margin: 8px auto;
      padding: 8px 12px;
      border: 1px solid var(--k-border);
      border-radius: var(--k-radius);
      background: var(--k-panel);
    }
    header {
      display: flex;
      align-items: baseline;
      gap: 12px;
      flex-wrap: wrap;
    }
    h2 {
      font-size: 13px;
      margin: 0 0 4px;
    }
    .lake {
      color: var(--k-muted);
    }
    .lake.down .problem,
    .error {
      color: var(--k-danger);
    }
    .pipeline {
      padding: 6px 0;
      border-top: 1px solid var(--k-border);
    }
    .pipeline:first-of-type {
      border-top: none;
    }
    .head {
      display: flex;
      align-items: center;
      gap: 8px;
      flex-wrap: wrap;
    }
    .head a {
      color: var(--k-muted);
    }
    .summary {
      font-variant-numeric: tabular-nums;
      flex: 1;
    }
    .badge {
      display: inline-block;
      min-width: 58px;
      text-align: center;
      padding: 1px 6px;
      border-radius: 999px;
      font-size: 11px;
      font-weight: 600;
      color: white;
      background: var(--k-muted);
    }
    .badge.running {
      background: var(--k-ok);
    }
    .badge.starting {
      background: var(--k-accent);
    }
    .badge.retrying {
      background: var(--k-warning);
    }
    .badge.failed {
      background: var(--k-danger);
    }
    .reason {
      margin: 4px 0 0;
      padding: 4px 8px;
      border-radius: var(--k-radius);
      white-space: pre-wrap;
      font-family: var(--k-mono);
      font-size: 11px;
    }
    .retrying .reason {
      background: #fffbeb;
      color: #92400e;
    }
    .failed .reason {
      background: #fef2f2;
      color: #991b1b;
    }
    .reason .why {
      font-weight: 600;
    }
    .route,
    .dead,
    .note {
      color: var(--k-muted);
      margin-top: 2px;
    }
    table {
      border-collapse: collapse;
      margin-top: 6px;
      width: 100%;
      font-variant-numeric: tabular-nums;
    }
    th,
    td {
      text-align: left;
      padding: 2px 8px;
      border-bottom: 1px solid var(--k-border);
      white-space: nowrap;
    }
    th {
      color: var(--k-muted);
      font-weight: 500;
    }
    .n {
      text-align: right;
    }
    td.behind {
      color: var(--k-warning);
      font-weight: 600;
    }
  `,
];
