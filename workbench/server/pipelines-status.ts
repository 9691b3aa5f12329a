import type { LandPartitionStatus } from '../../connectors/land/partition-status.js';

/**
 * What `GET /api/pipelines` answers: the pipelines `kohort serve` runs and the lake queries read.
 * Plain types, shared by the server and the UI. Offsets are decimal strings (Kafka's
 * are 64-bit); counts are since the server started the pipeline; times are ISO 8601.
 */

/**
 * - `starting`: connecting to Kafka and finding where to resume from the lake.
 * - `running`: landing (or waiting for messages).
 * - `retrying`: waiting for Kafka or HDFS, or restarting after an error; `reason` says which.
 * - `failed`: will not run until its cell changes (an error in the cell, a refusal retrying cannot fix); `reason` says why.
 * - `stopped`: the server is shutting down, or pipelines are turned off.
 */
export type PipelineState = 'starting' | 'running' | 'retrying' | 'failed' | 'stopped';

/** One topic-partition of a pipeline (the lander's own status of it). */
export type PipelinePartitionStatus = LandPartitionStatus;

export interface PipelineStatus {
  /** `<notebook>#<name>`. */
  id: string;
  /** The notebook, relative to the workspace. */
  notebook: string;
  /** The pipeline cell's name. */
  name: string;
  /** `file:line:col` of the definition. */
  place: string;
  state: PipelineState;
  /** Why it is retrying or failed; empty otherwise. */
  reason: string;
  /** When it entered its state. */
  since: string;
  /** Restarts after errors since the server started it. */
  restarts: number;
  topics: string[];
  brokers: string[];
  format: 'json' | 'csv' | null;
  /** The lake dataset it lands into. */
  dataset: string | null;
  /** Where the lake is: a folder, or `hdfs://… (WebHDFS …)`. */
  lake: string | null;
  /** The Kafka consumer group. */
  group: string | null;
  /** The assigned partitions, by topic then partition. */
  partitions: PipelinePartitionStatus[];
  totals: {
    rows: number;
    files: number;
    deadLetters: number;
    /** Dead letters by reason code, e.g. `bad-price`. */
    deadLetterCodes: Record<string, number>;
    /** Sum over partitions; null while any partition's is unknown. */
    lag: number | null;
    /** Messages read, not yet landed. */
    buffered: number;
  };
  lastFileAt: string | null;
  /** The last warning from Kafka (recent ones only), e.g. a rebalance. */
  kafka: string;
}

/** The lake the notebooks' queries read, and for an HDFS lake, its local cache. */
export interface LakeStatus {
  /** As given to `kohort serve`: a folder or an `hdfs://` address. */
  address: string;
  /** For an HDFS lake: `hdfs://… (WebHDFS …)`. */
  remote: string | null;
  /** For an HDFS lake: when the cache last synced a dataset without error. */
  lastSyncAt: string | null;
  /** For an HDFS lake: the last sync's error, while it lasts (e.g. HDFS down), naming the address. */
  error: string | null;
}

export interface PipelinesReport {
  pipelines: PipelineStatus[];
  lake: LakeStatus;
  /** When this report was made. */
  at: string;
}
