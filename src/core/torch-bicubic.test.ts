import { describe, expect, it } from 'vitest';
import { resizeBicubicTorch } from './torch-bicubic';

describe('resizeBicubicTorch', () => {
  it('upsamples [0, 1] to 4 columns with the A = −0.75 weights, taps clamped at the border', () => {
    // Output 0: source 0.5·0.5 − 0.5 = −0.25, taps −2…1 clamped to values [0, 0, 0, 1], t = 0.75: the
    // weight of the last tap, conv2(1.25) = ((−0.75·1.25 + 3.75)·1.25 − 6)·1.25 + 3 = −0.10546875.
    // Output 1: source 0.25, values [0, 0, 1, 1], t = 0.25: conv1(0.75) + conv2(1.75)
    // = 0.26171875 − 0.03515625 = 0.2265625.
    const out = resizeBicubicTorch(Float32Array.of(0, 1), 1, 1, 2, 1, 4);
    expect(out[0]).toBeCloseTo(-0.10546875, 7);
    expect(out[1]).toBeCloseTo(0.2265625, 7);
    // Symmetric: the right half mirrors the left around 0.5.
    expect(out[2]).toBeCloseTo(1 - out[1], 6);
    expect(out[3]).toBeCloseTo(1 - out[0], 6);
  });

  it('keeps a constant plane constant and copies at the same size', () => {
    const plane = new Float32Array(9).fill(0.7);
    for (const v of resizeBicubicTorch(plane, 1, 3, 3, 5, 4)) expect(v).toBeCloseTo(0.7, 6);
    const same = Float32Array.of(1, 2, 3, 4);
    expect(Array.from(resizeBicubicTorch(same, 1, 2, 2, 2, 2))).toEqual([1, 2, 3, 4]);
  });
});
