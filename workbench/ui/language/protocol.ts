import type { Completions, Diagnostic, DefinitionLocation, Hover, SchemaCatalog } from '../../../dsl/index.js';
import type { DefinitionNode } from '../model/run-graph.js';

/** What the page asks the language worker. Requests carry the text version they are about. */
export type WorkerRequest =
  | { type: 'update'; version: number; text: string }
  | { type: 'schemas'; schemas: SchemaCatalog }
  | { type: 'complete'; id: number; version: number; offset: number }
  | { type: 'hover'; id: number; version: number; offset: number }
  | { type: 'definition'; id: number; version: number; offset: number };

/** The graph and diagnostics of one text version. */
export interface Analysis {
  version: number;
  diagnostics: Diagnostic[];
  definitions: DefinitionNode[];
  /** Hash of the notebook-wide inputs every result reads (the as-of statement). */
  globalInputs: string;
  /** Names of profiles computed per day. */
  dailyProfiles: string[];
  /** Source name → its customer key column. */
  sourceKeys: Record<string, string>;
  /** Milliseconds the worker spent. */
  millis: number;
}

export type WorkerReply =
  | { type: 'analysis'; analysis: Analysis }
  | { type: 'reply'; id: number; result: Completions | Hover | DefinitionLocation | undefined; millis: number }
  | { type: 'failed'; id?: number; message: string };
