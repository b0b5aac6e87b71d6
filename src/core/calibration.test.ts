import { describe, expect, it } from 'vitest';
import {
  histogram,
  nextUp,
  quantiles,
  suggestThresholds,
  summarize,
  thresholdForFalseRejectRate,
  thresholdFromNormals,
  verdictOf,
} from './calibration';

describe('summaries', () => {
  it('summarize: sample std with n − 1', () => {
    const s = summarize([1, 2, 3, 4]);
    expect(s).toMatchObject({ n: 4, min: 1, max: 4, mean: 2.5 });
    // Σ(x − 2.5)² = 5, / 3.
    expect(s.std).toBeCloseTo(Math.sqrt(5 / 3), 14);
    expect(summarize([7]).std).toBe(0);
    expect(() => summarize([])).toThrow(/no values/);
    expect(() => summarize([1, Number.NaN])).toThrow(/value 1 is NaN/);
  });

  it('quantiles interpolate between order statistics', () => {
    // Sorted [1, 2, 3, 4]: p 0.5 → h 1.5 → 2.5; p 0.9 → h 2.7 → 3.7.
    const q = quantiles([4, 1, 3, 2], [0, 0.5, 0.9, 1]);
    expect(q[0]).toBe(1);
    expect(q[1]).toBe(2.5);
    expect(q[2]).toBeCloseTo(3.7, 14);
    expect(q[3]).toBe(4);
  });

  it('histogram: equal bins, outliers in the end bins', () => {
    expect(histogram([0, 0.1, 0.25, 0.5, 0.99, 1, 1.5, -1], 0, 1, 4).counts).toEqual([3, 1, 1, 3]);
    expect(() => histogram([1], 1, 1, 4)).toThrow(/empty/);
  });

  it('nextUp is the next double', () => {
    expect(nextUp(1)).toBe(1 + 2 ** -52);
    expect(nextUp(-1)).toBe(-1 + 2 ** -53);
    expect(nextUp(0)).toBe(Number.MIN_VALUE);
  });
});

describe('threshold rules', () => {
  it('max-plus-std: max + k·std', () => {
    // [0.30, 0.32, 0.34]: mean 0.32, std sqrt((0.0004 + 0 + 0.0004) / 2) = 0.02.
    const v = [0.3, 0.32, 0.34];
    expect(thresholdFromNormals(v)).toBeCloseTo(0.36, 12);
    expect(thresholdFromNormals(v, { kind: 'max-plus-std', k: 2 })).toBeCloseTo(0.38, 12);
    // k = 0 is the max itself, which >= would flag: just above it.
    expect(thresholdFromNormals(v, { kind: 'max-plus-std', k: 0 })).toBe(nextUp(0.34));
    expect(verdictOf(0.34, thresholdFromNormals(v, { kind: 'max-plus-std', k: 0 }))).toBe('OK');
  });

  it('false-reject-rate: lowest threshold rejecting at most the rate', () => {
    const v = [0.3, 0.1, 0.5, 0.2, 0.4];
    // 20% of 5 = 1 reject allowed: only 0.5 at or above.
    const t = thresholdForFalseRejectRate(v, 0.2);
    expect(t).toBe(nextUp(0.4));
    expect(v.filter((s) => verdictOf(s, t) === 'NG')).toEqual([0.5]);
    expect(thresholdForFalseRejectRate(v, 0)).toBe(nextUp(0.5));
    expect(thresholdForFalseRejectRate(v, 0.39)).toBe(nextUp(0.4)); // ⌊1.95⌋ = 1
    expect(thresholdForFalseRejectRate(v, 0.4)).toBe(nextUp(0.3));
    expect(thresholdForFalseRejectRate(v, 1)).toBe(0.1);
    // A tie at the cut cannot be split: both 0.5s pass, fewer rejects than allowed.
    expect(thresholdForFalseRejectRate([0.5, 0.5, 0.3], 0.34)).toBe(nextUp(0.5));
    expect(() => thresholdForFalseRejectRate(v, 1.5)).toThrow(/\[0, 1\]/);
  });

  it('suggestThresholds: image on image scores, pixel on per-image map maxima', () => {
    const s = suggestThresholds([
      { imageScore: 0.3, maxPixel: 0.5 },
      { imageScore: 0.32, maxPixel: 0.6 },
      { imageScore: 0.34, maxPixel: 0.7 },
    ]);
    expect(s.image).toBeCloseTo(0.36, 12);
    expect(s.pixel).toBeCloseTo(0.8, 12); // max 0.7 + std 0.1
    expect(s.imageStats.mean).toBeCloseTo(0.32, 12);
    expect(s.pixelStats.max).toBe(0.7);
    // Review from just above the best-scoring good reference, up to the NG threshold.
    expect(s.review).toBe(nextUp(0.34));
    expect(s.review).toBeLessThan(s.image);
    // A false-reject rule may put NG at or below the maximum: review never starts above NG.
    const frr = suggestThresholds(
      [
        { imageScore: 0.3, maxPixel: 0.5 },
        { imageScore: 0.34, maxPixel: 0.7 },
      ],
      { kind: 'false-reject-rate', rate: 0.5 },
    );
    expect(frr.review).toBe(frr.image);
    expect(() => suggestThresholds([{ imageScore: 0.3, maxPixel: 0.5 }])).toThrow(/at least 2 reference/);
  });

  it('verdict: NG at or above the threshold', () => {
    expect(verdictOf(0.5, 0.5)).toBe('NG');
    expect(verdictOf(0.49, 0.5)).toBe('OK');
  });
});
