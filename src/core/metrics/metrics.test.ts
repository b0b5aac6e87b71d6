import { describe, expect, it } from 'vitest';
import {
  type BruteImage,
  bruteAuroc,
  bruteAveragePrecision,
  bruteComponents,
  bruteF1Max,
  brutePixelAurocAndF1,
  brutePro,
  rng,
} from './brute-force.test-helpers';
import { labelComponents8, maskRegions } from './components';
import { auroc, averagePrecision, f1Max, imageMetrics } from './image-metrics';
import { PixelMetricsAccumulator, pixelMetrics } from './pixel-metrics';
import { keyOf, valueFromKey } from './score-key';

describe('image metrics, hand-worked', () => {
  it('matches the scikit-learn documentation example', () => {
    const y = [0, 0, 1, 1];
    const s = [0.1, 0.4, 0.35, 0.8];
    expect(auroc(s, y)).toBeCloseTo(0.75, 12);
    expect(averagePrecision(s, y)).toBeCloseTo(0.8333333333333333, 12);
    // thresholds 0.8: tp1 fp0 → 2/3; 0.4: tp1 fp1 → 1/2; 0.35: tp2 fp1 → 4/5; 0.1: 4/6
    expect(f1Max(s, y)).toBeCloseTo(0.8, 12);
  });

  it('counts ties as half and never splits a tie', () => {
    // positives 2 and 3, negatives 1 and 2: pairs (2,1)=1, (2,2)=0.5, (3,·)=2 → 3.5/4
    expect(auroc([1, 2, 2, 3], [0, 0, 1, 1])).toBeCloseTo(0.875, 12);
    expect(auroc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    // groups: 0.9 (neg) → P=0,R=0; 0.5 (pos+neg) → P=1/3, R=1/2; 0.2 (pos) → P=1/2, R=1
    const s = [0.5, 0.5, 0.2, 0.9];
    const y = [1, 0, 1, 0];
    expect(averagePrecision(s, y)).toBeCloseTo(5 / 12, 12);
    // F1 at 0.5: 2·1/(1+2+2) = 0.4; at 0.2: 4/(2+2+2) = 2/3
    expect(f1Max(s, y)).toBeCloseTo(2 / 3, 12);
    // All scores tied: one threshold, AP = prevalence.
    expect(averagePrecision([1, 1, 1, 1], [1, 0, 0, 0])).toBeCloseTo(0.25, 12);
  });

  it('is perfect for a separating score and worst for a reversed one', () => {
    const m = imageMetrics([0.9, 0.8, 0.1, 0.2], [1, 1, 0, 0]);
    expect(m).toEqual({ auroc: 1, aupr: 1, f1_max: 1 });
    expect(auroc([0.1, 0.2, 0.9, 0.8], [1, 1, 0, 0])).toBe(0);
  });

  it('gives NaN where a metric is undefined and rejects bad input', () => {
    expect(Number.isNaN(auroc([1, 2], [1, 1]))).toBe(true);
    expect(Number.isNaN(averagePrecision([1, 2], [0, 0]))).toBe(true);
    expect(() => auroc([1, Number.NaN], [0, 1])).toThrow(/NaN/);
    expect(() => auroc([1, 2], [0, 2])).toThrow(/label/);
    expect(() => auroc([1, 2], [0])).toThrow();
  });
});

describe('image metrics vs brute force', () => {
  it('agree on random inputs with and without ties', () => {
    const r = rng(42);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + Math.floor(r() * 60);
      const levels = trial % 3 === 0 ? 0 : 2 + Math.floor(r() * 10); // 0 = continuous
      const s = Array.from({ length: n }, () => (levels ? Math.floor(r() * levels) / levels : r()));
      const y = Array.from({ length: n }, () => (r() < 0.4 ? 1 : 0));
      const got = imageMetrics(s, y);
      const close = (a: number, b: number) =>
        Number.isNaN(b) ? expect(a).toBeNaN() : expect(Math.abs(a - b)).toBeLessThan(1e-12);
      close(got.auroc, bruteAuroc(s, y));
      close(got.aupr, bruteAveragePrecision(s, y));
      close(got.f1_max, bruteF1Max(s, y));
    }
  });
});

