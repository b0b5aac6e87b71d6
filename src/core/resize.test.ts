import { describe, expect, it } from 'vitest';
import { bilinearResize } from './resize';

describe('bilinearResize (align_corners = false, no antialias)', () => {
  it('2×2 → 4×4 by hand', () => {
    // 1-D taps for 2 → 4: src = 0.5·(d + 0.5) − 0.5 = −0.25→0, 0.25, 0.75, 1.25 (upper index clamped)
    // → weights of the second sample f = [0, 0.25, 0.75, 1]; out[y][x] = f[x]·1 + f[y]·2 for src [[0,1],[2,3]].
    const out = bilinearResize(new Float32Array([0, 1, 2, 3]), 2, 2, 4, 4);
    const f = [0, 0.25, 0.75, 1];
    const want = f.flatMap((fy) => f.map((fx) => fx + 2 * fy));
    expect([...out]).toEqual(want);
  });

  it('4 → 2 downscale averages pairs (no antialiasing)', () => {
    // src = 2·(d + 0.5) − 0.5 = 0.5, 2.5.
    const out = bilinearResize(new Float32Array([1, 3, 10, 20]), 4, 1, 2, 1);
    expect([...out]).toEqual([2, 15]);
  });

  it('4 → 3 downscale by hand', () => {
    // scale 4/3: src = 0.1667, 1.5, 2.8333.
    const out = bilinearResize(new Float32Array([0, 6, 12, 18]), 4, 1, 3, 1);
    expect(out[0]).toBeCloseTo(1, 5);
    expect(out[1]).toBeCloseTo(9, 5);
    expect(out[2]).toBeCloseTo(17, 5);
  });

  it('identity at the same size, non-square shapes', () => {
    const src = new Float32Array([1, 2, 3, 4, 5, 6]);
    expect([...bilinearResize(src, 3, 2, 3, 2)]).toEqual([1, 2, 3, 4, 5, 6]);
    const wide = bilinearResize(src, 3, 2, 6, 1);
    expect(wide.length).toBe(6);
    // Height 2 → 1: src row coordinate 0.5, the mean of both rows.
    expect(wide[0]).toBeCloseTo(2.5, 6);
    expect(() => bilinearResize(src, 2, 2, 4, 4)).toThrow();
  });
});
