/**
 * `kohort serve`: the workbench's HTTP server (JSON API + the UI's build) from one Node process.
 * The API is described in `workbench/openapi.json`; see `workbench/CONTEXT.md`.
 */
export { startServer, defaultPort, type RunningServer, type ServerOptions } from './server.js';
export { generateToken, isLoopback } from './auth.js';
export { resultToArrow, type ArrowResult, type ArrowOptions } from './arrow.js';
export type { NotebookEntry, NotebookFile } from './notebooks.js';
export type { CustomerView, RunResult, SegmentSummary } from './runner.js';
export type { JsonValue } from './json-values.js';
