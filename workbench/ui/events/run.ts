/** Run a cell's definitions. `advance`: then move to the next cell (Shift+Enter). */
export interface RunDetail {
  cellId: string;
  advance: boolean;
}
export type RunEvent = CustomEvent<RunDetail>;
declare global {
  interface GlobalEventHandlersEventMap {
    'kohort-run': RunEvent;
  }
}