describe('connected components (8-connectivity)', () => {
  it('joins diagonal neighbours', () => {
    const mask = [1, 0, 0, 0, 1, 0, 0, 0, 1];
    const { count, sizes } = labelComponents8(mask, 3, 3);
    expect(count).toBe(1);
    expect(sizes[1]).toBe(3);
  });

  it('separates regions that do not touch, also across row ends', () => {
    // 4×3: column 3 of row 0 and column 0 of row 1 are adjacent in memory but not in the image.
    const mask = [0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 1];
    const r = maskRegions(mask, 4, 3);
    expect(r.regions).toBe(3);
    expect(Array.from(r.indices)).toEqual([3, 4, 10, 11]);
    expect(Array.from(r.regionSize)).toEqual([1, 1, 2, 2]);
  });

  it('matches label propagation on random masks', () => {
    const r = rng(7);
    for (let trial = 0; trial < 100; trial++) {
      const w = 1 + Math.floor(r() * 12);
      const h = 1 + Math.floor(r() * 12);
      const density = r();
      const mask = Array.from({ length: w * h }, () => (r() < density ? 1 : 0));
      const expected = bruteComponents(mask, w, h)
        .map((g) => g.length)
        .sort((a, b) => a - b);
      const { count, sizes } = labelComponents8(mask, w, h);
      expect(count).toBe(expected.length);
      expect(sizes.slice(1).sort((a, b) => a - b)).toEqual(expected);
    }
  });
});

describe('pixel metrics, hand-worked', () => {
  // One row of 13 pixels. Regions: {0,1} (size 2) and {3} (size 1); 10 normal pixels.
  const mask = [1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  const map = new Float32Array([0.9, 0.4, 0.8, 0.6, 0.6, 0.5, 0.3, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]);

  it('gives the worked values', () => {
    const r = pixelMetrics([{ map, width: 13, height: 1, truth: maskRegions(mask, 13, 1) }]);
    // Curve (FPR, PRO): (0,.25) (.1,.25) (.2,.75) (.3,.75) (.3,1) … → area .025+.05+.075 = .15 → /.3
    expect(r.pro).toBeCloseTo(0.5, 6);
    // Positives .9, .6, .4 against 10 negatives: 10 + (8 + .5) + 7 = 25.5 of 30 pairs.
    expect(r.auroc).toBeCloseTo(0.85, 6);
    // Best threshold 0.4: tp 3, fp 3 → 6/9.
    expect(r.f1_max).toBeCloseTo(2 / 3, 6);
    expect(r.exact).toBe(true);
    expect(r.regions).toBe(2);
  });

  it('interpolates the PRO curve at FPR 0.3', () => {
    // 4 normal pixels (FPR steps of .25), one region of 2 pixels.
    const m = new Float32Array([0.9, 0.7, 0.8, 0.6, 0.2, 0.1]);
    const truth = maskRegions([1, 0, 0, 1, 0, 0], 6, 1);
    // Groups: .9 pos → (0,.5); .8 neg → (.25,.5); .7 neg → (.5,.5); .6 pos → (.5,1)
    // Area to .3: (0→.25)·.5 = .125, then (.25→.3)·.5 = .025 → .15/.3 = .5
    expect(pixelMetrics([{ map: m, width: 6, height: 1, truth }]).pro).toBeCloseTo(0.5, 6);
    // Ties between region pixels and normal pixels move together: both pixels of the region tie with normals.
    const tied = new Float32Array([0.5, 0.5, 0.5, 0.5, 0.2, 0.1]);
    // One group at .5: (FPR .5, PRO 1) → segment (0,0)→(.5,1) cut at .3: y=.6, area .09 → .3
    expect(pixelMetrics([{ map: tied, width: 6, height: 1, truth }]).pro).toBeCloseTo(0.3, 6);
  });

  it('averages overlaps over regions of all images, FPR over all normal pixels', () => {
    // Image A: one region of 4 pixels, 2 of which score high; image B: all normal.
    const a = {
      map: new Float32Array([1, 1, 0, 0]),
      width: 2,
      height: 2,
      truth: maskRegions([1, 1, 1, 1], 2, 2),
    };
    const b = { map: new Float32Array([0, 0, 0, 0, 0, 0]), width: 3, height: 2, truth: null };
    // Groups: 1 → (0, .5); 0 → (1, 1). Cut at .3: y = .5 + .5·.3 = .65 → area (.5+.65)/2·.3 → /.3 = .575
    expect(pixelMetrics([a, b]).pro).toBeCloseTo(0.575, 6);
  });
});

/** The metrics' per-image input for random images. */
function pixelItems(images: BruteImage[]) {
  return images.map((im) => ({
    map: new Float32Array(im.map),
    width: im.w,
    height: im.h,
    truth: maskRegions(im.mask, im.w, im.h),
  }));
}

function randomImages(r: () => number, count: number, levels: number): BruteImage[] {
  const images: BruteImage[] = [];
  for (let k = 0; k < count; k++) {
    const w = 2 + Math.floor(r() * 9);
    const h = 2 + Math.floor(r() * 9);
    const blobs = Math.floor(r() * 3);
    const mask = new Array(w * h).fill(0);
    for (let b = 0; b < blobs; b++) {
      const cx = Math.floor(r() * w);
      const cy = Math.floor(r() * h);
      const rad = r() * 2.5;
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= rad * rad) mask[y * w + x] = 1;
    }
    const map = mask.map((m) => {
      const v = Math.min(1, Math.max(0, r() * 0.8 + (m ? 0.25 : 0)));
      return Math.fround(levels ? Math.round(v * levels) / levels : v);
    });
    images.push({ map, mask, w, h });
  }
  return images;
}

