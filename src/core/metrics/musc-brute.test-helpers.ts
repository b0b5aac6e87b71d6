/**
 * MuSc's evaluation (utils/metrics.py) written out literally, as the independent check of musc-protocol.ts:
 * pairwise AUROC, AP and F1-max from a threshold scan over the sorted distinct scores, and the PRO loop of
 * `cal_pro_score` (per threshold: binarise every map with `> th`, label every mask's regions, average the
 * covered fractions, count false positives). Test-only; quadratic on purpose.
 */
import { bruteAuroc, bruteAveragePrecision, bruteComponents, bruteF1Max } from './brute-force.test-helpers';

export interface MuscBruteImage {
  map: number[];
  /** 0/1 per pixel. */
  mask: number[];
  w: number;
  h: number;
}

/** cal_pro_score(masks, amaps) with max_step = 200, expect_fpr = 0.3. */
export function bruteMuscPro(images: MuscBruteImage[]): number {
  let min = Infinity;
  let max = -Infinity;
  for (const im of images)
    for (const v of im.map) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
  const delta = (max - min) / 200;
  const count = Math.ceil((max - min) / delta);
  const step = min + delta - min;
  const pros: number[] = [];
  const fprs: number[] = [];
  // MuSc labels the masks inside the threshold loop; they do not change, so once is the same.
  const regions = images.map((im) => bruteComponents(im.mask, im.w, im.h));
  for (let i = 0; i < count; i++) {
    const th = i === 1 ? min + delta : min + i * step;
    const pro: number[] = [];
    let fp = 0;
    let normal = 0;
    for (const [k, im] of images.entries()) {
      const binary = im.map.map((v) => (v > th ? 1 : 0));
      for (const region of regions[k]) {
        const tp = region.filter((p) => binary[p] === 1).length;
        pro.push(tp / region.length);
      }
      im.mask.forEach((m, p) => {
        if (m === 0) {
          normal++;
          if (binary[p] === 1) fp++;
        }
      });
    }
    pros.push(pro.reduce((a, b) => a + b, 0) / pro.length);
    fprs.push(fp / normal);
  }
  const keep = fprs.map((f) => f < 0.3);
  const xs = fprs.filter((_, i) => keep[i]);
  const ys = pros.filter((_, i) => keep[i]);
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const x = xs.map((f) => (f - lo) / (hi - lo));
  // sklearn.metrics.auc on a decreasing x: −trapz(y, x).
  let area = 0;
  for (let i = 1; i < x.length; i++) area += ((x[i] - x[i - 1]) * (ys[i] + ys[i - 1])) / 2;
  return x.length < 2 ? Number.NaN : -area;
}

/** Pixel AUROC, AP, F1-max and PRO over all pixels of the images. */
export function bruteMuscPixel(images: MuscBruteImage[]): {
  auroc: number;
  aupr: number;
  f1_max: number;
  pro: number;
} {
  const scores = images.flatMap((im) => im.map);
  const labels = images.flatMap((im) => im.mask);
  return {
    auroc: bruteAuroc(scores, labels),
    aupr: bruteAveragePrecision(scores, labels),
    f1_max: bruteF1Max(scores, labels),
    pro: bruteMuscPro(images),
  };
}
