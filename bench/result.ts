/** One figure `npm run bench` prints. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** The target, as text, when there is one. */
  target?: string;
  /** Whether the target was met. */
  ok?: boolean;
  note?: string;
}
