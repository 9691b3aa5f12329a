import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkSourceName, datasetGlob } from '../../engine/lake.js';
import { UserError } from '../../engine/user-error.js';
import { openConnectorDb, sqlString, type ConnectorDb } from '../duckdb.js';
import { HdfsMirror } from '../hdfs/cache.js';
import { WebHdfs } from '../hdfs/webhdfs.js';
import { ensureTopic, kafkaClient, keyPartitioner } from '../kafka/client.js';
import { splitCsvLine } from '../land/message.js';
import { parseLakeLocation } from '../land/storage.js';
import { rees46Columns, rees46CsvHeader, validateRees46Row, type Rees46Row } from '../rees46.js';

/** How events are written into Kafka messages. */
export type ReplayFormat = 'json' | 'csv';

export interface ReplayOptions {
  brokers: string | readonly string[];
  topic: string;
  /** A REES46 CSV file, or a lake (folder, `hdfs://…`, `webhdfs://…`) whose `source` dataset is read. */
  from: string;
  /** The lake dataset to read. Default `events`. */
  source?: string;
  /** Events per second; default: as fast as the broker takes them. */
  rate?: number;
  /**
   * `json` (default): one object per event, ids as strings (exact beyond 2^53), price a number,
   * `event_time` as `YYYY-MM-DD HH:MM:SS UTC`. `csv`: one REES46 CSV line (from a CSV file, the
   * original line, byte for byte).
   */
  format?: ReplayFormat;
  /** Partitions of the topic when it has to be created. Default 4. */
  partitions?: number;
  /** Stop after this many events. */
  limit?: number;
  /** About twice a second. */
  onProgress?: (p: ReplayProgress) => void;
  signal?: AbortSignal;
}

export interface ReplayProgress {
  sent: number;
  /** Rows of a CSV file that the REES46 checks refuse (not sent). */
  skipped: number;
  seconds: number;
}

export interface ReplayReport extends ReplayProgress {
  /** Sent events per second, overall. */
  perSecond: number;
}

/** An event ready to send: the partition key (the user id) and the message value. */
export interface ReplayMessage {
  key: string;
  value: string;
}

/**
 * Streams REES46 events into a Kafka topic in event-time order (ties in file order), keyed by
 * `user_id` (so one customer's events stay in one partition, in order), at a steady rate.
 *
 * The producer is idempotent (the broker drops a retried batch it already has) and sends one
 * request at a time per broker, so a broker hiccup neither doubles nor reorders events.
 */
export async function replay(options: ReplayOptions): Promise<ReplayReport> {
  if (options.rate !== undefined && !(options.rate > 0)) throw new UserError(`--rate must be a positive number of events per second, not ${options.rate}`);
  const format = options.format ?? 'json';
  const source = openReplaySource(options.from, options.source ?? 'events', format);
  return sendAll({ ...options, messages: source.messages, skipped: source.skipped, close: source.close });
}

/** Sends any stream of messages (used by `replay` and the live mode). */
export async function sendAll(
  options: Omit<ReplayOptions, 'from' | 'format' | 'source'> & {
    messages: AsyncIterable<ReplayMessage>;
    skipped?: () => number;
    close?: () => Promise<void>;
  },
): Promise<ReplayReport> {
  const kafka = kafkaClient({ brokers: options.brokers, clientId: 'kohort-replay' });
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: keyPartitioner });
  const started = performance.now();
  const progress = (): ReplayProgress => ({ sent, skipped: options.skipped?.() ?? 0, seconds: (performance.now() - started) / 1000 });
  let sent = 0;
  try {
    await admin.connect();
    await ensureTopic(admin, options.topic, options.partitions ?? 4);
    await admin.disconnect();
    await producer.connect();
    const batchSize = options.rate ? Math.max(1, Math.min(5000, Math.round(options.rate / 20))) : 5000;
    let batch: { key: string; value: string }[] = [];
    let lastProgress = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      // One send at a time: concurrent sends can reach a partition out of order.
      await producer.send({ topic: options.topic, acks: -1, messages: batch });
      sent += batch.length;
      batch = [];
      if (options.rate) {
        // Steady pace: wait until `sent` events are due.
        const due = started + (sent / options.rate) * 1000;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      if (performance.now() - lastProgress > 500) {
        lastProgress = performance.now();
        options.onProgress?.(progress());
      }
    };
    for await (const m of options.messages) {
      if (options.signal?.aborted) break;
      if (options.limit !== undefined && sent + batch.length >= options.limit) break;
      batch.push(m);
      if (batch.length >= batchSize) await flush();
    }
    await flush();
  } finally {
    await options.close?.();
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
  const p = progress();
  options.onProgress?.(p);
  return { ...p, perSecond: p.seconds > 0 ? p.sent / p.seconds : 0 };
}

/** A REES46 row as a Kafka message in the given format. */
export function rowMessage(row: Rees46Row, format: ReplayFormat): ReplayMessage {
  const key = String(row.user_id);
  if (format === 'csv') return { key, value: rowCsv(row) };
  return {
    key,
    value: JSON.stringify({
      event_time: `${row.event_time} UTC`,
      event_type: row.event_type,
      product_id: String(row.product_id),
      category_id: String(row.category_id),
      category_code: row.category_code,
      brand: row.brand,
      price: row.price,
      user_id: String(row.user_id),
      user_session: row.user_session,
    }),
  };
}

