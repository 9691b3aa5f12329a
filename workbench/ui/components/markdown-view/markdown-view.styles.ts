import { css } from 'lit';

export default css`
  :host {
    display: block;
    font-family: var(--k-font);
    line-height: 1.55;
    color: var(--k-fg);
    padding: 4px 12px;
    cursor: text;
  }
  h1 { font-size: 1.6em; margin: 0.3em 0; }
  h2 { font-size: 1.3em; margin: 0.3em 0; }
  h3 { font-size: 1.1em; margin: 0.3em 0; }
  p { margin: 0.5em 0; }
  code {
    font-family: var(--k-mono);
    font-size: 0.9em;
    background: var(--k-panel);
    border: 1px solid var(--k-border);
    border-radius: 4px;
    padding: 0 4px;
  }
  pre {
    background: var(--k-panel);
    border: 1px solid var(--k-border);
    border-radius: var(--k-radius);
    padding: 8px 10px;
    overflow-x: auto;
  }
  pre code { border: 0; padding: 0; background: none; }
  blockquote { margin: 0.5em 0; padding-left: 12px; border-left: 3px solid var(--k-border); color: var(--k-muted); }
  a { color: var(--k-accent); }
  .empty { color: var(--k-muted); font-style: italic; }
`;
