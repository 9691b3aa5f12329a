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
    }
    .meta {
      display: flex;
      gap: 10px;
      align-items: center;
      color: var(--k-muted);
      padding: 2px 0 4px;
      flex-wrap: wrap;
    }
    .meta .stale {
      color: var(--k-stale);
      font-weight: 600;
    }
    .tabs {
      display: inline-flex;
      border: 1px solid var(--k-border);
      border-radius: var(--k-radius);
      overflow: hidden;
    }
    .tabs button {
      border: 0;
      border-radius: 0;
    }
    .tabs button[aria-selected='true'] {
      background: var(--k-accent-soft);
      color: var(--k-accent);
    }
    .error {
      color: var(--k-danger);
      white-space: pre-wrap;
      font-family: var(--k-mono);
      padding: 6px 8px;
      background: #fef2f2;
      border-radius: var(--k-radius);
    }
    .summary {
      display: flex;
      gap: 24px;
      align-items: baseline;
      padding: 8px 10px;
      margin: 4px 0 8px;
      background: var(--k-panel);
      border: 1px solid var(--k-border);
      border-radius: var(--k-radius);
      flex-wrap: wrap;
    }
    .summary .figure {
      font-size: 20px;
      font-weight: 600;
      font-variant-numeric: tabular-nums;
    }
    .summary .label {
      color: var(--k-muted);
      margin-left: 4px;
    }
    .summary .members {
      color: var(--k-muted);
      flex-basis: 100%;
    }
    .summary .members button {
      font-family: var(--k-mono);
      margin: 0 2px;
    }
    .share {
      display: inline-block;
      width: 120px;
      height: 8px;
      background: var(--k-border);
      border-radius: 4px;
      overflow: hidden;
      vertical-align: middle;
      margin-left: 6px;
    }
    .share > span {
      display: block;
      height: 100%;
      background: var(--k-accent);
    }
    .hint {
      color: var(--k-muted);
      padding: 2px 0 6px;
    }
  `,
];
