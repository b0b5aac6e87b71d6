/**
 * One pass over score groups in descending score order computes every threshold metric at once.
 * A "group" is all samples sharing one score (one threshold): how many negatives, how many positives,
 * and (for PRO) the summed region weights of its positives. Threshold t predicts "anomalous" for
 * score >= t, so after consuming a group the cumulative counts are the confusion counts at that group's score.
 */

/** Totals known before the sweep (needed to normalise rates on the fly). */
export interface SweepTotals {
  positives: number;
  negatives: number;
  /** Number of ground-truth regions (PRO denominator); 0 when PRO is not wanted. */
  regions: number;
}

export interface SweepResult {
  auroc: number;
  /** Average precision, step-wise: sum over thresholds of (R_i - R_{i-1}) * P_i (scikit-learn's definition). */
  averagePrecision: number;
  f1Max: number;
  /** Normalised area under PRO-vs-FPR up to `fprLimit` (NaN without regions or negatives). */
  pro: number;
  /** Distinct thresholds seen. */
  thresholds: number;
}

/** Default FPR integration limit of PRO (METHOD.md §5). */
export const PRO_FPR_LIMIT = 0.3;

export class DescendingSweep {
  private readonly totals: SweepTotals;
  private readonly fprLimit: number;
  private tp = 0;
  private fp = 0;
  private regionWeight = 0;
  /** AUROC numerator: for each negative, the positives strictly above it plus half of those tied with it. */
  private aucPairs = 0;
  private ap = 0;
  private prevRecall = 0;
  private f1 = 0;
  private thresholds = 0;
  // PRO curve state: previous point, accumulated area, whether the limit has been passed.
  private proX = 0;
  private proY = 0;
  private proArea = 0;
  private proDone = false;
  private lastScore = Number.POSITIVE_INFINITY;

  constructor(totals: SweepTotals, fprLimit = PRO_FPR_LIMIT) {
    this.totals = totals;
    this.fprLimit = fprLimit;
  }

  /**
   * Consumes the next group. `score` is only used to check the order (strictly decreasing);
   * pass NaN to skip that check (e.g. for histogram bins).
   */
  push(negatives: number, positives: number, regionWeight = 0, score = Number.NaN): void {
    if (negatives === 0 && positives === 0) return;
    if (!Number.isNaN(score)) {
      if (!(score < this.lastScore))
        throw new Error('DescendingSweep: groups must come in strictly decreasing score order');
      this.lastScore = score;
    }
    this.thresholds++;
    const { positives: P, negatives: N } = this.totals;
    this.aucPairs += negatives * (this.tp + positives / 2);
    this.tp += positives;
    this.fp += negatives;
    if (P > 0) {
      const recall = this.tp / P;
      const precision = this.tp / (this.tp + this.fp);
      this.ap += (recall - this.prevRecall) * precision;
      this.prevRecall = recall;
      // F1 = 2PR/(P+R) = 2tp / (tp + fp + P); 0 where tp = 0.
      const f1 = (2 * this.tp) / (this.tp + this.fp + P);
      if (f1 > this.f1) this.f1 = f1;
    }
    this.regionWeight += regionWeight;
    if (!this.proDone && N > 0 && this.totals.regions > 0)
      this.advancePro(this.fp / N, this.regionWeight / this.totals.regions);
  }

  /**
   * Trapezoid rule on the PRO curve, exactly as the MVTec AD reference evaluation: points with FPR <= limit
   * are integrated; the first segment crossing the limit is cut there with linear interpolation.
   */
  private advancePro(xRaw: number, yRaw: number): void {
    const x = Math.min(xRaw, 1);
    const y = Math.min(yRaw, 1);
    const limit = this.fprLimit;
    if (x <= limit) {
      this.proArea += 0.5 * (y + this.proY) * (x - this.proX);
      this.proX = x;
      this.proY = y;
      return;
    }
    if (this.proX < limit) {
      const yAt = this.proY + ((y - this.proY) * (limit - this.proX)) / (x - this.proX);
      this.proArea += 0.5 * (yAt + this.proY) * (limit - this.proX);
    }
    this.proDone = true;
  }

  result(): SweepResult {
    const { positives: P, negatives: N, regions } = this.totals;
    if (this.tp !== P || this.fp !== N) {
      throw new Error(
        `DescendingSweep: counted ${this.tp}/${this.fp} positives/negatives, expected ${P}/${N}`,
      );
    }
    const hasBoth = P > 0 && N > 0;
    let pro = Number.NaN;
    if (regions > 0 && N > 0) {
      // The curve always reaches FPR 1 on its last group, so the limit has been crossed (or hit) by now.
      pro = this.proArea / this.fprLimit;
    }
    return {
      auroc: hasBoth ? this.aucPairs / (P * N) : Number.NaN,
      averagePrecision: P > 0 ? this.ap : Number.NaN,
      f1Max: P > 0 ? this.f1 : Number.NaN,
      pro,
      thresholds: this.thresholds,
    };
  }
}
