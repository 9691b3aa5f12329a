import type { Completions, DefinitionLocation, Hover, SchemaCatalog } from '../../../dsl/index.js';
import type { Analysis, WorkerReply, WorkerRequest } from './protocol.js';

type Pending = { resolve(value: unknown): void; reject(e: Error): void };

/**
 * The page's side of the language worker: send the notebook text on every edit, get analyses
 * (diagnostics and the dependency graph) back, and ask for completion, hover and definition at
 * notebook offsets. One client per open notebook.
 */
export class LanguageClient {
  private readonly worker: Worker;
  private version = 0;
  private lastText = '';
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(a: Analysis) => void>();
  /** The latest analysis received, whatever its version. */
  latest?: Analysis;

  constructor() {
    this.worker = new Worker(new URL('./language.worker.ts', import.meta.url), { type: 'module', name: 'kohort-language' });
    this.worker.onmessage = (e: MessageEvent<WorkerReply>) => this.receive(e.data);
  }

  /** The text version the next analysis will be about. */
  get currentVersion(): number {
    return this.version;
  }

  private post(m: WorkerRequest) {
    this.worker.postMessage(m);
  }

  private receive(m: WorkerReply) {
    if (m.type === 'analysis') {
      this.latest = m.analysis;
      for (const l of this.listeners) l(m.analysis);
      return;
    }
    if (m.id === undefined) {
      console.error(`kohort language worker: ${m.type === 'failed' ? m.message : 'unexpected reply'}`);
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.type === 'failed') p.reject(new Error(m.message));
    else p.resolve(m.result);
  }

  /** Sends the notebook's text if it changed; returns its version. */
  update(text: string): number {
    if (text === this.lastText && this.version > 0) return this.version;
    this.lastText = text;
    this.version += 1;
    this.post({ type: 'update', version: this.version, text });
    return this.version;
  }

  setSchemas(schemas: SchemaCatalog) {
    this.post({ type: 'schemas', schemas });
  }

  /** Calls `listener` with every analysis; returns the unsubscribe function. */
  onAnalysis(listener: (a: Analysis) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private ask<T>(type: 'complete' | 'hover' | 'definition', offset: number): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.post({ type, id, version: this.version, offset });
    });
  }

  complete(offset: number): Promise<Completions> {
    return this.ask('complete', offset);
  }

  hover(offset: number): Promise<Hover | undefined> {
    return this.ask('hover', offset);
  }

  definition(offset: number): Promise<DefinitionLocation | undefined> {
    return this.ask('definition', offset);
  }

  dispose() {
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(new Error('the notebook was closed'));
    this.pending.clear();
    this.listeners.clear();
  }
}
