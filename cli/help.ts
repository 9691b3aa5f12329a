import type { CommandSpec } from './args.js';
import { commandSpecs } from './specs.js';

export function usageLine(spec: CommandSpec): string {
  const flags = Object.entries(spec.options)
    .map(([name, o]) => (o.type === 'boolean' ? `[--${name}]` : `[--${name} ${o.value ?? 'VALUE'}]`))
    .join(' ');
  return ['usage: kohort', spec.name, spec.args, flags].filter(Boolean).join(' ');
}

export function commandHelp(spec: CommandSpec): string {
  const rows = Object.entries(spec.options).map(([name, o]) => [`--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`, o.help]);
  rows.push(['-h, --help', 'show this help']);
  const width = Math.max(...rows.map(([f]) => f!.length));
  const lines = [`kohort ${spec.name}: ${spec.summary}`, '', usageLine(spec), '', 'options:', ...rows.map(([f, h]) => `  ${f!.padEnd(width)}  ${h}`)];
  if (spec.details) lines.push('', spec.details);
  return lines.join('\n') + '\n';
}

export function mainHelp(): string {
  const width = Math.max(...commandSpecs.map((c) => `${c.name} ${c.args}`.length));
  return [
    'kohort: customer profiles and segments from behaviour events',
    '',
    'usage: kohort COMMAND [options]',
    '',
    'commands:',
    ...commandSpecs.map((c) => `  ${`${c.name} ${c.args}`.padEnd(width)}  ${c.summary}`),
    '',
    'options:',
    '  -h, --help     show this help (kohort help COMMAND for a command’s)',
    '  -v, --version  print the version',
    '',
    'The lake is --lake DIR, else $KOHORT_LAKE, else ./lake. A notebook’s SQL may read only',
    'files in the notebook’s folder and the lake.',
    '',
  ].join('\n');
}
