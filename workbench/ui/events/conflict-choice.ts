/**
 * The answer to "the file changed on disk": take the disk's text, write ours over it (knowingly),
 * or decide later.
 */
export interface ConflictChoiceDetail {
  choice: 'reload' | 'overwrite' | 'later';
}
export type ConflictChoiceEvent = CustomEvent<ConflictChoiceDetail>;
declare global {
  interface GlobalEventHandlersEventMap {
    'kohort-conflict-choice': ConflictChoiceEvent;
  }
}
