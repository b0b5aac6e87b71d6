/**
 * A progress bar with ETA on stderr. On a terminal it redraws in place (at most ~10 times a second);
 * otherwise (logs, CI, child processes) it prints one line when a bar finishes. Shared by `winclip eval`
 * and, on a terminal only, `winclip score` and `winclip calibrate`.
 */

export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** Speed so far: seconds per item when slower than one a second ("1.6 s/image"), else items a second. */
export function formatRate(elapsed: number, done: number, unit: string): string {
  if (!(done > 0 && elapsed > 0)) return '';
  const perItem = elapsed / done;
  return perItem >= 1 ? `${perItem.toFixed(1)} s/${unit}` : `${(1 / perItem).toFixed(1)} ${unit}s/s`;
}

export class ProgressBar {
  private done = 0;
  private readonly start = performance.now();
  private lastDraw = 0;

  constructor(
    private readonly stream: ProgressStream,
    private readonly label: string,
    private readonly total: number,
    /** Singular: "image" gives "1.6 s/image" and "3/3 images". */
    private readonly unit = 'image',
  ) {
    this.draw(true);
  }

  /** The line as drawn for `done` of `total` after `elapsed` seconds. */
  static line(
    label: string,
    done: number,
    total: number,
    elapsed: number,
    width = 24,
    unit = 'image',
  ): string {
    const frac = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(frac * width);
    const bar = `${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? (frac < 1 ? '>' : '=') : ''}${' '.repeat(width - filled)}`;
    const eta = done > 0 ? (elapsed / done) * (total - done) : Number.NaN;
    const pct = `${Math.floor(frac * 100)}`.padStart(3);
    const rate = formatRate(elapsed, done, unit);
    return `${label} [${bar}] ${done}/${total} ${pct}% ${formatDuration(elapsed)} elapsed, ${rate ? `${rate}, ` : ''}ETA ${formatDuration(eta)}`;
  }

  tick(n = 1): void {
    this.done += n;
    this.draw(false);
  }

  private draw(force: boolean): void {
    if (!this.stream.isTTY) return;
    const now = performance.now();
    if (!force && now - this.lastDraw < 100 && this.done < this.total) return;
    this.lastDraw = now;
    const elapsed = (now - this.start) / 1000;
    this.stream.write(
      `\r${this.fit(ProgressBar.line(this.label, this.done, this.total, elapsed, 24, this.unit))}\x1b[K`,
    );
  }

  /** A line of its own (an error, a note) while the bar is shown: the bar is cleared, then redrawn below it. */
  note(line: string): void {
    if (!this.stream.isTTY) {
      this.stream.write(line);
      return;
    }
    this.stream.write(`\r\x1b[K${line}`);
    this.draw(true);
  }

  finish(note = ''): void {
    const elapsed = (performance.now() - this.start) / 1000;
    const tail = note ? ` (${note})` : '';
    if (this.stream.isTTY)
      this.stream.write(
        `\r${this.fit(`${ProgressBar.line(this.label, this.done, this.total, elapsed, 24, this.unit)}${tail}`)}\x1b[K\n`,
      );
    else
      this.stream.write(
        `${this.label}: ${this.done}/${this.total} ${this.unit}s in ${formatDuration(elapsed)}${tail}\n`,
      );
  }

  /** Cut to the terminal's width: a line that wraps can no longer be redrawn in place with \r. */
  private fit(line: string): string {
    const cols = this.stream.columns;
    return cols && line.length >= cols ? line.slice(0, cols - 1) : line;
  }
}
