/**
 * Memory of a Chromium process tree: the proportional set size (PSS) summed over the browser and
 * every descendant (renderer, GPU, utility processes), read from /proc. Linux only.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** PSS in bytes of the process tree whose root's command line holds `marker`. */
export function chromiumPss(marker: string): number {
  return chromiumPssByProcess(marker).reduce((n, p) => n + p.bytes, 0);
}

/** The same, per process: its kind (browser, renderer, gpu-process, utility…) and PSS in bytes. */
export function chromiumPssByProcess(marker: string): { pid: number; kind: string; bytes: number }[] {
  const parent = new Map<number, number>();
  let root = -1;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      if (root < 0 && readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(marker)) {
        const ppid = parent.get(Number(name))!;
        if (!readFileSync(`/proc/${ppid}/cmdline`, 'utf8').includes(marker)) root = Number(name);
      }
    } catch {
      // The process ended while being read.
    }
  }
  const out: { pid: number; kind: string; bytes: number }[] = [];
  for (const pid of parent.keys()) {
    let p = pid;
    while (p > 1 && p !== root) p = parent.get(p) ?? 0;
    if (p !== root) continue;
    try {
      const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const kind = /--type=([\w-]+)/.exec(cmd)?.[1] ?? 'browser';
      const sub = /--utility-sub-type=([\w.]+)/.exec(cmd)?.[1];
      if (m) out.push({ pid, kind: sub ? `${kind} (${sub})` : kind, bytes: Number(m[1]) * 1024 });
    } catch {
      // Gone.
    }
  }
  return out;
}

/**
 * Samples every `intervalMs` (250 ms by default: reading /proc costs CPU the browser needs); `peak` is
 * the highest since the last reset.
 */
export class PssSampler {
  peak = 0;
  last = 0;
  /** Every sample as [epoch ms, bytes], for a timeline (`bench:browser --trace`). */
  readonly series: [number, number][] = [];
  private readonly timer: ReturnType<typeof setInterval>;
  constructor(
    private readonly marker: string,
    intervalMs = 250,
  ) {
    this.timer = setInterval(() => this.sample(), intervalMs);
  }
  sample(): number {
    this.last = chromiumPss(this.marker);
    this.peak = Math.max(this.peak, this.last);
    this.series.push([Date.now(), this.last]);
    return this.last;
  }
  reset(): void {
    this.sample();
    this.peak = this.last;
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

/** Lets the processes settle (garbage collected, pages returned) before a memory figure: a timed window. */
export const settle = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
