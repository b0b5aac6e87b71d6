/**
 * Pixel metrics of MuSc's published tables (utils/metrics.py, METHOD-musc.md §12), over all S×S maps of one
 * category, exact in float64:
 * - AUROC, AP and F1-max with scikit-learn's definitions (roc_auc_score: ties count half;
 *   average_precision_score: Σ (R_n − R_{n−1}) P_n over distinct thresholds; F1-max from
 *   precision_recall_curve, non-finite values dropped). These are the definitions `DescendingSweep` already
 *   implements for the WinCLIP evaluation, so it is reused on the exact score groups.
 * - PRO as `cal_pro_score`: thresholds `np.arange(min, max, (max − min)/200)` over all maps, a pixel counts
 *   when its score is > the threshold; per threshold the mean over all 8-connected ground-truth regions of
 *   the covered fraction and the FPR over all normal pixels; the thresholds with FPR < 0.3 are kept, their
 *   FPRs min-max normalised to [0, 1], and `sklearn.metrics.auc` (trapezoid) taken of PRO over them.
 * Image metrics are `imageMetrics` (same scikit-learn definitions).
 */
import { labelComponents8 } from './components';
import { DescendingSweep } from './sweep';

export interface MuscPixelMetrics {
  auroc: number;
  aupr: number;
  f1_max: number;
  pro: number;
}

export interface MuscPixelReport extends MuscPixelMetrics {
  pixels: number;
  anomalousPixels: number;
  regions: number;
}

/** cal_pro_score's max_step and expect_fpr. */
const MUSC_PRO_STEPS = 200;
const MUSC_PRO_FPR_LIMIT = 0.3;

/**
 * np.arange(start, stop, step) for float64 arguments: length ceil((stop − start)/step); element 0 is
 * start, element 1 start + step, and element i ≥ 2 is start + i·((start + step) − start), as NumPy fills it.
 */
export function npArange(start: number, stop: number, step: number): number[] {
  const n = Math.ceil((stop - start) / step);
  if (!(n > 0) || !Number.isFinite(n)) return [];
  const out = [start];
  if (n === 1) return out;
  const second = start + step;
  out.push(second);
  const delta = second - start;
  for (let i = 2; i < n; i++) out.push(start + i * delta);
  return out;
}

/** Growable float64 buffer. */
class Values {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

/** How many entries of the ascending `sorted` are > t. */
function countAbove(sorted: Float64Array, t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return sorted.length - lo;
}

/** sklearn.metrics.auc: trapezoid over x, which must be monotonic (decreasing x gives a positive area). */
export function sklearnAuc(x: number[], y: number[]): number {
  if (x.length < 2 || x.length !== y.length) return Number.NaN;
  let direction = 1;
  let anyDown = false;
  let anyUp = false;
  for (let i = 1; i < x.length; i++) {
    if (x[i] < x[i - 1]) anyDown = true;
    else if (x[i] > x[i - 1]) anyUp = true;
  }
  if (anyDown) {
    if (anyUp) throw new Error('auc: x is neither increasing nor decreasing');
    direction = -1;
  }
  let area = 0;
  for (let i = 1; i < x.length; i++) area += ((x[i] - x[i - 1]) * (y[i] + y[i - 1])) / 2;
  return direction * area;
}

/** Accumulates the maps and masks of one category, then computes every pixel metric at once. */
export class MuscPixelAccumulator {
  private readonly negatives = new Values();
  /** Anomalous pixels' scores, grouped by region: region r is [regionStart[r], regionStart[r + 1]). */
  private readonly positives = new Values();
  private readonly regionStart: number[] = [0];

  /** One S×S map (row-major) and its binary mask (1 = anomalous; null = all normal). */
  add(map: ArrayLike<number>, mask: ArrayLike<number> | null, width: number, height: number): void {
    const n = width * height;
    if (map.length !== n) throw new Error(`musc metrics: map has ${map.length} values, expected ${n}`);
    if (mask && mask.length !== n)
      throw new Error(`musc metrics: mask has ${mask.length} values, expected ${n}`);
    for (let i = 0; i < n; i++)
      if (Number.isNaN(map[i])) throw new Error(`musc metrics: the map has a NaN score at pixel ${i}`);
    if (!mask) {
      for (let i = 0; i < n; i++) this.negatives.push(map[i]);
      return;
    }
    const { labels, count } = labelComponents8(mask, width, height);
    const byRegion: number[][] = Array.from({ length: count }, () => []);
    for (let i = 0; i < n; i++) {
      if (labels[i] === 0) this.negatives.push(map[i]);
      else byRegion[labels[i] - 1].push(map[i]);
    }
    for (const values of byRegion) {
      for (const v of values) this.positives.push(v);
      this.regionStart.push(this.positives.length);
    }
  }

  result(): MuscPixelReport {
    const neg = this.negatives.view();
    neg.sort();
    const pos = this.positives.view().slice();
    pos.sort();
    const regions = this.regionStart.length - 1;
    const sweep = new DescendingSweep({ positives: pos.length, negatives: neg.length, regions: 0 });
    // Merge from the top: each distinct score is one threshold with its negatives and positives.
    let i = neg.length - 1;
    let j = pos.length - 1;
    while (i >= 0 || j >= 0) {
      const s = Math.max(i >= 0 ? neg[i] : -Infinity, j >= 0 ? pos[j] : -Infinity);
      let nNeg = 0;
      let nPos = 0;
      while (i >= 0 && neg[i] === s) {
        nNeg++;
        i--;
      }
      while (j >= 0 && pos[j] === s) {
        nPos++;
        j--;
      }
      sweep.push(nNeg, nPos, 0, s);
    }
    const r = sweep.result();
    return {
      auroc: r.auroc,
      aupr: r.averagePrecision,
      f1_max: r.f1Max,
      pro: this.pro(neg, pos),
      pixels: neg.length + pos.length,
      anomalousPixels: pos.length,
      regions,
    };
  }

  /** cal_pro_score on the sorted negatives; the region slices are sorted in place. */
  private pro(neg: Float64Array, pos: Float64Array): number {
    const regions = this.regionStart.length - 1;
    if (regions === 0 || neg.length === 0) return Number.NaN;
    const min = Math.min(neg[0], pos[0]);
    const max = Math.max(neg[neg.length - 1], pos[pos.length - 1]);
    const all = this.positives.view();
    const slices = Array.from({ length: regions }, (_, r) =>
      all.subarray(this.regionStart[r], this.regionStart[r + 1]).sort(),
    );
    const fprs: number[] = [];
    const pros: number[] = [];
    for (const th of npArange(min, max, (max - min) / MUSC_PRO_STEPS)) {
      const fpr = countAbove(neg, th) / neg.length;
      if (!(fpr < MUSC_PRO_FPR_LIMIT)) continue;
      let covered = 0;
      for (const s of slices) covered += countAbove(s, th) / s.length;
      fprs.push(fpr);
      pros.push(covered / regions);
    }
    if (fprs.length < 2) return Number.NaN;
    const lo = Math.min(...fprs);
    const hi = Math.max(...fprs);
    return sklearnAuc(
      fprs.map((f) => (f - lo) / (hi - lo)),
      pros,
    );
  }
}
