/**
 * What the workbench shows of webhook deliveries (`GET /api/deliveries`), as plain types: the UI
 * imports them too, so this module imports nothing that needs Node.
 */

/** Which side of a segment's change a batch carries. */
export type MembershipChange = 'joined' | 'left';

export type BatchStatus = 'delivered' | 'pending' | 'failing';

/** One batch as the workbench shows it. */
export interface BatchSummary {
  deliveryId: string;
  segment: string;
  change: MembershipChange;
  index: number;
  members: number;
  attempts: number;
  /** `pending`: not tried yet (or waiting behind a failing batch); `failing`: tried, not taken yet. */
  status: BatchStatus;
  lastStatus?: number;
  lastError?: string;
  lastAttemptAt?: string;
}

/** One run's deliveries to one destination. */
export interface DeliverySummary {
  run: string;
  asOf: string | null;
  destination: string;
  url: string;
  status: BatchStatus;
  batches: number;
  delivered: number;
  joined: number;
  left: number;
  attempts: number;
  lastError?: string;
  lastAttemptAt?: string;
  items: BatchSummary[];
}
