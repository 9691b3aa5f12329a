import { KohortConflictDialog } from './conflict-dialog.component.js';

export { KohortConflictDialog };
if (!customElements.get('kohort-conflict-dialog')) customElements.define('kohort-conflict-dialog', KohortConflictDialog);

declare global {
  interface HTMLElementTagNameMap {
    'kohort-conflict-dialog': KohortConflictDialog;
  }
}
