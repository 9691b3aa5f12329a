import { dirname, resolve } from 'node:path';
import { compileNotebook, type CompiledNotebook } from '../dsl/index.js';
import { lakeRoot } from './lake-access.js';
import { NotebookSession, readNotebook } from './session.js';

export interface CompileFileOptions {
  /** The notebook's path, as the user wrote it. */
  file: string;
  /** The notebook's text; read from `file` when absent. */
  text?: string;
  /** The lake root. Default: `$KOHORT_LAKE`, else `./lake`. */
  lake?: string;
  asOf?: string;
  /**
   * Ask DuckDB for the sources' columns so every column and type is checked. Without it the
   * notebook is checked for syntax and names only (`missing-schema` warnings) and no DuckDB starts.
   */
  introspect?: boolean;
}

export interface CompiledFile {
  file: string;
  text: string;
  compiled: CompiledNotebook;
}

/** Compiles a notebook file: what `kohort check` and `kohort compile` print. */
export async function compileFile(options: CompileFileOptions): Promise<CompiledFile> {
  const text = options.text ?? readNotebook(options.file);
  if (options.introspect) {
    const session = await NotebookSession.open({ ...options, text, threads: 1 });
    session.close();
    return { file: options.file, text, compiled: session.compiled };
  }
  const path = resolve(options.file);
  const compiled = compileNotebook(text, {
    file: path,
    // An HDFS lake compiles against its local cache, where runs read it.
    lake: lakeRoot(options.lake || process.env['KOHORT_LAKE'] || 'lake', dirname(path)),
    baseDir: dirname(path),
    ...(options.asOf !== undefined ? { asOf: options.asOf } : {}),
  });
  return { file: options.file, text, compiled };
}
