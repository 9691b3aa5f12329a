import { css } from 'lit';
import { controls } from '../../styles/theme.js';

export default [
  controls,
  css`
    :host {
      font-family: var(--k-font);
      font-size: 13px;
      color: var(--k-fg);
    }
    dialog {
      width: min(1000px, 92vw);
      max-height: 88vh;
      border: 1px solid var(--k-border);
      border-radius: 10px;
      padding: 0;
      box-shadow: 0 20px 50px rgb(0 0 0 / 0.25);
    }
    dialog::backdrop {
      background: rgb(17 24 39 / 0.35);
    }
    header {
      display: flex;
      align-items: center;
      gap: 12px;
      padding: 12px 16px;
      border-bottom: 1px solid var(--k-border);
      position: sticky;
      top: 0;
      background: var(--k-bg);
      z-index: 1;
    }
    header h2 {
      margin: 0;
      font-size: 16px;
    }
    header .from {
      color: var(--k-muted);
    }
    header .spacer {
      flex: 1;
    }
    .body {
      padding: 12px 16px 16px;
    }
    h3 {
      font-size: 13px;
      margin: 16px 0 6px;
      color: var(--k-muted);
      text-transform: uppercase;
      letter-spacing: 0.04em;
    }
    .metrics {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(180px, 1fr));
      gap: 8px;
    }
    .metric {
      border: 1px solid var(--k-border);
      border-radius: var(--k-radius);
      padding: 6px 10px;
      background: var(--k-panel);
    }
    .metric .name {
      color: var(--k-muted);
      font-size: 11px;
    }
    .metric .value {
      font-size: 15px;
      font-weight: 600;
      font-variant-numeric: tabular-nums;
      overflow-wrap: anywhere;
    }
    table {
      border-collapse: collapse;
      width: 100%;
      font-size: 12px;
    }
    th,
    td {
      text-align: left;
      padding: 3px 8px;
      border-bottom: 1px solid #f3f4f6;
      white-space: nowrap;
    }
    th {
      background: var(--k-panel);
      position: sticky;
      top: 0;
    }
    .events {
      max-height: 300px;
      overflow: auto;
      border: 1px solid var(--k-border);
      border-radius: var(--k-radius);
    }
    .null {
      color: #c0c4cc;
      font-style: italic;
    }
    .error {
      color: var(--k-danger);
    }
    .muted {
      color: var(--k-muted);
    }
  `,
];
