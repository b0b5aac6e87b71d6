import { describe, expect, it } from 'vitest';
import { resizeBicubicRgb } from './bicubic';
import type { RgbImage } from './types';

function grey(width: number, height: number, values: number[]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (const [i, v] of values.entries()) data.fill(v, i * 3, i * 3 + 3);
  return { width, height, data };
}

function channel0(img: RgbImage): number[] {
  return Array.from({ length: img.width * img.height }, (_, i) => img.data[i * 3]);
}

describe('resizeBicubicRgb (Pillow 8-bit BICUBIC)', () => {
  it('4 → 2 downscale of a step, worked by hand', () => {
    // scale 2, support 4; for output 0 the taps are x = 0..3 with cubic((x − 0.5)/2):
    // c(−0.25) = c(0.25) = 0.8671875, c(0.75) = 0.2265625, c(1.25) = −0.0703125, sum 1.890625.
    // out0 = 255·(0.2265625 − 0.0703125)/1.890625 = 21.07 → 21; out1 mirrors it: 233.93 → 234.
    const out = resizeBicubicRgb(grey(4, 1, [0, 0, 255, 255]), 2, 1);
    expect([out.width, out.height]).toEqual([2, 1]);
    expect(channel0(out)).toEqual([21, 234]);
  });

  it('2 → 4 upscale with overshoot, worked by hand', () => {
    // scale 0.5, support 2, weight of tap x = cubic(x − center + 0.5), center = i + 0.5 scaled by 0.5.
    // i=0: center 0.25, taps c(0.25) = 0.8671875, c(1.25) = −0.0703125 → 100·(−0.0703125)/0.796875 < 0 → 0.
    // i=1: center 0.75, taps c(−0.25), c(0.75) = 0.2265625 → 100·0.2265625/1.09375 = 20.71 → 21.
    // i=2: mirror of i=1 → 79.29 → 79; i=3: mirror of i=0 → 100·0.8671875/0.796875 = 108.82 → 109.
    const out = resizeBicubicRgb(grey(2, 1, [0, 100]), 4, 1);
    expect(channel0(out)).toEqual([0, 21, 79, 109]);
  });

  it('clamps overshoot to [0, 255]', () => {
    const out = resizeBicubicRgb(grey(6, 1, [0, 0, 0, 255, 255, 255]), 11, 1);
    const v = channel0(out);
    expect(Math.min(...v)).toBe(0);
    expect(Math.max(...v)).toBe(255);
  });

  it('keeps a constant image constant in both directions', () => {
    const img = grey(7, 5, new Array(35).fill(173));
    for (const [w, h] of [
      [3, 2],
      [13, 9],
      [7, 11],
      [2, 5],
    ]) {
      const out = resizeBicubicRgb(img, w, h);
      expect(channel0(out)).toEqual(new Array(w * h).fill(173));
    }
  });

  it('an unchanged dimension is not resampled (vertical-only equals per-column 1-D resizes)', () => {
    const w = 3;
    const h = 9;
    const vals = Array.from({ length: w * h }, (_, i) => (i * 37) % 256);
    const out = resizeBicubicRgb(grey(w, h, vals), w, 4);
    for (let x = 0; x < w; x++) {
      const col = Array.from({ length: h }, (_, y) => vals[y * w + x]);
      const one = resizeBicubicRgb(grey(h, 1, col), 4, 1);
      expect(Array.from({ length: 4 }, (_, y) => out.data[(y * w + x) * 3])).toEqual(channel0(one));
    }
  });

  it('runs horizontal first: each pass rounds to uint8', () => {
    const w = 5;
    const h = 5;
    const vals = [
      0, 255, 0, 255, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 0, 30, 200, 10, 90, 250, 255, 0, 128, 64, 3,
    ];
    const both = resizeBicubicRgb(grey(w, h, vals), 3, 2);
    const hFirst = resizeBicubicRgb(resizeBicubicRgb(grey(w, h, vals), 3, h), 3, 2);
    expect(channel0(both)).toEqual(channel0(hFirst));
  });

  it('returns a copy at the same size and keeps the channels apart', () => {
    const img: RgbImage = { width: 2, height: 1, data: new Uint8Array([1, 2, 3, 4, 5, 6]) };
    const same = resizeBicubicRgb(img, 2, 1);
    expect([...same.data]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(same.data).not.toBe(img.data);
    const up = resizeBicubicRgb({ width: 1, height: 1, data: new Uint8Array([10, 20, 30]) }, 3, 2);
    expect([...up.data]).toEqual([10, 20, 30, 10, 20, 30, 10, 20, 30, 10, 20, 30, 10, 20, 30, 10, 20, 30]);
  });
});
