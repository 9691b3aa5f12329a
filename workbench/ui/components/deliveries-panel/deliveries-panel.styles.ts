import { css } from 'lit';
import { controls, panelBelowNotebook } from '../../styles/theme.js';

export default [
  controls,
  panelBelowNotebook,
  css`
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
