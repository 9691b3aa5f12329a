/** Save the open notebook (Ctrl/Cmd+S). */
export type SaveDetail = Record<string, never>;
export type SaveEvent = CustomEvent<SaveDetail>;
declare global {
  interface GlobalEventHandlersEventMap {
    'kohort-save': SaveEvent;
  }
}
