/**
 * Fires a workbench event: bubbling and composed (it crosses shadow roots), typed by the event
 * map each `events/*.ts` file extends. Components never build CustomEvents by hand.
 */
type DetailOf<E> = E extends CustomEvent<infer D> ? D : never;

/** Names of the workbench's own events (those whose map entry is a CustomEvent). */
export type KohortEventName = {
  [K in keyof GlobalEventHandlersEventMap]: K extends `kohort-${string}` ? K : never;
}[keyof GlobalEventHandlersEventMap];

export function emit<K extends KohortEventName>(target: EventTarget, type: K, detail: DetailOf<GlobalEventHandlersEventMap[K]>): boolean {
  return target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable: true }));
}
