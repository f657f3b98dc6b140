/** A progress bar for terminals; plain periodic lines when the stream is not a TTY. */

export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export class ProgressBar {
  private readonly start = Date.now();
  private lastPlain = 0;
  private done = 0;

  constructor(
    private readonly out: ProgressStream,
    private readonly total: number,
    private readonly label: string,
  ) {}

  /** Advances to `done` of `total` with a status text (loss, accuracy, images/s). */
  update(done: number, status: string): void {
    this.done = done;
    const elapsed = (Date.now() - this.start) / 1000;
    const eta = done > 0 ? (elapsed / done) * (this.total - done) : 0;
    const pct = this.total > 0 ? done / this.total : 1;
    const line = `${this.label} ${String(done).padStart(String(this.total).length)}/${this.total} ${status} | ${fmtTime(elapsed)} elapsed, ETA ${fmtTime(eta)}`;
    if (this.out.isTTY) {
      const width = Math.max(10, Math.min(30, (this.out.columns ?? 100) - line.length - 4));
      const fill = Math.round(pct * width);
      this.out.write(`\r\x1b[2K[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${line}`);
    } else if (done === this.total || Date.now() - this.lastPlain > 5000) {
      // not a terminal: a plain line at most every 5 s, and at the end
      this.lastPlain = Date.now();
      this.out.write(`${line}\n`);
    }
  }

  /** Ends the bar's line. */
  finish(): void {
    if (this.out.isTTY) this.out.write('\n');
    void this.done;
  }
}

export function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  const sec = Math.round(s - m * 60);
  return m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${(s).toFixed(1)}s`;
}
