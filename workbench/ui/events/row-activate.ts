/** A result table row was clicked (or Enter pressed on it). */
export interface RowActivateDetail {
  /** The row's formatted values by column name; null for SQL NULL. */
  values: Record<string, string | null>;
}
export type RowActivateEvent = CustomEvent<RowActivateDetail>;
declare global {
  interface GlobalEventHandlersEventMap {
    'kohort-row-activate': RowActivateEvent;
  }
}
