/**
 * Metrics on parts the user has labelled OK or NG: ROC, confusion matrix, score histograms and the
 * thresholds an inspector asks for. NG is the positive class; a score >= threshold is flagged NG.
 */
import { type Histogram, histogram, thresholdForFalseRejectRate } from './calibration';

export type Label = 'OK' | 'NG';

export interface LabelledScore {
  score: number;
  label: Label;
}

function split(items: readonly LabelledScore[], what: string): { ok: number[]; ng: number[] } {
  const ok: number[] = [];
  const ng: number[] = [];
  items.forEach((it, i) => {
    if (!Number.isFinite(it.score)) throw new Error(`${what}: score ${i} is ${it.score}`);
    if (it.label === 'OK') ok.push(it.score);
    else if (it.label === 'NG') ng.push(it.score);
    else throw new Error(`${what}: label ${i} is '${String(it.label)}', expected OK or NG`);
  });
  return { ok, ng };
}

export interface Confusion {
  threshold: number;
  /** NG flagged NG. */
  tp: number;
  /** OK flagged NG (false rejects). */
  fp: number;
  /** OK passed. */
  tn: number;
  /** NG passed (misses). */
  fn: number;
  /** fp / #OK (0 when there are no OK parts). */
  falseRejectRate: number;
  /** fn / #NG (0 when there are no NG parts). */
  missRate: number;
  precision: number;
  recall: number;
  f1: number;
}

function confusionFrom(threshold: number, tp: number, fp: number, nOk: number, nNg: number): Confusion {
  const fn = nNg - tp;
  const tn = nOk - fp;
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = nNg > 0 ? tp / nNg : 0;
  return {
    threshold,
    tp,
    fp,
    tn,
    fn,
    falseRejectRate: nOk > 0 ? fp / nOk : 0,
    missRate: nNg > 0 ? fn / nNg : 0,
    precision,
    recall,
    f1: tp > 0 ? (2 * tp) / (2 * tp + fp + fn) : 0,
  };
}

export function confusionAt(items: readonly LabelledScore[], threshold: number): Confusion {
  const { ok, ng } = split(items, 'confusion');
  const tp = ng.filter((s) => s >= threshold).length;
  const fp = ok.filter((s) => s >= threshold).length;
  return confusionFrom(threshold, tp, fp, ok.length, ng.length);
}

export interface RocPoint {
  /** Flag NG at score >= threshold (+Infinity: flag nothing). */
  threshold: number;
  fpr: number;
  tpr: number;
}

/** ROC through every distinct score, highest first, from (0, 0); tied scores move both rates at once. */
export function rocCurve(items: readonly LabelledScore[]): RocPoint[] {
  const { ok, ng } = split(items, 'roc');
  if (ok.length === 0 || ng.length === 0) throw new Error('roc: needs at least one OK and one NG part');
  const sorted = [...items].sort((a, b) => b.score - a.score);
  const points: RocPoint[] = [{ threshold: Number.POSITIVE_INFINITY, fpr: 0, tpr: 0 }];
  let tp = 0;
  let fp = 0;
  let i = 0;
  while (i < sorted.length) {
    const s = sorted[i].score;
    while (i < sorted.length && sorted[i].score === s) {
      if (sorted[i].label === 'NG') tp++;
      else fp++;
      i++;
    }
    points.push({ threshold: s, fpr: fp / ok.length, tpr: tp / ng.length });
  }
  return points;
}

/** Area under the ROC by trapezoids (a tie between an OK and an NG part counts one half). */
export function aurocOf(points: readonly RocPoint[]): number {
  let a = 0;
  for (let i = 1; i < points.length; i++)
    a += ((points[i].fpr - points[i - 1].fpr) * (points[i].tpr + points[i - 1].tpr)) / 2;
  return a;
}

export interface LabelHistogram {
  lo: number;
  hi: number;
  ok: number[];
  ng: number[];
}

