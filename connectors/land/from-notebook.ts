import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compileNotebook, formatDiagnostic, hasErrors, suggest, type PipelineSpec } from '../../dsl/index.js';
import { UserError } from '../../engine/user-error.js';

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
  const compiled = compileNotebook(text, { file: resolve(file) });
  const pipelines = compiled.cells.filter((c) => c.kind === 'pipeline');
  if (!name) {
    if (pipelines.length === 1) name = pipelines[0]!.name;
    else if (pipelines.length === 0) throw new UserError('has no pipeline cell; add one, e.g. pipeline live = kafka "events" brokers "127.0.0.1:9092" into events', file);
    else throw new UserError(`has several pipelines (${pipelines.map((p) => p.name).join(', ')}); pick one with --pipeline NAME`, file);
  }
  const cell = compiled.cells.find((c) => c.name === name);
  if (!cell || cell.kind !== 'pipeline') {
    const hint = suggest(name, pipelines.map((p) => p.name)).map((s) => ` — did you mean \`${s}\`?`).join('');
    throw new UserError(cell ? `\`${name}\` is a ${cell.kind}, not a pipeline` : `has no pipeline \`${name}\`${hint}`, file);
  }
  const errors = compiled.diagnostics.filter((d) => d.severity === 'error' && d.range.start.offset >= cell.range.start.offset && d.range.start.offset <= cell.range.end.offset);
  if (!cell.pipeline || hasErrors(errors)) {
    throw new UserError(`pipeline \`${name}\` has errors:\n${errors.map((d) => formatDiagnostic(d, file)).join('\n')}`);
  }
  return { name, spec: cell.pipeline };
}
