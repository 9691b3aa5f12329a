import { css } from 'lit';
import { controls } from '../../styles/theme.js';

export default [
  controls,
  css`
    :host {
      display: block;
      max-width: 860px;
      margin: 0 auto;
      padding: 24px 16px;
      font-family: var(--k-font);
      color: var(--k-fg);
    }
    h1 {
      font-size: 22px;
      margin: 0 0 4px;
    }
    .lead {
      color: var(--k-muted);
      margin: 0 0 18px;
    }
    form {
      display: flex;
      gap: 8px;
      margin: 0 0 14px;
    }
    form input {
      flex: 1;
      font-size: 13px;
      padding: 5px 8px;
    }
    form button {
      font-size: 13px;
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
      border: 1px solid var(--k-border);
      border-radius: var(--k-radius);
    }
    li {
      display: flex;
      align-items: center;
      gap: 10px;
      padding: 8px 12px;
      border-bottom: 1px solid var(--k-border);
    }
    li:last-child {
      border-bottom: 0;
    }
    li a {
      color: var(--k-fg);
      text-decoration: none;
      font-weight: 600;
    }
    li a:hover {
      color: var(--k-accent);
    }
    .path {
      color: var(--k-muted);
      font-family: var(--k-mono);
      font-size: 12px;
    }
    .grow {
      flex: 1;
      min-width: 0;
    }
    .when {
      color: var(--k-muted);
      font-size: 12px;
      white-space: nowrap;
    }
    .error {
      color: var(--k-danger);
      background: #fef2f2;
      border: 1px solid #fecaca;
      border-radius: var(--k-radius);
      padding: 6px 10px;
      margin: 0 0 12px;
    }
    .empty {
      color: var(--k-muted);
      padding: 16px;
    }
  `,
];
