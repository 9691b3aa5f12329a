import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { isUserError, UserError } from '../../engine/user-error.js';
import { notebookPipeline } from './from-notebook.js';
import { startLander, type LandStatus } from './lander.js';
import type { MessageFormat } from './message.js';

export const landUsage = `kohort land NOTEBOOK.kohort [--pipeline NAME] [--lake DIR]
kohort land --topic T [--topic T2…] --brokers HOST:PORT --lake DIR|hdfs://…|webhdfs://…
            [--source events] [--format auto|json|csv] [--group ID]
            [--flush-rows 100000] [--flush-bytes 33554432] [--flush-seconds 2] [--status text|json|none]
            [--session-timeout 30]

Lands Kafka topics of REES46 events (JSON objects or CSV lines) in the lake as Parquet, exactly once,
as a notebook's pipeline cell says (the first form; the notebook's lake is --lake unless the
pipeline names one) or as the flags say (the second), until stopped (Ctrl-C lands what is buffered, then exits). Bad messages go to
<lake>/_deadletter/<source>/ with their reason. --brokers defaults to $KAFKA_BROKERS, --lake to
$KOHORT_LAKE, else ./lake.`;

/**
 * `kohort land`: runs a lander until SIGINT/SIGTERM, printing a status line to stderr about once a
 * second. Returns the exit code.
 */
export async function landCommand(argv: string[], io: { err: (s: string) => void } = { err: (s) => process.stderr.write(s) }): Promise<number> {
  const { values, positionals } = parseFlags(() => parseArgs({
    args: argv,
    options: {
      topic: { type: 'string', multiple: true },
      brokers: { type: 'string' },
      lake: { type: 'string' },
      source: { type: 'string' },
      format: { type: 'string' },
      group: { type: 'string' },
      'flush-rows': { type: 'string' },
      'flush-bytes': { type: 'string' },
      'flush-seconds': { type: 'string' },
      status: { type: 'string' },
      'session-timeout': { type: 'string' },
      pipeline: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: true,
  }));
  if (values.help) {
    io.err(`${landUsage}\n`);
    return 0;
  }
  if (positionals.length > 1) throw new UserError(`land takes one notebook, not ${positionals.length} arguments`);
  if (positionals[0] !== undefined) {
    // Notebook mode: the pipeline cell decides; flags that would contradict it are refused.
    const clash = (['topic', 'brokers', 'source', 'format', 'group', 'flush-rows', 'flush-bytes', 'flush-seconds'] as const).filter((k) => values[k] !== undefined);
    if (clash.length) throw new UserError(`with a notebook, the pipeline cell sets ${clash.map((k) => `--${k}`).join(', ')}; change the cell instead`);
    const { spec } = notebookPipeline(positionals[0], values.pipeline);
    values.topic = spec.topics;
    values.brokers = spec.brokers.join(',');
    values.source = spec.dataset;
    values.format = spec.format;
    if (spec.group) values.group = spec.group;
    if (spec.lake) values.lake = spec.lake;
    values['flush-rows'] = String(spec.flush.rows);
    values['flush-bytes'] = String(spec.flush.bytes);
    values['flush-seconds'] = String(spec.flush.seconds);
  } else if (values.pipeline !== undefined) {
    throw new UserError('--pipeline names a pipeline cell of a notebook: kohort land NOTEBOOK.kohort --pipeline NAME');
  }
  const brokers = values.brokers ?? process.env['KAFKA_BROKERS'];
  if (!brokers) throw new UserError('--brokers is required (or set $KAFKA_BROKERS), e.g. --brokers 127.0.0.1:9092');
  if (!values.topic?.length) throw new UserError('--topic is required, e.g. --topic events');
  const format = (values.format ?? 'auto') as MessageFormat;
  if (!['auto', 'json', 'csv'].includes(format)) throw new UserError(`--format is auto, json or csv, not \`${format}\``);
  const statusMode = values.status ?? 'text';
  if (!['text', 'json', 'none'].includes(statusMode)) throw new UserError(`--status is text, json or none, not \`${statusMode}\``);
  const flush: Record<string, number> = {};
  for (const k of ['rows', 'bytes', 'seconds'] as const) {
    const v = values[`flush-${k}`];
    if (v === undefined) continue;
    const n = Number(v);
    if (!(n > 0)) throw new UserError(`--flush-${k} must be a positive number, not \`${v}\``);
    flush[k] = n;
  }
  const print = (s: LandStatus) => {
    if (statusMode === 'json') io.err(`${JSON.stringify(s)}\n`);
    else if (statusMode === 'text') io.err(`${formatLandStatus(s)}\n`);
  };
  const lander = await startLander({
    brokers,
    topics: values.topic,
    lake: values.lake ?? process.env['KOHORT_LAKE'] ?? './lake',
    source: values.source ?? 'events',
    format,
    ...(values.group ? { groupId: values.group } : {}),
    ...(values['session-timeout'] ? { sessionTimeoutMs: Number(values['session-timeout']) * 1000 } : {}),
    flush,
    onStatus: print,
  });
  let stopping = false;
  const stop = () => {
    if (stopping) {
      // A second Ctrl-C while waiting (e.g. for HDFS): leave now. Safe: what was not committed is
      // landed again, once, on the next start.
      io.err('land: stopped without landing the buffered messages; they are landed on the next start\n');
      process.exit(130);
    }
    stopping = true;
    io.err('land: stopping — landing what is buffered (Ctrl-C again to leave at once)\n');
    void lander.stop().catch(() => undefined);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    await lander.finished;
    print(lander.status);
    return 0;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

/** One status line: `landed 12,345 · dead letters 3 (bad-price 3) · files 12 · buffered 100 · lake …`. */
export function formatLandStatus(s: LandStatus): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const codes = Object.entries(s.deadLetterCodes).map(([c, k]) => `${c} ${n(k)}`).join(', ');
  const parts = [
    `landed ${n(s.landed)}`,
    `dead letters ${n(s.deadLetters)}${codes ? ` (${codes})` : ''}`,
    `files ${n(s.files)}`,
    `buffered ${n(s.buffered)}`,
  ];
  if (s.repaired) parts.push(`repaired ${n(s.repaired)}`);
  if (s.waiting) parts.push(`WAITING: ${s.waiting}`);
  if (s.kafka) parts.push(`kafka: ${s.kafka}`);
  return `land: ${parts.join(' · ')}`;
}

/** parseArgs, with its refusals (unknown flag, missing value) as UserErrors. */
export function parseFlags<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) throw new UserError((e as Error).message);
    throw e;
  }
}

/** Runs a command function as a process: UserErrors print plainly, bugs with their stack. */
export async function runAsMain(command: (argv: string[]) => Promise<number>): Promise<void> {
  try {
    process.exitCode = await command(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(isUserError(e) ? `error: ${e.message}\n` : `internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = isUserError(e) ? 1 : 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await runAsMain((argv) => landCommand(argv));
