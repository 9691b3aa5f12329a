import { css } from 'lit';
import { controls } from '../../styles/theme.js';

export default [
  controls,
  css`
    :host {
      font-family: var(--k-font);
      font-size: 13px;
    }
    dialog {
      width: min(900px, 92vw);
      border: 1px solid var(--k-border);
      border-radius: 10px;
      padding: 16px 18px;
      box-shadow: 0 20px 50px rgb(0 0 0 / 0.25);
    }
    dialog::backdrop {
      background: rgb(17 24 39 / 0.35);
    }
    h2 {
      margin: 0 0 6px;
      font-size: 16px;
    }
    p {
      margin: 6px 0 12px;
      color: var(--k-muted);
    }
    .actions {
      display: flex;
      gap: 8px;
      justify-content: flex-end;
      margin-top: 12px;
    }
    pre {
      max-height: 50vh;
      overflow: auto;
      font-family: var(--k-mono);
      font-size: 12px;
      border: 1px solid var(--k-border);
      border-radius: var(--k-radius);
      margin: 0;
      padding: 6px 0;
      background: var(--k-panel);
    }
    .line {
      display: block;
      padding: 0 10px;
      white-space: pre;
    }
    .mine {
      background: #fef3c7;
    }
    .mine::before {
      content: 'here  ';
      color: #92400e;
    }
    .theirs {
      background: #dbeafe;
    }
    .theirs::before {
      content: 'disk  ';
      color: #1e40af;
    }
    .same::before {
      content: '      ';
    }
  `,
];
