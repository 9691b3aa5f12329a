import { css } from 'lit';
import { controls } from '../../styles/theme.js';

export default [
  controls,
  css`
    :host {
      display: block;
      font-family: var(--k-font);
      font-size: 12px;
      color: var(--k-muted);
    }
    .preview {
      display: flex;
      flex-wrap: wrap;
      gap: 12px;
      align-items: center;
      padding: 4px 8px;
      border-top: 1px dashed var(--k-border);
      background: var(--k-panel);
    }
    .name {
      font-family: var(--k-mono);
      color: var(--k-fg);
    }
    b {
      color: var(--k-fg);
      font-variant-numeric: tabular-nums;
    }
    .hint,
    .busy {
      font-style: italic;
    }
    .error {
      color: var(--k-danger);
    }
    select {
      font: inherit;
      font-size: 12px;
    }
  `,
];
