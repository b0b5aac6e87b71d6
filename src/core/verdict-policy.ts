/**
 * The verdict policy of a station: OK below the review threshold, REVIEW from it up to the NG threshold,
 * NG at or above it (a score >= threshold is NG, as everywhere), plus a region rule: a region of the map
 * at or above the pixel threshold, outside don't-care areas, whose area is at least the minimum makes the
 * part NG whatever its image score; smaller regions are dust and are not listed as defects.
 * Shared by the CLI and the app, so a recipe decides the same way in both.
 */

export type Verdict = 'OK' | 'REVIEW' | 'NG';

/** A minimum region area: pixels of the image, or a percentage of the inspected area (the ROI's, or the image's). */
export interface MinRegionArea {
  value: number;
  unit: 'px' | '%';
}

export interface VerdictPolicy {
  /** NG at or above. */
  ngThreshold: number;
  /** REVIEW from this (inclusive) up to the NG threshold; absent: no review band. */
  reviewThreshold?: number;
  /** The pixel threshold regions are taken at; absent: no region rule. */
  pixelThreshold?: number;
  /** Regions smaller than this are ignored; absent: every region counts (one pixel is enough). */
  minRegionArea?: MinRegionArea;
}

/** A region of the map above the pixel threshold, as far as the rule needs it. */
export interface RuleRegion {
  /** Its area in image pixels. */
  areaPx: number;
  /** Its highest map value. */
  peak: number;
}

/** Throws a clear message for a policy that cannot decide (NaN, review above NG, negative area). */
export function checkPolicy(policy: VerdictPolicy): void {
  if (!Number.isFinite(policy.ngThreshold))
    throw new Error(`The NG threshold must be a number, got ${policy.ngThreshold}`);
  const r = policy.reviewThreshold;
  if (r !== undefined) {
    if (!Number.isFinite(r)) throw new Error(`The review threshold must be a number, got ${r}`);
    if (r > policy.ngThreshold)
      throw new Error(
        `The review threshold (${r}) is above the NG threshold (${policy.ngThreshold}): review starts below NG`,
      );
  }
  if (policy.pixelThreshold !== undefined && !Number.isFinite(policy.pixelThreshold))
    throw new Error(`The pixel threshold must be a number, got ${policy.pixelThreshold}`);
  const a = policy.minRegionArea;
  if (a !== undefined) {
    if (!(Number.isFinite(a.value) && a.value >= 0))
      throw new Error(`The minimum region area must be a number ≥ 0, got ${a.value}`);
    if (a.unit === '%' && a.value > 100)
      throw new Error(
        `The minimum region area is a percentage of the inspected area: at most 100, got ${a.value}`,
      );
  }
}

/** The minimum area in pixels, for an inspected area of `inspectedPx` pixels. */
export function minAreaPx(min: MinRegionArea | undefined, inspectedPx: number): number {
  if (!min) return 0;
  return min.unit === 'px' ? min.value : (min.value / 100) * inspectedPx;
}

/** The verdict of an image score alone. */
export function scoreVerdict(score: number, policy: VerdictPolicy): Verdict {
  if (score >= policy.ngThreshold) return 'NG';
  if (policy.reviewThreshold !== undefined && score >= policy.reviewThreshold) return 'REVIEW';
  return 'OK';
}

/** The regions that count as defects: peak at or above the pixel threshold and area at least the minimum. */
export function defectRegions<R extends RuleRegion>(
  regions: readonly R[],
  policy: VerdictPolicy,
  inspectedPx: number,
): R[] {
  if (policy.pixelThreshold === undefined) return [];
  const t = policy.pixelThreshold;
  const min = minAreaPx(policy.minRegionArea, inspectedPx);
  return regions.filter((r) => r.peak >= t && r.areaPx >= min);
}

/**
 * The verdict of a part: NG when its score is at or above the NG threshold or when a defect region
 * (see defectRegions) is left; otherwise REVIEW or OK from the score.
 */
export function partVerdict(
  score: number,
  regions: readonly RuleRegion[],
  policy: VerdictPolicy,
  inspectedPx: number,
): Verdict {
  const byScore = scoreVerdict(score, policy);
  if (byScore === 'NG') return 'NG';
  return defectRegions(regions, policy, inspectedPx).length > 0 ? 'NG' : byScore;
}

/** "120" (pixels) or "0.5%" (of the inspected area) → a minimum region area; throws a clear message. */
export function parseMinRegionArea(text: string): MinRegionArea {
  const t = text.trim();
  const percent = t.endsWith('%');
  const body = percent ? t.slice(0, -1).trim() : t;
  const value = body === '' ? Number.NaN : Number(body);
  if (!(Number.isFinite(value) && value >= 0))
    throw new Error(
      `'${text}' is not an area: give pixels (e.g. 120) or a percentage of the inspected area (e.g. 0.5%)`,
    );
  const area: MinRegionArea = { value, unit: percent ? '%' : 'px' };
  checkPolicy({ ngThreshold: 0, minRegionArea: area });
  return area;
}
