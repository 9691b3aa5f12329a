import { join } from 'node:path';
import { notebookId } from '../../dsl/index.js';
import { deliverPublishedRuns, resumeNotebookDeliveries } from '../../engine/activation/index.js';
import type { NotebookRunner } from '../../engine/runs/runner.js';
import { segmentsApi } from './segments-api.js';
import type { Workbench } from './workbench.js';

/**
 * What `kohort serve` does for activation around its runs: after each published run, the
 * membership API reads the new members and the notebook's destinations get who joined and left;
 * at start, batches earlier rounds could not deliver are sent. Closing stops the sends (what is
 * not delivered stays in the spool for the next start).
 */
export function startDeliveries(app: Workbench, runner: NotebookRunner | undefined, log: (line: string) => void): { close(): void } {
  const stop = new AbortController();
  const options = { lake: app.options.lake, log, signal: stop.signal };
  const unsubscribe = runner
    ? [runner.onRunPublished((record) => segmentsApi(app).invalidate(record.notebook)), deliverPublishedRuns(runner, options)]
    : [];
  void (async () => {
    for (const entry of await app.notebooks.list()) {
      if (stop.signal.aborted) return;
      await resumeNotebookDeliveries(join(app.options.workspace, entry.path), notebookId(entry.path), options).catch((e: unknown) =>
        log(`kohort serve: webhooks of ${entry.path}: ${e instanceof Error ? e.message : String(e)}`),
      );
    }
  })().catch((e: unknown) => log(`kohort serve: resuming webhook deliveries: ${e instanceof Error ? e.message : String(e)}`));
  return {
    close() {
      stop.abort();
      for (const u of unsubscribe) u();
    },
  };
}
