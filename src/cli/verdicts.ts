/** Verdict and regions of one scored image for `winclip score --image-threshold/--pixel-threshold`. */
import { verdictOf } from '../core/calibration';
import { mapRange } from '../core/map-regions';
import type { StateEmbedding } from '../core/state-words';
import type { ImageResult } from '../core/types';
import type { WinclipEngine } from '../engine/engine';
import { explain } from '../engine/explain';
import { UsageError } from './usage-error';

export interface VerdictThresholds {
  image?: number;
  pixel?: number;
}

/** Parses a threshold flag: a finite number, or undefined when absent. */
export function thresholdFlag(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v))
    throw new UsageError('score', `--${name} must be a number, got '${raw}'`);
  return v;
}

/** CSV columns of the fields below, for the thresholds given. */
export function verdictCsvColumns(thresholds: VerdictThresholds): string[] {
  return [
    ...(thresholds.image !== undefined ? ['verdict'] : []),
    ...(thresholds.pixel !== undefined ? ['max_pixel', 'regions'] : []),
  ];
}

/** The JSON fields added per image: `verdict` with an image threshold, `regions` with a pixel one. */
export function verdictFields(
  engine: WinclipEngine,
  key: string,
  result: ImageResult,
  thresholds: VerdictThresholds,
  vocabulary: readonly StateEmbedding[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (thresholds.image !== undefined) out.verdict = verdictOf(result.imageScore, thresholds.image);
  if (thresholds.pixel !== undefined) {
    const e = explain(engine, key, result, thresholds.pixel, vocabulary);
    out.max_pixel = mapRange(result.anomalyMap).max;
    out.regions = e.regions.map((r) => ({
      box: r.box,
      area: r.area,
      area_percent: 100 * r.areaFraction,
      peak: r.peak,
      state: r.state?.state ?? null,
    }));
  }
  return out;
}
