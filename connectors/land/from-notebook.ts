import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { compileNotebook, formatDiagnostic, hasErrors, suggest, type Diagnostic, type PipelineSpec, type Range } from '../../dsl/index.js';
import { UserError } from '../../engine/user-error.js';

/** A pipeline cell of a notebook: its spec when it compiled, else its errors. */
export interface NotebookPipeline {
  name: string;
  range: Range;
  /** Absent when the cell has errors. A relative `lake` is resolved against the notebook's folder. */
  spec?: PipelineSpec;
  /** Error diagnostics inside the cell. */
  errors: Diagnostic[];
}

/**
 * Every pipeline cell of a notebook's text, in file order. `file` (absolute) names the notebook
 * in diagnostics and is where a relative `lake "…"` of a pipeline is resolved from, as a relative
 * `parquet "…"` of a source is.
 */
export function notebookPipelines(text: string, file: string): NotebookPipeline[] {
  const compiled = compileNotebook(text, { file });
  return compiled.cells
    .filter((c) => c.kind === 'pipeline')
    .map((cell) => {
      const errors = compiled.diagnostics.filter((d) => d.severity === 'error' && d.range.start.offset >= cell.range.start.offset && d.range.start.offset <= cell.range.end.offset);
      const spec = cell.pipeline && !hasErrors(errors) ? withResolvedLake(cell.pipeline, dirname(file)) : undefined;
      return { name: cell.name, range: cell.range, ...(spec ? { spec } : {}), errors };
    });
}

/** Whether a text may hold a pipeline cell (cheaper than compiling it to find out). */
export function mayHavePipelines(text: string): boolean {
  return /\bpipeline\b/i.test(text);
}

function withResolvedLake(spec: PipelineSpec, dir: string): PipelineSpec {
  if (spec.lake === undefined || /^[a-z][a-z0-9+.-]*:/i.test(spec.lake) || isAbsolute(spec.lake)) return spec;
  return { ...spec, lake: resolve(dir, spec.lake) };
}

/**
 * The pipeline cell `name` of a notebook, checked: what `kohort land NOTEBOOK --pipeline NAME`
 * lands. Errors name the notebook (`file:line:col` for DSL problems).
 */
export function notebookPipeline(file: string, name: string | undefined): { name: string; spec: PipelineSpec } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UserError('no such notebook', file);
  }
  const pipelines = notebookPipelines(text, resolve(file));
  if (!name) {
    if (pipelines.length === 1) name = pipelines[0]!.name;
    else if (pipelines.length === 0) throw new UserError('has no pipeline cell; add one, e.g. pipeline live = kafka "events" brokers "127.0.0.1:9092" into events', file);
    else throw new UserError(`has several pipelines (${pipelines.map((p) => p.name).join(', ')}); pick one with --pipeline NAME`, file);
  }
  const pipeline = pipelines.find((p) => p.name === name);
  if (!pipeline) {
    const other = compileNotebook(text, { file: resolve(file) }).cells.find((c) => c.name === name);
    const hint = suggest(name, pipelines.map((p) => p.name)).map((s) => ` — did you mean \`${s}\`?`).join('');
    throw new UserError(other ? `\`${name}\` is a ${other.kind}, not a pipeline` : `has no pipeline \`${name}\`${hint}`, file);
  }
  if (!pipeline.spec) {
    throw new UserError(`pipeline \`${name}\` has errors:\n${pipeline.errors.map((d) => formatDiagnostic(d, file)).join('\n')}`);
  }
  return { name, spec: pipeline.spec };
}
