/**
 * Deliberately naive reference implementations (quadratic scans, literal formulas) that the fast
 * metrics are checked against. Test-only.
 */
import { mulberry32 } from '../random';

export function bruteAuroc(scores: number[], labels: number[]): number {
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < scores.length; j++) {
      if (labels[j] !== 0) continue;
      pairs++;
      if (scores[i] > scores[j]) sum += 1;
      else if (scores[i] === scores[j]) sum += 0.5;
    }
  }
  return pairs ? sum / pairs : Number.NaN;
}

function distinctDescending(scores: number[]): number[] {
  return [...new Set(scores)].sort((a, b) => b - a);
}

function countsAt(scores: number[], labels: number[], t: number): { tp: number; fp: number } {
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < scores.length; i++) {
    if (scores[i] < t) continue;
    if (labels[i] === 1) tp++;
    else fp++;
  }
  return { tp, fp };
}

/** scikit-learn average_precision_score: Σ_n (R_n − R_{n−1}) P_n over decreasing thresholds. */
export function bruteAveragePrecision(scores: number[], labels: number[]): number {
  const P = labels.filter((l) => l === 1).length;
  if (!P) return Number.NaN;
  let ap = 0;
  let prevR = 0;
  for (const t of distinctDescending(scores)) {
    const { tp, fp } = countsAt(scores, labels, t);
    const r = tp / P;
    ap += (r - prevR) * (tp / (tp + fp));
    prevR = r;
  }
  return ap;
}

export function bruteF1Max(scores: number[], labels: number[]): number {
  const P = labels.filter((l) => l === 1).length;
  if (!P) return Number.NaN;
  let best = 0;
  for (const t of distinctDescending(scores)) {
    const { tp, fp } = countsAt(scores, labels, t);
    if (tp === 0) continue;
    const precision = tp / (tp + fp);
    const recall = tp / P;
    best = Math.max(best, (2 * precision * recall) / (precision + recall));
  }
  return best;
}

/** Components by repeated min-label propagation over the 8 neighbours until nothing changes. */
export function bruteComponents(mask: number[], w: number, h: number): number[][] {
  const label = mask.map((m, i) => (m ? i + 1 : 0));
  let changed = true;
  while (changed) {
    changed = false;
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        if (!label[i]) continue;
        for (let dy = -1; dy <= 1; dy++)
          for (let dx = -1; dx <= 1; dx++) {
            const yy = y + dy;
            const xx = x + dx;
            if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
            const j = yy * w + xx;
            if (label[j] && label[j] < label[i]) {
              label[i] = label[j];
              changed = true;
            }
          }
      }
  }
  const groups = new Map<number, number[]>();
  label.forEach((l, i) => {
    if (!l) return;
    if (!groups.has(l)) groups.set(l, []);
    groups.get(l)!.push(i);
  });
  return [...groups.values()];
}

export interface BruteImage {
  map: number[];
  mask: number[];
  w: number;
  h: number;
}

/** The MVTec AD reference PRO: per-threshold overlaps of every region, then trapezoid with interpolation at the limit. */
export function brutePro(images: BruteImage[], limit = 0.3): number {
  const regions: { img: number; pixels: number[] }[] = [];
  images.forEach((im, img) => {
    for (const pixels of bruteComponents(im.mask, im.w, im.h)) regions.push({ img, pixels });
  });
  const allScores: number[] = [];
  let N = 0;
  for (const im of images)
    im.map.forEach((s, i) => {
      allScores.push(s);
      if (!im.mask[i]) N++;
    });
  if (!regions.length || !N) return Number.NaN;
  const xs = [0];
  const ys = [0];
  for (const t of distinctDescending(allScores)) {
    let fp = 0;
    for (const im of images) for (let i = 0; i < im.map.length; i++) if (!im.mask[i] && im.map[i] >= t) fp++;
    let overlap = 0;
    for (const r of regions)
      overlap += r.pixels.filter((p) => images[r.img].map[p] >= t).length / r.pixels.length;
    xs.push(Math.min(fp / N, 1));
    ys.push(Math.min(overlap / regions.length, 1));
  }
  xs.push(1);
  ys.push(1);
  // trapezoid(x, y, x_max) of the reference code.
  let correction = 0;
  if (!xs.includes(limit)) {
    let ins = xs.findIndex((x) => x > limit); // bisect_right
    if (ins < 0) ins = xs.length;
    const yInterp = ys[ins - 1] + ((ys[ins] - ys[ins - 1]) * (limit - xs[ins - 1])) / (xs[ins] - xs[ins - 1]);
    correction = 0.5 * (yInterp + ys[ins - 1]) * (limit - xs[ins - 1]);
  }
  const keep = xs.map((x) => x <= limit);
  const x = xs.filter((_, i) => keep[i]);
  const y = ys.filter((_, i) => keep[i]);
  let area = 0;
  for (let i = 1; i < x.length; i++) area += 0.5 * (y[i] + y[i - 1]) * (x[i] - x[i - 1]);
  return (area + correction) / limit;
}

export function brutePixelAurocAndF1(images: BruteImage[]): { auroc: number; f1: number } {
  const scores: number[] = [];
  const labels: number[] = [];
  for (const im of images)
    im.map.forEach((s, i) => {
      scores.push(s);
      labels.push(im.mask[i] ? 1 : 0);
    });
  return { auroc: bruteAuroc(scores, labels), f1: bruteF1Max(scores, labels) };
}

/** Deterministic PRNG (mulberry32) so failures reproduce. */
export const rng = mulberry32;
