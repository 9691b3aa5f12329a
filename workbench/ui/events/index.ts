export { emit, type KohortEventName } from './emit.js';
export type { CancelDetail, CancelEvent } from './cancel.js';
export type { CellChangeDetail, CellChangeEvent } from './cell-change.js';
export type { CellCommand, CellCommandDetail, CellCommandEvent } from './cell-command.js';
export type { ConflictChoiceDetail, ConflictChoiceEvent } from './conflict-choice.js';
export type { OpenCustomerDetail, OpenCustomerEvent } from './open-customer.js';
export type { RowActivateDetail, RowActivateEvent } from './row-activate.js';
export type { RunDetail, RunEvent } from './run.js';
export type { SaveDetail, SaveEvent } from './save.js';
