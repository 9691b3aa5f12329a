import { complete, definition, hover, type SchemaCatalog } from '../../../dsl/index.js';
import { checkNotebook } from './check-notebook.js';
import type { Analysis, WorkerReply, WorkerRequest } from './protocol.js';

/**
 * The language worker: parses and checks the notebook off the main thread, so typing
 * never waits for it. It keeps the latest text; analyses of superseded versions are skipped.
 */
interface WorkerScope {
  postMessage(message: WorkerReply): void;
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
}
const scope = self as unknown as WorkerScope;

let text = '';
let version = -1;
let schemas: SchemaCatalog | undefined;
let analysed = -2;
let scheduled = false;

const post = (reply: WorkerReply) => scope.postMessage(reply);

function analyse(): Analysis {
  const t0 = performance.now();
  const check = checkNotebook(text, schemas);
  return { version, ...check, millis: performance.now() - t0 };
}

/** Analyses run after pending requests: a completion asked with a keystroke answers first. */
function schedule() {
  if (scheduled) return;
  scheduled = true;
  setTimeout(() => {
    scheduled = false;
    if (analysed === version) return;
    try {
      const analysis = analyse();
      analysed = analysis.version;
      post({ type: 'analysis', analysis });
    } catch (e) {
      post({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
    }
  }, 0);
}

scope.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const m = event.data;
  switch (m.type) {
    case 'update':
      text = m.text;
      version = m.version;
      schedule();
      return;
    case 'schemas':
      schemas = m.schemas;
      analysed = -2;
      schedule();
      return;
    default: {
      const t0 = performance.now();
      try {
        const options = schemas ? { schemas } : {};
        const result = m.type === 'complete' ? complete(text, m.offset, options) : m.type === 'hover' ? hover(text, m.offset, options) : definition(text, m.offset);
        post({ type: 'reply', id: m.id, result, millis: performance.now() - t0 });
      } catch (e) {
        post({ type: 'failed', id: m.id, message: e instanceof Error ? e.message : String(e) });
      }
    }
  }
};
