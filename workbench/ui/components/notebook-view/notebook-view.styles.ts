import { css } from 'lit';

export default css`
  kohort-notebook-view {
    display: block;
    font-family: var(--k-font);
    color: var(--k-fg);
  }
  kohort-notebook-view .k-toolbar {
    position: sticky;
    top: 0;
    z-index: 20;
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 8px 16px;
    background: #fff;
    border-bottom: 1px solid var(--k-border);
    font-size: 13px;
  }
  kohort-notebook-view .k-toolbar h1 {
    font-size: 15px;
    margin: 0;
    font-weight: 600;
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  kohort-notebook-view .k-toolbar .k-dirty {
    color: var(--k-warning);
  }
  kohort-notebook-view .k-toolbar .k-spacer {
    flex: 1;
  }
  kohort-notebook-view .k-toolbar .k-status {
    color: var(--k-muted);
    font-size: 12px;
    white-space: nowrap;
  }
  kohort-notebook-view .k-toolbar .k-status.k-error {
    color: var(--k-danger);
  }
  kohort-notebook-view button,
  kohort-notebook-view .k-toolbar select {
    font: inherit;
    font-size: 12px;
    padding: 3px 10px;
    border: 1px solid var(--k-border);
    border-radius: var(--k-radius);
    background: var(--k-bg);
    color: var(--k-fg);
    cursor: pointer;
  }
  kohort-notebook-view button:hover:not(:disabled) {
    border-color: var(--k-accent);
    color: var(--k-accent);
  }
  kohort-notebook-view button:disabled {
    opacity: 0.45;
    cursor: default;
  }
  kohort-notebook-view button.k-primary {
    background: var(--k-accent);
    border-color: var(--k-accent);
    color: white;
  }
  kohort-notebook-view button.k-primary:hover:not(:disabled) {
    color: white;
    filter: brightness(1.1);
  }
  kohort-notebook-view .k-cells {
    max-width: 1180px;
    margin: 0 auto;
    padding: 14px 16px 200px;
  }
  kohort-notebook-view .k-banner {
    max-width: 1180px;
    margin: 10px auto 0;
    padding: 8px 12px;
    border-radius: var(--k-radius);
    background: #fffbeb;
    border: 1px solid #fcd34d;
    font-size: 13px;
    display: flex;
    gap: 10px;
    align-items: center;
  }
  kohort-notebook-view .k-banner.k-error {
    background: #fef2f2;
    border-color: #fca5a5;
    color: var(--k-danger);
  }
  kohort-notebook-view .k-add {
    display: flex;
    gap: 6px;
    justify-content: center;
    padding: 8px;
    color: var(--k-muted);
    font-size: 12px;
  }
  kohort-notebook-view .k-loading {
    padding: 40px;
    text-align: center;
    color: var(--k-muted);
  }
`;
