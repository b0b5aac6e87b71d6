import { describe, expect, it } from 'vitest';
import { rng } from './brute-force.test-helpers';
import { bruteMuscPixel, type MuscBruteImage } from './musc-brute.test-helpers';
import { muscMask } from './musc-mask';
import { MuscPixelAccumulator, npArange, sklearnAuc } from './musc-protocol';

function metricsOf(images: MuscBruteImage[]) {
  const acc = new MuscPixelAccumulator();
  for (const im of images) acc.add(im.map, im.mask.some((m) => m) ? im.mask : null, im.w, im.h);
  return acc.result();
}

describe('MuSc pixel metrics, hand-worked', () => {
  // Image 1 (4×2): row 0 scores 2 1 0 1 with mask 1 1 0 1 (regions A = {2, 1}, B = {1}: columns 1 and 3 do
  // not touch), row 1 all 0 and normal. Image 2 (4×2, normal): 1 1 0 0 0 0 0 0.
  // Normal pixels: 11 at 0, 2 at 1. Anomalous: 2, 1, 1.
  const images: MuscBruteImage[] = [
    { map: [2, 1, 0, 1, 0, 0, 0, 0], mask: [1, 1, 0, 1, 0, 0, 0, 0], w: 4, h: 2 },
    { map: [1, 1, 0, 0, 0, 0, 0, 0], mask: [0, 0, 0, 0, 0, 0, 0, 0], w: 4, h: 2 },
  ];

  it('AUROC, AP and F1-max follow scikit-learn', () => {
    const m = metricsOf(images);
    // 3 × 13 pairs: the 2 beats all 13; each 1 beats the 11 zeros and ties the two 1s (½ each): 13 + 2·12 = 37.
    expect(m.auroc).toBeCloseTo(37 / 39, 14);
    // Thresholds 2: P = 1, R = 1/3; 1: P = 3/5, R = 1 → AP = 1/3 + (2/3)(3/5) = 11/15.
    expect(m.aupr).toBeCloseTo(11 / 15, 14);
    // F1 = 2tp/(tp + fp + 3): 2/4, 6/8, 6/19 → 0.75.
    expect(m.f1_max).toBeCloseTo(0.75, 14);
    expect([m.pixels, m.anomalousPixels, m.regions]).toEqual([16, 3, 2]);
  });

  it('PRO follows cal_pro_score', () => {
    // Thresholds arange(0, 2, 0.01): 200 of them, th_100 = 1 exactly. A pixel counts when its score is > th.
    // th < 1 (100 thresholds): FPR 2/13, regions covered 1 and 1 → PRO 1.
    // th ≥ 1 (100 thresholds): FPR 0, A half covered, B not → PRO 0.25.
    // All FPRs < 0.3; normalised to 1 and 0; the only area is the step: (1 − 0)(1 + 0.25)/2 = 0.625.
    expect(metricsOf(images).pro).toBeCloseTo(0.625, 14);
  });

  it('agrees with the literal MuSc loops on random maps, with and without ties', () => {
    const r = rng(11);
    for (let trial = 0; trial < 40; trial++) {
      const n = 1 + Math.floor(r() * 3);
      const levels = trial % 2 ? 0 : 3 + Math.floor(r() * 6);
      const images: MuscBruteImage[] = Array.from({ length: n }, () => {
        const w = 2 + Math.floor(r() * 6);
        const h = 2 + Math.floor(r() * 6);
        const anomalous = r() < 0.7;
        return {
          w,
          h,
          map: Array.from({ length: w * h }, () => (levels ? Math.floor(r() * levels) / levels : r())),
          mask: Array.from({ length: w * h }, () => (anomalous && r() < 0.3 ? 1 : 0)),
        };
      });
      images[0].mask[0] = 1;
      images[0].mask[1] = 0;
      const got = metricsOf(images);
      const want = bruteMuscPixel(images);
      for (const key of ['auroc', 'aupr', 'f1_max', 'pro'] as const) {
        if (Number.isNaN(want[key])) expect(got[key], key).toBeNaN();
        else expect(Math.abs(got[key] - want[key]), `${key} trial ${trial}`).toBeLessThan(1e-12);
      }
    }
  });

  it('is NaN where undefined and refuses NaN scores and wrong sizes', () => {
    const acc = new MuscPixelAccumulator();
    acc.add([0.1, 0.2, 0.3, 0.4], null, 2, 2);
    const m = acc.result();
    expect(m.auroc).toBeNaN();
    expect(m.pro).toBeNaN();
    expect(() => new MuscPixelAccumulator().add([0, Number.NaN], null, 2, 1)).toThrow(/NaN score at pixel 1/);
    expect(() => new MuscPixelAccumulator().add([0, 1], [1], 2, 1)).toThrow(/mask has 1 values, expected 2/);
  });
});

describe('np.arange and sklearn auc', () => {
  it('takes the length ceil((stop − start)/step), which is 201 for some ranges', () => {
    expect(npArange(0, 2, 0.01)).toHaveLength(200);
    expect(npArange(0, 2, 0.01)[100]).toBe(1);
    // (0.4 − 0.3)/((0.4 − 0.3)/200) = 200.00000000000003 in float64.
    expect(npArange(0.3, 0.4, (0.4 - 0.3) / 200)).toHaveLength(201);
    expect(npArange(1, 1, 0)).toEqual([]);
    expect(npArange(0, 1, 0.25)).toEqual([0, 0.25, 0.5, 0.75]);
  });

  it('integrates decreasing x with a positive area and refuses non-monotonic x', () => {
    expect(sklearnAuc([1, 0.5, 0], [1, 1, 0])).toBeCloseTo(0.75, 14);
    expect(sklearnAuc([0, 0.5, 1], [1, 1, 0])).toBeCloseTo(0.75, 14);
    expect(sklearnAuc([0], [1])).toBeNaN();
    expect(() => sklearnAuc([0, 1, 0.5], [1, 1, 1])).toThrow(/neither increasing nor decreasing/);
  });
});

describe('muscMask (Pillow BILINEAR resize, then the dataset reader’s binarisation)', () => {
  it('2 → 4 upscale, worked by hand', () => {
    // Triangle weights: out1 = 0.75·0 + 0.25·255 = 63.75 → 64, out2 = 191.25 → 191, ends copy the source.
    const mask = { width: 2, height: 1, data: new Uint8Array([0, 255]) };
    // MVTec AD: ÷255 then astype(int32) keeps only 255.
    const row = (rule: 'truncate' | 'nonzero') => Array.from(muscMask(mask, 4, rule).subarray(0, 4));
    expect(row('truncate')).toEqual([0, 0, 0, 1]);
    // VisA: > 0 after the resize.
    expect(row('nonzero')).toEqual([0, 1, 1, 1]);
  });

  it('4 → 2 downscale of a step, worked by hand', () => {
    // Support 2: out0 = 255·0.25/1.75 = 36.4 → 36 (fixed point), out1 = 255·1.5/1.75 = 218.6 → 219: not 255,
    // so the truncating rule loses the whole defect.
    const mask = { width: 4, height: 4, data: new Uint8Array(16) };
    for (let y = 0; y < 4; y++) mask.data.set([0, 0, 255, 255], y * 4);
    expect(Array.from(muscMask(mask, 2, 'truncate'))).toEqual([0, 0, 0, 0]);
    expect(Array.from(muscMask(mask, 2, 'nonzero'))).toEqual([1, 1, 1, 1]);
  });
});
