import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { mayHavePipelines, notebookPipelines } from '../../connectors/land/from-notebook.js';
import type { LandOptions } from '../../connectors/land/lander.js';
import { formatDiagnostic } from '../../dsl/index.js';
import type { Notebooks } from './notebooks.js';
import { PipelineRunner, type PipelineDefinition } from './pipelines-runner.js';
import type { PipelineStatus } from './pipelines-status.js';

export interface PipelineServiceOptions {
  /** The workspace's real path. */
  workspace: string;
  /** The lake as given to the server (a folder or an `hdfs://` address): where pipelines land by default. */
  lake: string;
  notebooks: Notebooks;
  /** How often to look for notebooks edited outside the server. Default 2 s. */
  scanMillis?: number;
  /** Overrides for every lander (tests: a short session timeout). */
  land?: Partial<LandOptions>;
  log: (line: string) => void;
}

/**
 * The background service of `kohort serve` that runs every pipeline cell of the workspace's
 * notebooks with the lander. It looks at the notebooks when it starts, when the server saves,
 * creates, renames or deletes one (`changed()`), and every few seconds for edits made on disk;
 * a pipeline is restarted only when its definition (spec and lake) changed, stopped when its
 * cell or notebook is gone, and all are stopped, landing what they buffered, by `close()`.
 */
export class PipelineService {
  private readonly runners = new Map<string, { runner: PipelineRunner; key: string }>();
  /** Notebooks looked at: path → size and mtime, so unchanged files are not read again. */
  private readonly seen = new Map<string, { stamp: string; definitions: PipelineDefinition[] }>();
  private timer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> = Promise.resolve();
  private again = false;
  private pending = false;
  private closed = false;

  constructor(private readonly options: PipelineServiceOptions) {}

  /** Starts the pipelines found now, and keeps looking. */
  start(): void {
    this.changed();
    this.timer = setInterval(() => this.changed(), this.options.scanMillis ?? 2000);
    this.timer.unref();
  }

  /**
   * Looks at the notebooks again (soon; calls while a look runs fold into one more look).
   * Resolves when the pipelines match the notebooks as they were when it was called.
   */
  changed(): Promise<void> {
    if (this.closed) return this.scanning;
    if (this.pending) {
      this.again = true;
      return this.scanning;
    }
    this.pending = true;
    this.scanning = this.scanning.then(async () => {
      this.pending = false;
      try {
        await this.reconcile();
      } catch (e) {
        this.options.log(`kohort serve: looking for pipelines: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      }
      if (this.again) {
        this.again = false;
        void this.changed();
      }
    });
    return this.scanning;
  }

  /** Every pipeline's status, by notebook then cell order. */
  status(): PipelineStatus[] {
    return [...this.runners.values()].map(({ runner }) => runner.status());
  }

  /** Stops every pipeline (each lands what it buffered, within a few seconds). */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.scanning;
    await Promise.all([...this.runners.values()].map(({ runner }) => runner.stop()));
  }

  /** Makes the running pipelines match the notebooks' pipeline cells. */
  private async reconcile(): Promise<void> {
    const wanted = new Map<string, PipelineDefinition>();
    const present = new Set<string>();
    for (const entry of await this.options.notebooks.list()) {
      present.add(entry.path);
      for (const d of await this.definitionsOf(entry.path)) wanted.set(d.id, d);
    }
    for (const path of [...this.seen.keys()]) if (!present.has(path)) this.seen.delete(path);
    if (this.closed) return;

    // Stop first (a renamed notebook's pipeline hands its consumer group over), then start.
    const stopping: Promise<void>[] = [];
    for (const [id, { runner, key }] of this.runners) {
      const d = wanted.get(id);
      if (d && definitionKey(d) === key) continue;
      this.runners.delete(id);
      stopping.push(runner.stop());
    }
    await Promise.all(stopping);
    const ordered = [...wanted.values()].sort((a, b) => (a.notebook < b.notebook ? -1 : a.notebook > b.notebook ? 1 : 0));
    const next = new Map<string, { runner: PipelineRunner; key: string }>();
    for (const d of ordered) {
      const existing = this.runners.get(d.id);
      if (existing) {
        next.set(d.id, existing);
        continue;
      }
      const runner = new PipelineRunner(d, { log: this.options.log, ...(this.options.land ? { land: this.options.land } : {}) });
      next.set(d.id, { runner, key: definitionKey(d) });
      runner.start();
    }
    this.runners.clear();
    for (const [id, r] of next) this.runners.set(id, r);
  }

  /** A notebook's pipeline cells, read again only when its size or mtime changed. */
  private async definitionsOf(path: string): Promise<PipelineDefinition[]> {
    const abs = join(this.options.workspace, path);
    const info = await stat(abs).catch(() => undefined);
    if (!info) return [];
    const stamp = `${info.size}:${info.mtimeMs}:${info.ino}`;
    const known = this.seen.get(path);
    if (known?.stamp === stamp) return known.definitions;
    const text = await readFile(abs, 'utf8').catch(() => '');
    const definitions = mayHavePipelines(text)
      ? notebookPipelines(text, abs).map((p): PipelineDefinition => {
          return {
            id: `${path}#${p.name}`,
            notebook: path,
            name: p.name,
            place: `${path}:${p.range.start.line}:${p.range.start.column}`,
            lake: p.spec?.lake ?? this.options.lake,
            ...(p.spec ? { spec: p.spec } : { problem: p.errors.map((e) => formatDiagnostic(e, path)).join('\n') || `pipeline \`${p.name}\` depends on a definition with errors` }),
          };
        })
      : [];
    this.seen.set(path, { stamp, definitions });
    return definitions;
  }
}

/** What makes a running pipeline the same pipeline: its spec, its lake, its problem. */
function definitionKey(d: PipelineDefinition): string {
  return JSON.stringify([d.spec ?? null, d.lake, d.problem ?? null]);
}
