/** Derived values: verdicts, counts, ordering and the shared heatmap range. */
import type { InspectedImage, RangeMode, SortKey, VerdictFilter } from './types';

export type Verdict = 'OK' | 'NG';

/** NG when the image score reaches the threshold (inclusive, so threshold 0 flags everything). */
export function verdictOf(score: number, threshold: number): Verdict {
  return score >= threshold ? 'NG' : 'OK';
}

/** One image threshold for all, or each image's own (its scoring mode's, see state/calibration.ts). */
export type ThresholdOf = number | ((image: InspectedImage) => number);

function thresholdOf(t: ThresholdOf, image: InspectedImage): number {
  return typeof t === 'number' ? t : t(image);
}

export function imageVerdict(image: InspectedImage, threshold: ThresholdOf): Verdict | null {
  return image.result ? verdictOf(image.result.score, thresholdOf(threshold, image)) : null;
}

export interface Counts {
  total: number;
  scored: number;
  ok: number;
  ng: number;
  pending: number;
  failed: number;
}

export function countVerdicts(images: InspectedImage[], threshold: ThresholdOf): Counts {
  const c: Counts = { total: images.length, scored: 0, ok: 0, ng: 0, pending: 0, failed: 0 };
  for (const im of images) {
    if (im.result) {
      c.scored++;
      if (verdictOf(im.result.score, thresholdOf(threshold, im)) === 'NG') c.ng++;
      else c.ok++;
    } else if (im.status === 'error') c.failed++;
    else if (im.status !== 'cancelled') c.pending++;
  }
  return c;
}

export function visibleImages(
  images: InspectedImage[],
  sort: SortKey,
  filter: VerdictFilter,
  threshold: ThresholdOf,
): InspectedImage[] {
  const list = images.filter((im) => {
    if (filter === 'all') return true;
    const v = imageVerdict(im, threshold);
    if (filter === 'pending') return v === null;
    return v === (filter === 'ok' ? 'OK' : 'NG');
  });
  const score = (im: InspectedImage) => im.result?.score ?? Number.NEGATIVE_INFINITY;
  switch (sort) {
    case 'score-desc':
      return list.sort((a, b) => score(b) - score(a) || a.addedAt - b.addedAt);
    case 'score-asc':
      // Unscored images go last in both directions.
      return list.sort(
        (a, b) =>
          (a.result ? a.result.score : Number.POSITIVE_INFINITY) -
            (b.result ? b.result.score : Number.POSITIVE_INFINITY) || a.addedAt - b.addedAt,
      );
    case 'name':
      return list.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
    default:
      return list.sort((a, b) => a.addedAt - b.addedAt);
  }
}

/** Min/max over every scored map, so all heatmaps of a batch share one colour scale. */
function batchRange(images: InspectedImage[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const im of images) {
    if (!im.result) continue;
    lo = Math.min(lo, im.result.mapMin);
    hi = Math.max(hi, im.result.mapMax);
  }
  return Number.isFinite(lo) && hi > lo ? [lo, hi] : [0, 1];
}

export function rangeFor(
  mode: RangeMode,
  image: InspectedImage | null,
  all: InspectedImage[],
): [number, number] {
  if (mode === 'fixed') return [0, 1];
  if (mode === 'image' && image?.result && image.result.mapMax > image.result.mapMin) {
    return [image.result.mapMin, image.result.mapMax];
  }
  return batchRange(all);
}