describe('pixel metrics vs brute force', () => {
  it('agree exactly on random maps and masks, with and without ties', () => {
    const r = rng(2024);
    for (let trial = 0; trial < 60; trial++) {
      const images = randomImages(r, 1 + Math.floor(r() * 4), trial % 2 ? 0 : 4 + Math.floor(r() * 12));
      const got = pixelMetrics(
        images.map((im) => ({
          map: new Float32Array(im.map),
          width: im.w,
          height: im.h,
          truth: maskRegions(im.mask, im.w, im.h),
        })),
      );
      const ref = brutePixelAurocAndF1(images);
      const pro = brutePro(images);
      const close = (a: number, b: number) =>
        Number.isNaN(b) ? expect(a).toBeNaN() : expect(Math.abs(a - b)).toBeLessThan(1e-9);
      close(got.auroc, ref.auroc);
      close(got.f1_max, ref.f1);
      close(got.pro, pro);
    }
  });

  it('binned mode equals exact mode when scores fall in distinct bins', () => {
    // Multiples of 1/64 differ in high mantissa bits, so dropping 7 low bits merges nothing.
    const r = rng(5);
    const images = randomImages(r, 6, 64);
    const items = pixelItems(images);
    const exact = pixelMetrics(items);
    const binned = pixelMetrics(items, { exactPixelLimit: 0 });
    expect(binned.exact).toBe(false);
    expect(exact.exact).toBe(true);
    expect(binned.auroc).toBeCloseTo(exact.auroc, 12);
    expect(binned.pro).toBeCloseTo(exact.pro, 12);
    expect(binned.f1_max).toBeCloseTo(exact.f1_max, 12);
  });

  it('binned mode stays within its stated bound when bins merge scores, and switches mid-stream', () => {
    const r = rng(11);
    const images = randomImages(r, 8, 0);
    const items = pixelItems(images);
    const exact = pixelMetrics(items);
    const total = items.reduce((s, it) => s + it.width * it.height, 0);
    // Coarse bins (shift 16: 128 bins per octave) and a limit reached half-way through.
    const acc = new PixelMetricsAccumulator({ exactPixelLimit: Math.floor(total / 2), binShift: 16 });
    for (const it of items) acc.add(it.map, it.width, it.height, it.truth);
    expect(acc.exact).toBe(false);
    const binned = acc.result();
    expect(binned.pixels).toBe(total);
    expect(binned.aurocErrorBound).toBeGreaterThan(0);
    expect(Math.abs(binned.auroc - exact.auroc)).toBeLessThanOrEqual(binned.aurocErrorBound + 1e-12);
    // Bin edges are a subset of the exact thresholds: the best F1 can only get worse.
    expect(binned.f1_max).toBeLessThanOrEqual(exact.f1_max + 1e-12);
    expect(Math.abs(binned.pro - exact.pro)).toBeLessThan(0.05);
  });

  it('rejects NaN maps and size mismatches', () => {
    const acc = new PixelMetricsAccumulator();
    expect(() => acc.add(new Float32Array([0, Number.NaN]), 2, 1, null)).toThrow(/NaN/);
    expect(() => acc.add(new Float32Array(3), 2, 1, null)).toThrow();
    expect(() => acc.add(new Float32Array(2), 2, 1, maskRegions([1, 0, 0], 3, 1))).toThrow(/mask/);
  });
});

describe('score keys', () => {
  it('preserve order and round-trip float32 values, with -0 equal to +0', () => {
    const values = [-Infinity, -2.5, -1e-30, -0, 0, 1e-40, 1e-30, 0.3, 0.3000001, 1, 7, Infinity];
    const keys = values.map(keyOf);
    for (let i = 1; i < keys.length; i++) {
      if (Object.is(values[i - 1], -0) && values[i] === 0) expect(keys[i]).toBe(keys[i - 1]);
      else expect(keys[i]).toBeGreaterThan(keys[i - 1]);
    }
    for (const v of values) expect(valueFromKey(keyOf(v))).toBe(Math.fround(v) === 0 ? 0 : Math.fround(v));
  });
});
