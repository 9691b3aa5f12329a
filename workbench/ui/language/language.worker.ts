import { compileNotebook, complete, definition, hover, parseDefinitions, type SchemaCatalog } from '../../../dsl/index.js';
import { hashText, type DefinitionNode } from '../model/run-graph.js';
import type { Analysis, WorkerReply, WorkerRequest } from './protocol.js';

/**
 * The language worker: parses, checks and compiles the notebook off the main thread, so typing
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
  const compiled = compileNotebook(text, schemas ? { schemas, lake: 'lake' } : { lake: 'lake' });
  const parsed = parseDefinitions(text);
  const definitions: DefinitionNode[] = compiled.cells.map((c) => {
    const node: DefinitionNode = {
      name: c.name,
      kind: c.kind,
      offset: c.range.start.offset,
      dependsOn: c.dependsOn,
      textHash: hashText(text.slice(c.range.start.offset, c.range.end.offset)),
    };
    if (c.plot) node.plot = c.plot;
    if (c.sql === undefined) node.broken = true;
    return node;
  });
  const asOf = parsed.statements.filter((s) => s.node.kind === 'as-of').map((s) => text.slice(s.node.range.start.offset, s.node.range.end.offset));
  const dailyProfiles: string[] = [];
  const sourceKeys: Record<string, string> = {};
  for (const { node } of parsed.statements) {
    if (node.kind === 'profile' && node.grain === 'day') dailyProfiles.push(node.name.text);
    if (node.kind === 'source' && node.key) sourceKeys[node.name.text] = node.key.text;
  }
  return {
    version,
    diagnostics: compiled.diagnostics,
    definitions,
    globalInputs: hashText(asOf.join('\n')),
    dailyProfiles,
    sourceKeys,
    millis: performance.now() - t0,
  };
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
