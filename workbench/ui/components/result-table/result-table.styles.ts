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
      --row-height: 24px;
    }
    .toolbar {
      display: flex;
      gap: 8px;
      align-items: center;
      padding: 4px 0;
      color: var(--k-muted);
      flex-wrap: wrap;
    }
    .toolbar .count {
      color: var(--k-fg);
      font-variant-numeric: tabular-nums;
    }
    .toolbar .busy {
      color: var(--k-accent);
    }
    .toolbar .problem {
      color: var(--k-danger);
    }
    .scroller {
      position: relative;
      overflow: auto;
      border: 1px solid var(--k-border);
      border-radius: var(--k-radius);
      background: var(--k-bg);
      contain: strict;
    }
    .head {
      position: sticky;
      top: 0;
      z-index: 2;
      background: var(--k-panel);
      border-bottom: 1px solid var(--k-border);
    }
    .grid {
      display: grid;
      align-items: center;
    }
    .th {
      padding: 0 8px;
      height: 26px;
      line-height: 26px;
      font-weight: 600;
      white-space: nowrap;
      overflow: hidden;
      text-overflow: ellipsis;
      cursor: pointer;
      user-select: none;
      border-right: 1px solid var(--k-border);
    }
    .th:hover {
      color: var(--k-accent);
    }
    .th .arrow {
      color: var(--k-accent);
      margin-left: 4px;
    }
    .th.num,
    .td.num {
      text-align: right;
    }
    .filters input {
      width: 100%;
      box-sizing: border-box;
      border-radius: 0;
      border: 0;
      border-right: 1px solid var(--k-border);
      border-top: 1px solid var(--k-border);
      font-size: 11px;
      padding: 2px 6px;
      background: var(--k-bg);
    }
    .filters input.bad {
      background: #fef2f2;
      color: var(--k-danger);
    }
    .rownum {
      color: #9ca3af;
      text-align: right;
      padding: 0 6px;
      font-variant-numeric: tabular-nums;
    }
    .spacer {
      position: relative;
    }
    .rows {
      position: absolute;
      left: 0;
      top: 0;
      will-change: transform;
    }
    .tr {
      height: var(--row-height);
      border-bottom: 1px solid #f3f4f6;
    }
    .tr:nth-child(even) {
      background: #fafafa;
    }
    .tr.clickable {
      cursor: pointer;
    }
    .tr.clickable:hover,
    .tr.clickable:focus {
      background: var(--k-accent-soft);
      outline: none;
    }
    .td {
      padding: 0 8px;
      white-space: nowrap;
      overflow: hidden;
      text-overflow: ellipsis;
      line-height: var(--row-height);
      font-variant-numeric: tabular-nums;
    }
    .td.null {
      color: #c0c4cc;
      font-style: italic;
    }
    .td.pending {
      color: #d1d5db;
    }
    .empty {
      padding: 12px;
      color: var(--k-muted);
    }
  `,
];
