import { Kafka, Partitioners, logLevel, type Admin, type KafkaConfig, type LogEntry } from 'kafkajs';
import { UserError } from '../../engine/user-error.js';

/**
 * kafkajs, set up the way kohort uses it: plain TCP brokers given as `host:port,host:port`,
 * retries with backoff while a broker is away,
 * and kafkajs's own log lines passed to `onLog` instead of printed as JSON.
 */
export interface KafkaClientOptions {
  /** `host:port`, one or several (an array or comma-separated). */
  brokers: string | readonly string[];
  clientId?: string;
  /** Retries of a failed request, with backoff up to 5 s. Default 8 (about 30 s). */
  retries?: number;
  /** kafkajs's log lines at WARN and above, e.g. for a status line. Default: dropped. */
  onLog?: (entry: { level: 'error' | 'warn'; message: string }) => void;
}

/** `host:port` items from a string or list; a UserError for anything else. */
export function parseBrokers(brokers: string | readonly string[]): string[] {
  const list = (typeof brokers === 'string' ? brokers.split(',') : [...brokers]).map((b) => b.trim()).filter(Boolean);
  if (list.length === 0) throw new UserError('no Kafka brokers given (expected host:port, e.g. 127.0.0.1:9092)');
  for (const b of list) {
    if (!/^[^\s:/]+:\d{1,5}$/.test(b) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(b)) {
      throw new UserError(`not a Kafka broker address: \`${b}\` (expected host:port, e.g. 127.0.0.1:9092)`);
    }
  }
  return list;
}

export function kafkaClient(options: KafkaClientOptions): Kafka {
  const config: KafkaConfig = {
    clientId: options.clientId ?? 'kohort',
    brokers: parseBrokers(options.brokers),
    connectionTimeout: 3000,
    requestTimeout: 30_000,
    // A consumer that runs out of retries restarts itself (kafkajs's restartOnFailure), so a
    // broker restart is waited out either way; a producer's send fails after them.
    retry: { initialRetryTime: 300, maxRetryTime: 5000, retries: options.retries ?? 8 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        if (!options.onLog || level > logLevel.WARN) return;
        const { message, error } = log as { message: string; error?: string };
        options.onLog({ level: level <= logLevel.ERROR ? 'error' : 'warn', message: error ? `${message}: ${error}` : message });
      },
  };
  return new Kafka(config);
}

/** The default partitioner (murmur2 of the key, as Java clients do), without kafkajs's v2 warning. */
export const keyPartitioner = Partitioners.DefaultPartitioner;

/** Creates the topic if it does not exist (single-node friendly: replication 1). True when created. */
export async function ensureTopic(admin: Admin, topic: string, partitions: number): Promise<boolean> {
  checkTopicName(topic);
  const existing = await admin.listTopics();
  if (existing.includes(topic)) return false;
  return admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
}

/** A UserError unless `topic` is a legal Kafka topic name. */
export function checkTopicName(topic: string): void {
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(topic) || topic === '.' || topic === '..') {
    throw new UserError(`\`${topic}\` is not a Kafka topic name: use letters, digits, \`.\`, \`_\` and \`-\``);
  }
}
