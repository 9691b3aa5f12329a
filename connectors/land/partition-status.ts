/**
 * The status of one topic-partition of a lander: plain data without imports, so the workbench's
 * API types (and its UI) share it. Offsets are decimal strings (Kafka's are 64-bit); counts are
 * since the lander started.
 */
export interface LandPartitionStatus {
  topic: string;
  partition: number;
  /** The offset committed to Kafka (the next one to land), when known. */
  committed: string | null;
  /** Every message before this offset is in the lake. */
  landedUpTo: string | null;
  /** The offset the next message produced to the partition gets, when known. */
  highWatermark: string | null;
  /** Messages in Kafka not yet in the lake (`highWatermark − landedUpTo`), when both are known. */
  lag: number | null;
  /** Files made visible. */
  files: number;
  /** Events written to the lake. */
  rows: number;
  deadLetters: number;
  /** When a file of the partition last became visible, ISO 8601. */
  lastFileAt: string | null;
}