/** OK and NG counts on shared bins (default range: the scores' own min..max). */
export function labelHistogram(
  items: readonly LabelledScore[],
  bins: number,
  range?: { lo: number; hi: number },
): LabelHistogram {
  const { ok, ng } = split(items, 'histogram');
  if (items.length === 0) throw new Error('histogram: no scores');
  const all = [...ok, ...ng];
  let lo = range?.lo ?? Math.min(...all);
  let hi = range?.hi ?? Math.max(...all);
  if (!(hi > lo)) {
    // One distinct score: a bin of width 1e-6 around it.
    lo -= 5e-7;
    hi += 5e-7;
  }
  const h = (v: number[]): Histogram => histogram(v, lo, hi, bins);
  return { lo, hi, ok: h(ok).counts, ng: h(ng).counts };
}

/**
 * A suggested threshold with its margin. A threshold placed on a marked score flags that part with no
 * room at all: a part like it scoring a hair lower passes. Every threshold in (next score below, that
 * score] flags the same marked parts, so the suggestion goes halfway down that gap; the confusion is
 * unchanged. With no marked score below, it stays on the score (margin 0) and says so.
 */
export interface MarginedThreshold extends Confusion {
  /** The lowest marked score it flags, and that part's mark. */
  onScore: number;
  onLabel: Label;
  /** onScore − threshold (0: no marked score below to make room from). */
  margin: number;
}

export interface LabelThresholds {
  /** Flags every NG part: just below the lowest NG score; null without NG parts. */
  zeroMiss: MarginedThreshold | null;
  /** The best F1 (the highest one among ties, so the fewest false rejects); null without NG. */
  bestF1: MarginedThreshold | null;
  /** Rejects at most `targetFalseRejectRate` of the OK parts; null without OK parts. */
  targetFalseReject: MarginedThreshold | null;
}

/** Moves a threshold that sits on a marked score halfway down to the next marked score below it. */
export function withMargin(items: readonly LabelledScore[], c: Confusion): MarginedThreshold {
  const flagged = items.filter((i) => i.score >= c.threshold);
  if (flagged.length === 0) return { ...c, onScore: c.threshold, onLabel: 'OK', margin: 0 };
  const lowest = flagged.reduce((a, b) =>
    b.score < a.score || (b.score === a.score && b.label === 'NG') ? b : a,
  );
  const below = items.map((i) => i.score).filter((s) => s < lowest.score);
  if (below.length === 0) return { ...c, onScore: lowest.score, onLabel: lowest.label, margin: 0 };
  const threshold = (lowest.score + Math.max(...below)) / 2;
  return {
    ...confusionAt(items, threshold),
    onScore: lowest.score,
    onLabel: lowest.label,
    margin: lowest.score - threshold,
  };
}

export function suggestFromLabels(
  items: readonly LabelledScore[],
  targetFalseRejectRate = 0,
): LabelThresholds {
  const { ok, ng } = split(items, 'thresholds');
  const zeroMiss = ng.length > 0 ? withMargin(items, confusionAt(items, Math.min(...ng))) : null;
  let bestF1: Confusion | null = null;
  if (ng.length > 0) {
    // Candidates: every distinct score, highest first; a strictly better F1 replaces the best.
    const distinct = [...new Set(items.map((i) => i.score))].sort((a, b) => b - a);
    for (const t of distinct) {
      const c = confusionAt(items, t);
      if (!bestF1 || c.f1 > bestF1.f1) bestF1 = c;
    }
  }
  let targetFalseReject: Confusion | null = null;
  if (ok.length > 0) {
    let t = thresholdForFalseRejectRate(ok, targetFalseRejectRate);
    // Any threshold in (an OK score, the next observed score] flags the same parts: take the observed one.
    const above = items.map((i) => i.score).filter((s) => s >= t);
    if (above.length > 0) t = Math.min(...above);
    targetFalseReject = confusionAt(items, t);
  }
  return {
    zeroMiss,
    bestF1: bestF1 && withMargin(items, bestF1),
    targetFalseReject: targetFalseReject && withMargin(items, targetFalseReject),
  };
}
