/** Open the customer view for one customer of a profile (or segment) result. */
export interface OpenCustomerDetail {
  /** The customer key, as text (ids keep every digit). */
  key: string;
  /** The definition the customer was picked from. */
  from: string;
}
export type OpenCustomerEvent = CustomEvent<OpenCustomerDetail>;
declare global {
  interface GlobalEventHandlersEventMap {
    'kohort-open-customer': OpenCustomerEvent;
  }
}
