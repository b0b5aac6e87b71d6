import { describe, expect, it } from 'vitest';
import { formatDuration, ProgressBar } from './progress';

describe('progress bar', () => {
  it('formats durations and the ETA from the rate so far', () => {
    expect(formatDuration(5)).toBe('0:05');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(Number.NaN)).toBe('--:--');
    // 10 of 40 done in 5 s → 15 s left.
    expect(ProgressBar.line('x', 10, 40, 5, 8)).toBe('x [=>      ] 10/40  25% 0:05 elapsed, ETA 0:15');
    expect(ProgressBar.line('x', 0, 40, 0, 4)).toBe('x [    ] 0/40   0% 0:00 elapsed, ETA --:--');
    expect(ProgressBar.line('x', 4, 4, 2, 4)).toBe('x [====] 4/4 100% 0:02 elapsed, ETA 0:00');
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
