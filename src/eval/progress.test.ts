import { describe, expect, it } from 'vitest';
import { formatDuration, formatRate, ProgressBar } from './progress';

describe('progress bar', () => {
  it('formats durations and the ETA from the rate so far', () => {
    expect(formatDuration(5)).toBe('0:05');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(Number.NaN)).toBe('--:--');
    // 10 of 40 done in 5 s → 15 s left.
    expect(ProgressBar.line('x', 10, 40, 5, 8)).toBe(
      'x [=>      ] 10/40  25% 0:05 elapsed, 2.0 images/s, ETA 0:15',
    );
    // 37 of 1000 in 59.2 s: 1.6 s each, 963 · 1.6 s = 25:41 left.
    expect(ProgressBar.line('scoring', 37, 1000, 59.2, 4)).toBe(
      'scoring [    ] 37/1000   3% 0:59 elapsed, 1.6 s/image, ETA 25:41',
    );
    expect(ProgressBar.line('x', 0, 40, 0, 4)).toBe('x [    ] 0/40   0% 0:00 elapsed, ETA --:--');
    expect(ProgressBar.line('x', 4, 4, 2, 4)).toBe('x [====] 4/4 100% 0:02 elapsed, 2.0 images/s, ETA 0:00');
  });

  it('gives the rate per second when fast, seconds per item when slow, nothing before the first', () => {
    expect(formatRate(10, 4, 'image')).toBe('2.5 s/image');
    expect(formatRate(1, 1, 'image')).toBe('1.0 s/image');
    expect(formatRate(2, 25, 'run')).toBe('12.5 runs/s');
    expect(formatRate(0, 0, 'image')).toBe('');
    expect(formatRate(3, 0, 'image')).toBe('');
  });

  it('clears the bar for a note and draws it again below; never wider than the terminal', () => {
    const out: string[] = [];
    const bar = new ProgressBar({ isTTY: true, columns: 30, write: (s) => out.push(s) }, 'scoring', 2);
    bar.note('winclip: a.png: not an image\n');
    expect(out[1]).toBe('\r\u001b[Kwinclip: a.png: not an image\n');
    expect(out[2].startsWith('\rscoring [')).toBe(true);
    for (const s of [out[0], out[2]]) expect(s.replace('\r', '').replace('\u001b[K', '')).toHaveLength(29);
    const log: string[] = [];
    new ProgressBar({ write: (s) => log.push(s) }, 'scoring', 2).note('winclip: b.png: gone\n');
    expect(log).toEqual(['winclip: b.png: gone\n']);
  });

  it('redraws in place on a terminal and prints one line otherwise', () => {
    const tty: string[] = [];
    const bar = new ProgressBar({ isTTY: true, write: (s) => tty.push(s) }, 'enc', 3);
    bar.tick();
    bar.tick(2);
    bar.finish('done');
    expect(tty[0].startsWith('\renc [')).toBe(true);
    const last = tty.at(-1)!;
    expect(last).toMatch(/3\/3 100%.*\(done\)/);
    expect(last.endsWith('\u001b[K\n')).toBe(true);
    const log: string[] = [];
    const plain = new ProgressBar({ write: (s) => log.push(s) }, 'enc', 2);
    plain.tick(2);
    plain.finish();
    expect(log).toEqual(['enc: 2/2 images in 0:00\n']);
  });
});
