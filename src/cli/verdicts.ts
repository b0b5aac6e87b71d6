/** The record of one scored image, with verdict and regions for `--image-threshold/--pixel-threshold`. */
import { verdictOf } from '../core/calibration';
import { mapRange } from '../core/map-regions';
import type { CsvColumnGroup } from '../core/results-csv';
import { type ImageRecord, imageRecord, regionRecord } from '../core/results-format';
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

/** The CSV column groups (src/core/results-csv.ts) that apply for the thresholds given. */
export function csvColumnGroups(thresholds: VerdictThresholds): CsvColumnGroup[] {
  return [
    'image',
    ...(thresholds.image !== undefined ? (['verdict'] as const) : []),
    ...(thresholds.pixel !== undefined ? (['pixel'] as const) : []),
    'provenance',
  ];
}

/** The per-image record: `verdict` with an image threshold, `max_pixel` and `regions` with a pixel one. */
export function scoredRecord(
  engine: WinclipEngine,
  key: string,
  file: string,
  result: ImageResult,
  thresholds: VerdictThresholds,
  vocabulary: readonly StateEmbedding[],
): ImageRecord {
  const { width, height } = result;
  const regions =
    thresholds.pixel === undefined
      ? undefined
      : explain(engine, key, result, thresholds.pixel, vocabulary).regions.map((r) =>
          regionRecord({ ...r, state: r.state?.state }, width, height),
        );
  return imageRecord({
    file,
    width,
    height,
    imageScore: result.imageScore,
    verdict: thresholds.image === undefined ? undefined : verdictOf(result.imageScore, thresholds.image),
    maxPixel: thresholds.pixel === undefined ? undefined : mapRange(result.anomalyMap).max,
    regions,
  });
}
