import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { UserError } from '../../engine/user-error.js';
import { parseFlags, runAsMain } from '../land/command.js';
import { liveEvents } from './live.js';
import { replay, rowMessage, sendAll, type ReplayFormat, type ReplayMessage, type ReplayProgress, type ReplayReport } from './replay.js';

export const replayUsage = `kohort replay FILE.csv|LAKE --topic T --brokers HOST:PORT [--rate N] [--format json|csv]
              [--source events] [--partitions 4] [--limit N]
kohort replay --live --topic T --brokers HOST:PORT [--rate N] [--seed S] [--customers C] [--limit N]

Streams REES46 events into Kafka in event-time order, keyed by user_id, at N events/s (default: as
fast as the broker takes them). --live sends synthetic traffic stamped with the current time until
stopped. --brokers defaults to $KAFKA_BROKERS.`;

/** `kohort replay`. Returns the exit code; prints progress and a summary to stderr. */
export async function replayCommand(argv: string[], io: { err: (s: string) => void } = { err: (s) => process.stderr.write(s) }): Promise<number> {
  const { values, positionals } = parseFlags(() =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        topic: { type: 'string' },
        brokers: { type: 'string' },
        rate: { type: 'string' },
        format: { type: 'string' },
        source: { type: 'string' },
        partitions: { type: 'string' },
        limit: { type: 'string' },
        live: { type: 'boolean' },
        seed: { type: 'string' },
        customers: { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
    }),
  );
  if (values.help) {
    io.err(`${replayUsage}\n`);
    return 0;
  }
  const brokers = values.brokers ?? process.env['KAFKA_BROKERS'];
  if (!brokers) throw new UserError('--brokers is required (or set $KAFKA_BROKERS), e.g. --brokers 127.0.0.1:9092');
  if (!values.topic) throw new UserError('--topic is required, e.g. --topic events');
  const format = (values.format ?? 'json') as ReplayFormat;
  if (format !== 'json' && format !== 'csv') throw new UserError(`--format is json or csv, not \`${format}\``);
  const number = (flag: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!(n > 0)) throw new UserError(`--${flag} must be a positive number, not \`${v}\``);
    return n;
  };
  const controller = new AbortController();
  const abort = () => controller.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  const onProgress = values.quiet
    ? undefined
    : (p: ReplayProgress) => io.err(`replay: sent ${p.sent.toLocaleString('en-US')}${p.skipped ? ` · skipped ${p.skipped}` : ''} · ${p.seconds.toFixed(1)} s\n`);
  const common = {
    brokers,
    topic: values.topic,
    signal: controller.signal,
    ...(values.rate !== undefined ? { rate: number('rate', values.rate)! } : {}),
    ...(values.partitions !== undefined ? { partitions: number('partitions', values.partitions)! } : {}),
    ...(values.limit !== undefined ? { limit: number('limit', values.limit)! } : {}),
    ...(onProgress ? { onProgress } : {}),
  };
  let report: ReplayReport;
  try {
    if (values.live) {
      if (positionals.length > 0) throw new UserError('--live takes no input file');
      const events = liveEvents({ seed: number('seed', values.seed) ?? Date.now() % 2 ** 31, customers: number('customers', values.customers) ?? 5000 });
      async function* messages(): AsyncGenerator<ReplayMessage> {
        for (const row of events) yield rowMessage(row, format);
      }
      report = await sendAll({ rate: 1000, ...common, messages: messages() });
    } else {
      if (positionals.length !== 1) throw new UserError('give one REES46 CSV file or lake to replay (or --live)');
      report = await replay({ ...common, from: positionals[0]!, format, source: values.source ?? 'events' });
    }
  } finally {
    process.off('SIGINT', abort);
    process.off('SIGTERM', abort);
  }
  io.err(
    `replay: sent ${report.sent.toLocaleString('en-US')} events to ${values.topic} in ${report.seconds.toFixed(1)} s ` +
      `(${Math.round(report.perSecond).toLocaleString('en-US')}/s)${report.skipped ? `; skipped ${report.skipped} bad rows` : ''}\n`,
  );
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await runAsMain((argv) => replayCommand(argv));
