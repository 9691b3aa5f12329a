import { readFileSync } from 'node:fs';
import { isUserError } from '../engine/user-error.js';
import { parseCommand, UsageError, type CommandSpec, type ParsedCommand } from './args.js';
import { commandHelp, mainHelp, usageLine } from './help.js';
import { processIo, type Io } from './io.js';
import { commandSpec } from './specs.js';

type Handler = (parsed: ParsedCommand, io: Io) => Promise<number>;

// Each command's module loads when it runs, so `--help` and `--version` start at once and `run`
// does not load the connectors.
const handlers: Record<string, () => Promise<Handler>> = {
  check: async () => (await import('./check.js')).checkCommand,
  compile: async () => (await import('./compile.js')).compileCommand,
  run: async () => (await import('./run.js')).runCommand,
  runs: async () => (await import('./runs.js')).runsCommand,
  import: async () => (await import('./data.js')).importCommand,
  generate: async () => (await import('./data.js')).generateCommand,
  serve: async () => (await import('./serve.js')).serveCommand,
  export: async () => (await import('./export.js')).exportCommand,
};

/** Commands that parse their own arguments, from the connectors. */
const ownArgumentHandlers: Record<string, () => Promise<(argv: string[], io: { err: (s: string) => void }) => Promise<number>>> = {
  land: async () => (await import('../connectors/land/index.js')).landCommand,
  replay: async () => (await import('../connectors/replay/index.js')).replayCommand,
};

/** Exit codes: 0 ok, 1 a user's mistake (bad notebook, missing file), 2 bad usage, 70 our bug. */
export const exitCodes = { ok: 0, userError: 1, usage: 2, internal: 70 } as const;

/**
 * The `kohort` command line. Never throws and never shows a stack trace to a user: a UserError
 * prints its message (exit 1), a usage mistake the command's usage (exit 2), anything else
 * `kohort: internal error: …` (exit 70; the stack with KOHORT_DEBUG=1).
 */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  try {
    return await dispatch([...argv], io);
  } catch (e) {
    if (e instanceof UsageError) {
      const spec = e.command ? commandSpec(e.command) : undefined;
      const hint = spec ? `${usageLine(spec)}\nsee \`kohort help ${spec.name}\`` : 'see `kohort --help`';
      io.stderr.write(`kohort: ${e.message}\n${hint}\n`);
      return exitCodes.usage;
    }
    if (isUserError(e)) {
      io.stderr.write(`${e.message}\n`);
      return exitCodes.userError;
    }
    const message = e instanceof Error ? e.message : String(e);
    io.stderr.write(`kohort: internal error: ${message}\n`);
    if (io.env['KOHORT_DEBUG'] === '1' && e instanceof Error && e.stack) io.stderr.write(`${e.stack}\n`);
    else io.stderr.write('(this is a bug in kohort; KOHORT_DEBUG=1 shows the stack)\n');
    return exitCodes.internal;
  }
}

async function dispatch(argv: string[], io: Io): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help') {
    (first === undefined ? io.stderr : io.stdout).write(mainHelp());
    return first === undefined ? exitCodes.usage : exitCodes.ok;
  }
  if (first === '-v' || first === '--version') {
    io.stdout.write(`kohort ${version()}\n`);
    return exitCodes.ok;
  }
  if (first === 'help') {
    const topic = parseCommand(commandSpec('help')!, rest).positionals[0];
    if (topic === undefined) {
      io.stdout.write(mainHelp());
      return exitCodes.ok;
    }
    const about = known(topic);
    io.stdout.write(about.ownArguments ? `${await about.ownArguments()}\n` : commandHelp(about));
    return exitCodes.ok;
  }
  const spec = known(first);
  if (spec.ownArguments) {
    const command = await ownArgumentHandlers[spec.name]!();
    return command(rest, { err: (s) => io.stderr.write(s) });
  }
  const parsed = parseCommand(spec, rest);
  if (parsed.values['help']) {
    io.stdout.write(commandHelp(spec));
    return exitCodes.ok;
  }
  const handler = await handlers[spec.name]!();
  return handler(parsed, io);
}

function known(name: string): CommandSpec {
  const spec = name === 'help' ? undefined : commandSpec(name);
  if (!spec) {
    throw new UsageError(name.startsWith('-') ? `unknown option \`${name}\`` : `unknown command \`${name}\``);
  }
  return spec;
}

/** The package's version, from the package.json above this file (in the source tree or dist/). */
export function version(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'kohort' && pkg.version) return pkg.version;
    } catch {
      // Not at this level; try the next.
    }
  }
  return 'unknown';
}
