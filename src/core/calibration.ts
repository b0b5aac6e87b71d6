/**
 * Thresholds from the user's own normal parts. WinCLIP scores are not probabilities: on one part and
 * one prompt set, normal scores sit in a narrow band whose place depends on the prompts and on the
 * reference bank, so a threshold has to come from scores of known-good parts (leave-one-out over the
 * reference bank, src/engine/calibration.ts). Convention everywhere: a score >= threshold is NG.
 */

export type Verdict = 'OK' | 'NG';

export function verdictOf(score: number, threshold: number): Verdict {
  return score >= threshold ? 'NG' : 'OK';
}

export interface Summary {
  n: number;
  min: number;
  max: number;
  mean: number;
  /** Sample standard deviation (n − 1 in the denominator); 0 for a single value. */
  std: number;
}

function checkFinite(values: ArrayLike<number>, what: string): void {
  if (values.length === 0) throw new Error(`${what}: no values`);
  for (let i = 0; i < values.length; i++)
    if (!Number.isFinite(values[i])) throw new Error(`${what}: value ${i} is ${values[i]}`);
}

export function summarize(values: ArrayLike<number>): Summary {
  checkFinite(values, 'summarize');
  const n = values.length;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  return { n, min, max, mean, std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0 };
}

/** Quantiles with linear interpolation between order statistics (h = (n − 1)·p, "type 7"). */
export function quantiles(values: ArrayLike<number>, ps: readonly number[]): number[] {
  checkFinite(values, 'quantiles');
  const sorted = Float64Array.from(values).sort();
  return ps.map((p) => {
    if (!(p >= 0 && p <= 1)) throw new Error(`quantiles: p must be in [0, 1], got ${p}`);
    const h = (sorted.length - 1) * p;
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  });
}

/** Equal-width bins over [lo, hi]; values outside fall into the first or last bin. */
export interface Histogram {
  lo: number;
  hi: number;
  counts: number[];
}

export function histogram(values: ArrayLike<number>, lo: number, hi: number, bins: number): Histogram {
  if (!(hi > lo)) throw new Error(`histogram: range [${lo}, ${hi}] is empty`);
  if (!(Number.isInteger(bins) && bins > 0)) throw new Error(`histogram: bins must be a positive integer`);
  const counts = new Array<number>(bins).fill(0);
  const scale = bins / (hi - lo);
  for (let i = 0; i < values.length; i++) {
    const b = Math.floor((values[i] - lo) * scale);
    counts[b < 0 ? 0 : b >= bins ? bins - 1 : b]++;
  }
  return { lo, hi, counts };
}

/** The smallest double greater than x (so that `>= nextUp(x)` excludes x and nothing above it). */
export function nextUp(x: number): number {
  if (Number.isNaN(x) || x === Number.POSITIVE_INFINITY) return x;
  if (x === 0) return Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigInt64(0);
  view.setBigInt64(0, x > 0 ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}

/**
 * The lowest threshold at which at most `rate` of the given normal scores would be rejected
 * (score >= threshold): with a = ⌊rate·n⌋ rejects allowed, just above the (a+1)-th largest score.
 * rate 0 is "reject none of these parts".
 */
export function thresholdForFalseRejectRate(normalScores: ArrayLike<number>, rate: number): number {
  checkFinite(normalScores, 'false-reject threshold');
  if (!(rate >= 0 && rate <= 1)) throw new Error(`false-reject rate must be in [0, 1], got ${rate}`);
  const desc = Float64Array.from(normalScores).sort().reverse();
  // The epsilon keeps 0.29 · 100 (28.999…) at 29 rejects.
  const allowed = Math.floor(rate * desc.length + 1e-9);
  if (allowed >= desc.length) return desc[desc.length - 1];
  return nextUp(desc[allowed]);
}

/**
 * How a threshold is placed above the normal scores.
 * - 'max-plus-std' (default, k = 1): max + k·std. With a handful of references a quantile is just the
 *   maximum, so the margin comes from their spread: parts vary about as much as the references do.
 *   Leave-one-out scores use K − 1 references, so they already run a little above what a normal part
 *   scores against the full bank; the maximum plus one spread keeps false rejects rare without pushing
 *   the threshold far into the band of defects.
 * - 'false-reject-rate': the exact counting rule of thresholdForFalseRejectRate, for many references.
 */
export type ThresholdRule = { kind: 'max-plus-std'; k: number } | { kind: 'false-reject-rate'; rate: number };

export const DEFAULT_THRESHOLD_RULE: ThresholdRule = { kind: 'max-plus-std', k: 1 };

export function thresholdFromNormals(
  values: ArrayLike<number>,
  rule: ThresholdRule = DEFAULT_THRESHOLD_RULE,
): number {
  if (rule.kind === 'false-reject-rate') return thresholdForFalseRejectRate(values, rule.rate);
  if (!(rule.k >= 0)) throw new Error(`max-plus-std: k must be >= 0, got ${rule.k}`);
  const s = summarize(values);
  // k = 0 would put the threshold on the top score, which `>=` flags: step just past it.
  return s.std * rule.k > 0 ? s.max + rule.k * s.std : nextUp(s.max);
}

export function describeRule(rule: ThresholdRule): string {
  return rule.kind === 'max-plus-std'
    ? `max + ${rule.k}·std of the leave-one-out scores`
    : `at most ${rule.rate} of the leave-one-out scores at or above the threshold`;
}

/** What calibration needs of each reference: its leave-one-out image score and map maximum. */
export interface NormalScores {
  imageScore: number;
  maxPixel: number;
}

export interface SuggestedThresholds {
  /** Image threshold: NG when image score >= it. */
  image: number;
  /** Pixel threshold: regions are where the map is >= it. Placed on the per-image map maxima, so
   *  that normal parts show no region (a quantile of all normal pixels would outline every part). */
  pixel: number;
  /**
   * Review threshold: just above the highest leave-one-out score, so a part that scores above every
   * good reference is looked at by a person, and only from `image` on is it NG by the score alone.
   */
  review: number;
  rule: ThresholdRule;
  imageStats: Summary;
  pixelStats: Summary;
}

/** The rule the review threshold follows, in words (the NG one is describeRule's). */
export const REVIEW_RULE_TEXT = 'just above the highest leave-one-out score of the references';

export function suggestThresholds(
  refs: readonly NormalScores[],
  rule: ThresholdRule = DEFAULT_THRESHOLD_RULE,
): SuggestedThresholds {
  if (refs.length < 2) throw new Error(`calibration needs at least 2 reference images, got ${refs.length}`);
  const img = refs.map((r) => r.imageScore);
  const px = refs.map((r) => r.maxPixel);
  const image = thresholdFromNormals(img, rule);
  const imageStats = summarize(img);
  return {
    image,
    pixel: thresholdFromNormals(px, rule),
    // Never above the NG threshold (a false-reject rule can place NG at or below the maximum).
    review: Math.min(nextUp(imageStats.max), image),
    rule,
    imageStats,
    pixelStats: summarize(px),
  };
}
