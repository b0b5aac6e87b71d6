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

export interface LabelThresholds {
  /** Largest threshold that still flags every NG part (the lowest NG score); null without NG parts. */
  zeroMiss: Confusion | null;
  /** Threshold of the best F1 (the highest one among ties, so the fewest false rejects); null without NG. */
  bestF1: Confusion | null;
  /** Lowest threshold that rejects at most `targetFalseRejectRate` of the OK parts; null without OK parts. */
  targetFalseReject: Confusion | null;
}

export function suggestFromLabels(
  items: readonly LabelledScore[],
  targetFalseRejectRate = 0,
): LabelThresholds {
  const { ok, ng } = split(items, 'thresholds');
  const zeroMiss = ng.length > 0 ? confusionAt(items, Math.min(...ng)) : null;
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
  return { zeroMiss, bestF1, targetFalseReject };
}
