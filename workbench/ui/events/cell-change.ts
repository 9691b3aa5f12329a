/** A cell's text changed in its editor. Dispatched synchronously on every edit. */
export interface CellChangeDetail {
  cellId: string;
  body: string;
}
export type CellChangeEvent = CustomEvent<CellChangeDetail>;
declare global {
  interface GlobalEventHandlersEventMap {
    'kohort-cell-change': CellChangeEvent;
  }
}
