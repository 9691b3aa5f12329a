import { css } from 'lit';
import { controls } from '../../styles/theme.js';

export default [
  controls,
  css`
    :host {
      display: inline-flex;
      gap: 4px;
      align-items: center;
      font-size: 12px;
      color: var(--k-muted);
    }
    select {
      font: inherit;
      font-size: 12px;
    }
    .error {
      color: var(--k-danger);
    }
  `,
];
