import { css } from 'lit';

export default css`
  kohort-cell-editor {
    display: block;
    position: relative;
    background: var(--k-code-bg);
    border-radius: var(--k-radius);
  }
  kohort-cell-editor .k-monaco {
    width: 100%;
  }
  /* Cell editors never scroll (they grow and wrap); their scrollbars' sliders would still be
     compositor layers, dozens per notebook. */
  kohort-cell-editor .k-monaco .monaco-scrollable-element > .scrollbar {
    display: none !important;
  }
  kohort-cell-editor pre.k-static {
    margin: 0;
    padding: 6px 0 6px 0;
    font-family: var(--k-mono);
    font-size: 13px;
    line-height: 20px;
    white-space: pre;
    overflow-x: auto;
    counter-reset: line;
    cursor: text;
  }
  kohort-cell-editor pre.k-static .k-line {
    display: block;
    min-height: 20px;
  }
  kohort-cell-editor pre.k-static .k-line::before {
    counter-increment: line;
    content: counter(line);
    display: inline-block;
    width: 3ch;
    margin: 0 18px 0 10px;
    text-align: right;
    color: #9ca3af;
  }
  kohort-cell-editor .t-keyword { color: #7c3aed; font-weight: bold; }
  kohort-cell-editor .t-string { color: #b45309; }
  kohort-cell-editor .t-number { color: #047857; }
  kohort-cell-editor .t-comment { color: #6b7280; font-style: italic; }
  kohort-cell-editor .t-operator { color: #be185d; }
  kohort-cell-editor .t-function { color: #2563eb; }
  kohort-cell-editor .t-invalid { color: #dc2626; text-decoration: underline; }
`;
