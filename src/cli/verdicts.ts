/**
 * The record of one scored image: `verdict` with an image threshold (REVIEW with a review threshold, NG
 * also from the region rule with a minimum region area), `max_pixel` and `regions` with a pixel threshold;
 * with an ROI, `roi`, and region boxes moved back into image pixels. Don't-care areas are left out of
 * `max_pixel` and the regions (src/core/care-mask.ts).
 */
import { careMax, mapCareMask } from '../core/care-mask';
import { mapRange } from '../core/map-regions';
import type { CsvColumnGroup } from '../core/results-csv';
import { type ImageRecord, imageRecord, type RegionRecord, regionRecord } from '../core/results-format';
import type { StateEmbedding } from '../core/state-words';
import type { ImageResult } from '../core/types';
import { minAreaPx, partVerdict } from '../core/verdict-policy';
import type { WinclipEngine } from '../engine/engine';
import { explain } from '../engine/explain';
import { type RecordPolicy, verdictPolicy } from './inspection-flags';
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

/** The CSV column groups (src/core/results-csv.ts) that apply for the thresholds and the ROI given. */
export function csvColumnGroups(thresholds: VerdictThresholds, withRoi = false): CsvColumnGroup[] {
  return [
    'image',
    ...(withRoi ? (['roi'] as const) : []),
    ...(thresholds.image !== undefined ? (['verdict'] as const) : []),
    ...(thresholds.pixel !== undefined ? (['pixel'] as const) : []),
    'provenance',
  ];
}

/** The per-image record of `result` (a map of the ROI's crop with one) for an image of `size`. */
export function scoredRecord(
  engine: WinclipEngine,
  key: string,
  file: string,
  size: { width: number; height: number },
  result: ImageResult,
  policy: RecordPolicy,
  vocabulary: readonly StateEmbedding[],
): ImageRecord {
  const { roi, ignore } = policy.setup;
  const inspected = roi ?? size;
  const inspectedPx = inspected.width * inspected.height;
  const care = mapCareMask(ignore, {
    mapWidth: result.width,
    mapHeight: result.height,
    width: inspected.width,
    height: inspected.height,
    roi,
  });
  const minArea = minAreaPx(policy.minRegionArea, inspectedPx);
  const regions: RegionRecord[] | undefined =
    policy.pixel === undefined
      ? undefined
      : explain(engine, key, result, policy.pixel, vocabulary, undefined, care)
          .regions.filter((r) => r.area >= minArea)
          .map((r) =>
            regionRecord(
              { ...r, state: r.state?.state },
              inspected.width,
              inspected.height,
              roi ?? { x: 0, y: 0 },
            ),
          );
  const rule = verdictPolicy(policy);
  const ruleRegions = (regions ?? []).map((r) => ({ areaPx: r.area, peak: r.peak }));
  const max = care ? careMax(result.anomalyMap, care) : mapRange(result.anomalyMap).max;
  return imageRecord({
    file,
    width: size.width,
    height: size.height,
    roi,
    imageScore: result.imageScore,
    verdict: rule ? partVerdict(result.imageScore, ruleRegions, rule, inspectedPx) : undefined,
    // With every pixel in a don't-care area there is no maximum.
    maxPixel: policy.pixel === undefined ? undefined : care && max === Number.NEGATIVE_INFINITY ? null : max,
    regions,
  });
}
