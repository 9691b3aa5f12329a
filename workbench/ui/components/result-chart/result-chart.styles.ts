import { css } from 'lit';
import { controls } from '../../styles/theme.js';

export default [
  controls,
  css`
    :host {
      display: block;
      font-family: var(--k-font);
      font-size: 12px;
    }
    .bar {
      display: flex;
      gap: 6px;
      align-items: center;
      padding: 4px 0;
      color: var(--k-muted);
    }
    .bar .spacer {
      flex: 1;
    }
    .chart {
      min-height: 40px;
      overflow-x: auto;
    }
    .problem {
      color: var(--k-danger);
      padding: 6px 0;
    }
    .note {
      color: var(--k-muted);
    }
    figure {
      margin: 0;
    }
  `,
];
