/** Cancel the running (and queued) definitions of a cell. */
export interface CancelDetail {
  cellId: string;
}
export type CancelEvent = CustomEvent<CancelDetail>;
declare global {
  interface GlobalEventHandlersEventMap {
    'kohort-cancel': CancelEvent;
  }
}
