/** Derived values: verdicts, counts, ordering and the shared heatmap range. */
import { type ImageRegions, judge, type PolicyOf, type Verdict } from './judging';
import type { InspectedImage, RangeMode, SortKey, VerdictFilter } from './types';

export type { Verdict };

/** The regions the worker reported for an image's region rule, if any (see region-rule-service). */
export type RegionsOf = (im: InspectedImage) => ImageRegions | undefined;

const noRegions: RegionsOf = () => undefined;

/** A scored image's verdict under its own policy; null when unscored or unjudged. */
export function imageVerdict(
  image: InspectedImage,
  policyOf: PolicyOf,
  regionsOf: RegionsOf = noRegions,
): Verdict | null {
  return image.result ? judge(image.result.score, policyOf(image), regionsOf(image)) : null;
}

export interface Counts {
  total: number;
  scored: number;
  ok: number;
  review: number;
  ng: number;
  /** Scored, but its mode has no threshold yet. */
  unjudged: number;
  pending: number;
  failed: number;
}

export function countVerdicts(
  images: InspectedImage[],
  policyOf: PolicyOf,
  regionsOf: RegionsOf = noRegions,
): Counts {
  const c: Counts = {
    total: images.length,
    scored: 0,
    ok: 0,
    review: 0,
    ng: 0,
    unjudged: 0,
    pending: 0,
    failed: 0,
  };
  for (const im of images) {
    if (im.result) {
      c.scored++;
      const v = imageVerdict(im, policyOf, regionsOf);
      if (v === 'NG') c.ng++;
      else if (v === 'REVIEW') c.review++;
      else if (v === 'OK') c.ok++;
      else c.unjudged++;
    } else if (im.status === 'error') c.failed++;
    else if (im.status !== 'cancelled') c.pending++;
  }
  return c;
}

const FILTER_VERDICT: Record<Exclude<VerdictFilter, 'all' | 'pending' | 'unjudged'>, Verdict> = {
  ok: 'OK',
  review: 'REVIEW',
  ng: 'NG',
};

export function visibleImages(
  images: InspectedImage[],
  sort: SortKey,
  filter: VerdictFilter,
  policyOf: PolicyOf,
  regionsOf: RegionsOf = noRegions,
): InspectedImage[] {
  const list = images.filter((im) => {
    if (filter === 'all') return true;
    if (filter === 'pending') return !im.result;
    const v = imageVerdict(im, policyOf, regionsOf);
    if (filter === 'unjudged') return im.result !== null && v === null;
    return v === FILTER_VERDICT[filter];
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
