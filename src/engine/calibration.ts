/**
 * Leave-one-out calibration over the reference bank: each reference is scored few-shot against a
 * memory of the other K − 1 references (its own tiles excluded), which gives the scores normal parts
 * of this object get with these prompts. Thresholds follow from src/core/calibration.ts.
 */
import {
  DEFAULT_THRESHOLD_RULE,
  type Histogram,
  histogram,
  quantiles,
  type SuggestedThresholds,
  suggestThresholds,
  type ThresholdRule,
} from '../core/calibration';
import { careValues, resultCareMask } from '../core/care-mask';
import type { ScoreOptions } from '../core/score-options';
import type { ImageResult } from '../core/types';

/** What leave-one-out needs of an engine (WinclipEngine has it). */
export interface BankScorer {
  scoreWithBank(key: string, bankKeys: string[], options?: ScoreOptions): Promise<ImageResult>;
}

const PIXEL_QUANTILES = [0.5, 0.9, 0.99, 0.999] as const;

export interface LooReference {
  key: string;
  /** Few-shot image score against the other references. */
  imageScore: number;
  /** Largest value of its anomaly map. */
  maxPixel: number;
  /** Map values at PIXEL_QUANTILES (linear interpolation). */
  pixelQuantiles: { p: number; value: number }[];
  /** Map values on equal bins over `histogramRange` (default [0, 1], where every WinCLIP score lies). */
  pixelHistogram: Histogram;
}

export interface LeaveOneOutOptions extends ScoreOptions {
  histogramBins?: number;
  histogramRange?: { lo: number; hi: number };
  /** Called before each reference is scored: throws to stop the loop (a cancelled request). */
  beforeEach?: () => void;
  /** Each reference's result as soon as it is scored, with the count done so far (progress). */
  onReference?: (r: LooReference, done: number) => void;
}

/** The median of a reference's map (where normal pixels sit), from its PIXEL_QUANTILES. */
export function medianPixel(r: LooReference): number {
  const median = r.pixelQuantiles.find((q) => q.p === 0.5);
  if (!median) throw new Error('internal: PIXEL_QUANTILES lacks the median');
  return median.value;
}

export async function leaveOneOut(
  engine: BankScorer,
  refKeys: readonly string[],
  options: LeaveOneOutOptions = {},
): Promise<LooReference[]> {
  if (refKeys.length < 2)
    throw new Error(`calibration needs at least 2 reference images, got ${refKeys.length}`);
  if (new Set(refKeys).size !== refKeys.length) throw new Error('calibration: reference keys repeat');
  const {
    histogramBins = 100,
    histogramRange = { lo: 0, hi: 1 },
    beforeEach,
    onReference,
    ...scoreOptions
  } = options;
  const out: LooReference[] = [];
  for (const key of refKeys) {
    beforeEach?.();
    const others = refKeys.filter((k) => k !== key);
    const r = await engine.scoreWithBank(key, others, scoreOptions);
    // Pixels in don't-care areas are left out of the pixel statistics (maps here are full resolution).
    const map = careValues(r.anomalyMap, resultCareMask(scoreOptions.setup?.ignore ?? [], r));
    if (map.length === 0)
      throw new Error(`calibration: every pixel of reference '${key}' is in a don't-care area`);
    const qs = quantiles(map, [...PIXEL_QUANTILES, 1]);
    out.push({
      key,
      imageScore: r.imageScore,
      maxPixel: qs[PIXEL_QUANTILES.length],
      pixelQuantiles: PIXEL_QUANTILES.map((p, i) => ({ p, value: qs[i] })),
      pixelHistogram: histogram(map, histogramRange.lo, histogramRange.hi, histogramBins),
    });
    onReference?.(out[out.length - 1], out.length);
  }
  return out;
}

export interface Calibration {
  references: LooReference[];
  thresholds: SuggestedThresholds;
}

/** Leave-one-out over `refKeys` (all encoded), then suggested image and pixel thresholds. */
export async function calibrate(
  engine: BankScorer,
  refKeys: readonly string[],
  options: LeaveOneOutOptions = {},
  rule: ThresholdRule = DEFAULT_THRESHOLD_RULE,
): Promise<Calibration> {
  const references = await leaveOneOut(engine, refKeys, options);
  return { references, thresholds: suggestThresholds(references, rule) };
}
