// A plain type: the UI imports it too (see ../ui/api/client.ts), so nothing here may need Node.

/** `POST /api/segment-preview`: what the editor shows while a segment's rule is typed. */
export interface SegmentPreview {
  segment: string;
  source: string;
  size: number;
  /** Every customer of the source (who has an event at or before the as-of time). */
  total: number;
  /** size / total (0 without customers). */
  share: number;
  /** Customers in both this segment and `overlapWith`, when one was asked for. */
  overlap: { segment: string; otherSize: number; both: number; shareOfSegment: number; shareOfOther: number } | null;
  millis: number;
}