function csvField(v: string | null): string {
  if (v === null) return '';
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/** A REES46 CSV line (no newline) for a row. */
export function rowCsv(row: Rees46Row): string {
  return [
    `${row.event_time} UTC`,
    row.event_type,
    String(row.product_id),
    String(row.category_id),
    csvField(row.category_code),
    csvField(row.brand),
    String(row.price),
    String(row.user_id),
    csvField(row.user_session),
  ].join(',');
}

interface ReplaySource {
  messages: AsyncIterable<ReplayMessage>;
  skipped: () => number;
  close: () => Promise<void>;
}

/** Reads a CSV file or a lake dataset in event-time order, through a private DuckDB. */
export function openReplaySource(from: string, source: string, format: ReplayFormat): ReplaySource {
  checkSourceName(source);
  let skipped = 0;
  let temp: string | undefined;
  let db: ConnectorDb | undefined;
  async function* messages(): AsyncGenerator<ReplayMessage> {
    temp = await mkdtemp(join(tmpdir(), 'kohort-replay-'));
    db = await openConnectorDb(temp);
    const location = parseLakeLocation(from);
    let sql: string;
    let csvFile = false;
    if (location.kind === 'hdfs') {
      const client = new WebHdfs({ url: location.webhdfs });
      const local = join(temp, 'lake');
      try {
        const mirror = new HdfsMirror({ client, remote: `${location.path}/${source}`, local: join(local, source) });
        const report = await mirror.sync();
        if (!report.exists || report.files === 0) throw new UserError(`no Parquet files in the lake dataset \`${source}\``, `${location.display}/${source}`);
      } finally {
        client.close();
      }
      sql = lakeSql(local, source);
    } else {
      const info = await stat(location.path).catch(() => undefined);
      if (!info) throw new UserError('no such file or folder', location.path);
      if (info.isDirectory()) {
        sql = lakeSql(location.path, source);
      } else {
        csvFile = true;
        await checkCsvHeader(location.path);
        sql = csvSql(location.path);
      }
    }
    const result = await db.connection.stream(sql);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const rows = chunk.getRows();
      for (const r of rows) {
        if (csvFile) {
          const line = String(r[0]);
          const fields = splitCsvLine(line);
          const checked = fields && fields.length === rees46Columns.length ? validateRees46Row(Object.fromEntries(rees46Columns.map((c, i) => [c.name, fields[i]]))) : undefined;
          if (!checked?.ok) {
            skipped++;
            continue;
          }
          yield format === 'csv' ? { key: String(checked.row.user_id), value: line } : rowMessage(checked.row, format);
        } else {
          const row: Rees46Row = {
            event_time: String(r[0]),
            event_type: String(r[1]) as Rees46Row['event_type'],
            product_id: BigInt(String(r[2])),
            category_id: BigInt(String(r[3])),
            category_code: r[4] === null ? null : String(r[4]),
            brand: r[5] === null ? null : String(r[5]),
            price: Number(r[6]),
            user_id: BigInt(String(r[7])),
            user_session: r[8] === null ? null : String(r[8]),
          };
          yield rowMessage(row, format);
        }
      }
    }
  }
  return {
    messages: messages(),
    skipped: () => skipped,
    close: async () => {
      db?.close();
      if (temp) await rm(temp, { recursive: true, force: true });
    },
  };
}

/** The lines of a REES46 CSV file (header checked, then dropped) in event-time order, ties by line. */
function csvSql(path: string): string {
  const lines =
    `read_csv(${sqlString(path)}, columns = {'raw': 'VARCHAR'}, header = false, auto_detect = false, ` +
    `delim = '\u0001\u0002\u0003', quote = '', escape = '')`;
  const time = `TRY_CAST(rtrim(replace(split_part(raw, ',', 1), 'T', ' '), ' UTCZ') AS TIMESTAMP)`;
  return `SELECT raw FROM (SELECT row_number() OVER () AS line, raw FROM ${lines})
    WHERE line > 1 AND raw IS NOT NULL AND raw <> '' AND raw <> ${sqlString(rees46CsvHeader)}
    ORDER BY ${time} NULLS LAST, line`;
}

/** A lake dataset's events in event-time order (ties by file and row), ids as exact text. */
function lakeSql(lake: string, source: string): string {
  const scan = `read_parquet(${sqlString(datasetGlob(lake, source))}, hive_partitioning = false, filename = true, file_row_number = true)`;
  return `SELECT
      CASE WHEN microsecond(event_time) % 1000000 = 0 THEN strftime(event_time, '%Y-%m-%d %H:%M:%S')
        ELSE strftime(event_time, '%Y-%m-%d %H:%M:%S.%f') END,
      event_type, CAST(product_id AS VARCHAR), CAST(category_id AS VARCHAR), category_code, brand, price,
      CAST(user_id AS VARCHAR), user_session
    FROM ${scan} ORDER BY event_time, filename, file_row_number`;
}

/** A UserError unless the file starts with the REES46 header line. */
async function checkCsvHeader(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const first = buffer.subarray(0, bytesRead).toString('utf8').split('\n', 1)[0]!.replace(/\r$/, '').replace(/^\uFEFF/, '');
    if (first !== rees46CsvHeader) {
      throw new UserError(`not a REES46 CSV file: the header is \`${first.slice(0, 200)}\`, expected \`${rees46CsvHeader}\``, path);
    }
  } finally {
    await handle.close();
  }
}
