import type { CellKind } from '../../../dsl/index.js';

/** A structural change to a cell, asked from its toolbar. */
export type CellCommand =
  | { command: 'move'; delta: number }
  | { command: 'delete' }
  | { command: 'collapse'; collapsed: boolean }
  | { command: 'insert-below'; kind: CellKind }
  | { command: 'set-header'; kind: CellKind; name?: string };

export type CellCommandDetail = CellCommand & { cellId: string };
export type CellCommandEvent = CustomEvent<CellCommandDetail>;
declare global {
  interface GlobalEventHandlersEventMap {
    'kohort-cell-command': CellCommandEvent;
  }
}
