import { parseArgs } from 'node:util';

/** A mistake in how kohort was called: printed with the command's usage, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** The command whose usage to show, if known. */
    readonly command?: string,
  ) {
    super(message);
  }
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Shown in help, e.g. `DIR`. */
  value?: string;
  help: string;
}

export interface CommandSpec {
  name: string;
  /** One line for `kohort --help`. */
  summary: string;
  /** Positionals, e.g. `FILE...`. */
  args: string;
  /** Least and most positionals. */
  positionals: [number, number];
  options: Record<string, OptionSpec>;
  /** Extra paragraphs for `kohort help CMD`. */
  details?: string;
  /**
   * A command that parses its own arguments (the connectors' `land` and `replay`): kohort passes
   * them on untouched and shows this usage for `kohort help CMD`.
   */
  ownArguments?: () => Promise<string>;
}

export interface ParsedCommand {
  positionals: string[];
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
}

/** Parses a command's arguments strictly: an unknown flag or a missing value is a UsageError. */
export function parseCommand(spec: CommandSpec, argv: string[]): ParsedCommand {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, o] of Object.entries(spec.options)) {
    options[name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(explainParseError(e, spec), spec.name);
  }
  const { positionals, values } = parsed;
  if (values['help']) return { positionals, values };
  const [least, most] = spec.positionals;
  if (positionals.length < least) {
    throw new UsageError(`\`kohort ${spec.name}\` needs ${spec.args.split(' ')[positionals.length] ?? 'more arguments'}`, spec.name);
  }
  if (positionals.length > most) {
    throw new UsageError(`unexpected argument \`${positionals[most]}\` for \`kohort ${spec.name}\``, spec.name);
  }
  return { positionals, values };
}

function explainParseError(e: unknown, spec: CommandSpec): string {
  const message = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: string }).code;
  const option = /'(-[^']*)'/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option \`${option}\` for \`kohort ${spec.name}\``;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    const name = option.replace(/^-+/, '').split(/[ ,]/)[0]!;
    const spelled = option.split(/[ ,]/)[0]!;
    const o = spec.options[name] ?? Object.values(spec.options).find((x) => x.short === name);
    return o?.type === 'boolean' ? `option \`${spelled}\` takes no value` : `option \`${spelled}\` needs a value${o?.value ? ` (${o.value})` : ''}`;
  }
  return message;
}

/** A string flag's value (the last one, if given several times). */
export function stringValue(parsed: ParsedCommand, name: string): string | undefined {
  const v = parsed.values[name];
  const last = Array.isArray(v) ? v.at(-1) : v;
  return typeof last === 'string' ? last : undefined;
}

export function stringValues(parsed: ParsedCommand, name: string): string[] {
  const v = parsed.values[name];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
}

/**
 * A count such as `1000`, `1_000_000`, `250k`, `42.4M` or `1e6`; a UsageError names the flag
 * when it is not a whole number within [min, max].
 */
export function countValue(text: string, flag: string, command: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const m = /^(\d+(?:\.\d+)?(?:e\d+)?)([kKmMgGbB]?)$/.exec(text.replaceAll('_', '').trim());
  const scale: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9, b: 1e9 };
  const n = m ? Number(m[1]) * scale[m[2]!.toLowerCase()]! : Number.NaN;
  const whole = Math.round(n);
  // 42.4M is 42400000 even though 42.4 * 1e6 is not exactly that in binary.
  if (!Number.isFinite(n) || Math.abs(n - whole) > 1e-9 * Math.max(1, n)) {
    throw new UsageError(`--${flag} must be a whole number (like 1000, 250k or 42.4M), not \`${text}\``, command);
  }
  if (whole < min || whole > max) throw new UsageError(`--${flag} must be between ${min} and ${max.toLocaleString('en-US')}, not ${text}`, command);
  return whole;
}
