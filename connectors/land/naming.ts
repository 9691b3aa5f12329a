/**
 * The names of landed files. A flush of one Kafka partition (a "unit": the messages at offsets
 * first..last, every one of them) writes one file per event day and one per dead-letter day, all
 * named `<topic>+<partition>+<first>+<last>.parquet` (Kafka Connect's HDFS-sink convention):
 *
 *   <lake>/<source>/date=YYYY-MM-DD/<topic>+<partition>+<first>+<last>.parquet
 *   <lake>/_deadletter/<source>/date=YYYY-MM-DD/<topic>+<partition>+<first>+<last>.parquet
 *
 * Topic names are `[a-zA-Z0-9._-]+`, so `+` separates the fields unambiguously.
 */

/** The folder of the dead-letter dataset of a source, relative to the lake. */
export function deadLetterDataset(source: string): string {
  return `_deadletter/${source}`;
}

export function unitFileName(topic: string, partition: number, first: bigint, last: bigint): string {
  return `${topic}+${partition}+${first}+${last}.parquet`;
}

export interface UnitName {
  topic: string;
  partition: number;
  first: bigint;
  last: bigint;
}

const unitPattern = /^([A-Za-z0-9._-]+)\+(\d+)\+(\d+)\+(\d+)\.parquet$/;

/** The fields of a landed file's name, or undefined when it is not one. */
export function parseUnitFileName(name: string): UnitName | undefined {
  const m = unitPattern.exec(name);
  if (!m) return undefined;
  return { topic: m[1]!, partition: Number(m[2]), first: BigInt(m[3]!), last: BigInt(m[4]!) };
}

/** Whether a hidden name is a temp file of a landed file of this topic and partition (left by a crash). */
export function isUnitTempName(name: string, topic: string, partition: number): boolean {
  return name.startsWith(`.${topic}+${partition}+`) && name.endsWith('.tmp');
}

/** `topic/partition`, the key of per-partition state and the place in messages. */
export function tpKey(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}
