/** What a progress display writes to: stderr, normally. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * Progress of a long job. On a terminal it redraws one bar in place (at most ~10 times a second);
 * elsewhere (a log, CI) it prints a plain line every 10% so logs stay readable, and nothing at
 * all for a job done within a second.
 */
export class Progress {
  private readonly started: number;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private lastDecile = -1;
  private drawn = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly unit: string,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.started = now();
  }

  update(done: number, total: number): void {
    if (total <= 0) return;
    const fraction = Math.min(1, done / total);
    if (this.stream.isTTY) {
      const t = this.now();
      if (t - this.lastDraw < 100 && done < total) return;
      this.lastDraw = t;
      this.stream.write(`\r${this.bar(done, total, fraction)}\x1b[K`);
      this.drawn = true;
    } else {
      const decile = Math.floor(fraction * 10);
      if (this.now() - this.started < 1000) return;
      if (decile === this.lastDecile || (decile === 10 && done < total)) return;
      this.lastDecile = decile;
      this.stream.write(`${this.line(done, total, fraction)}\n`);
    }
  }

  /** Ends the display: a terminal bar is finished with a newline. */
  done(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }

  private rate(done: number): string {
    const seconds = (this.now() - this.started) / 1000;
    return seconds > 0 ? `${compact(done / seconds)}/s` : '';
  }

  private line(done: number, total: number, fraction: number): string {
    return `${(fraction * 100).toFixed(0).padStart(3)}%  ${compact(done)} of ${compact(total)} ${this.unit}  ${this.rate(done)}`.trimEnd();
  }

  private bar(done: number, total: number, fraction: number): string {
    const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - 45));
    const full = Math.round(fraction * width);
    return `[${'#'.repeat(full)}${' '.repeat(width - full)}] ${this.line(done, total, fraction)}`;
  }
}

/** 42400000 → `42.4M`, 1500 → `1.5k`. */
export function compact(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${trim((n / 1e9).toFixed(1))}G`;
  if (abs >= 1e6) return `${trim((n / 1e6).toFixed(1))}M`;
  if (abs >= 1e3) return `${trim((n / 1e3).toFixed(1))}k`;
  return String(Math.round(n));
}

function trim(s: string): string {
  return s.replace(/\.0$/, '');
}
