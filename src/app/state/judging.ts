/**
 * Whether and how an image is judged. A score is judged only under a threshold that came from
 * calibration, marks, a recipe or the user's hand for its own mode (an entry in the per-mode table):
 * until then the default 0.5 means nothing (zero-shot scores sit in one narrow band) and the image is
 * unjudged. A judged image is decided by the core's verdict policy, exactly as the CLI decides.
 */
import { parseThresholdKey } from '../../core/scoring-mode';
import {
  partVerdict,
  type RuleRegion,
  scoreVerdict,
  type Verdict,
  type VerdictPolicy,
} from '../../core/verdict-policy';
import type { ModeThresholds, PolicyExtras } from './threshold-decisions';
import type { InspectedImage, Thresholds } from './types';

export type { Verdict };

/** An image's policy, or null while its mode has no threshold (unjudged) or it is unscored. */
export type PolicyOf = (im: InspectedImage) => VerdictPolicy | null;

/** Regions of an image's full map at the pixel threshold, when the worker has reported them. */
export interface ImageRegions {
  regions: RuleRegion[];
  /** Pixels inspected (the image's, or its ROI's): what a minimum area in % is taken of. */
  inspectedPx: number;
}

/**
 * The policy of a mode's thresholds. The region rule is on only once a minimum region area is set:
 * the pixel threshold alone only colours the map and outlines regions, as before.
 */
export function policyOf(t: Thresholds, extras: PolicyExtras): VerdictPolicy {
  return {
    ngThreshold: t.image,
    ...(extras.review !== undefined ? { reviewThreshold: extras.review } : {}),
    ...(extras.minArea ? { pixelThreshold: t.pixel, minRegionArea: extras.minArea } : {}),
  };
}

/** Whether the policy needs the map's regions (its region rule is on). */
export function needsRegions(p: VerdictPolicy): boolean {
  return p.pixelThreshold !== undefined && p.minRegionArea !== undefined;
}

/**
 * The verdict of a scored image under its policy; null when unjudged. With the region rule on and the
 * regions not reported yet, the score alone decides (the regions can only add NG).
 */
export function judge(score: number, policy: VerdictPolicy | null, regions?: ImageRegions): Verdict | null {
  if (!policy) return null;
  if (regions && needsRegions(policy))
    return partVerdict(score, regions.regions, policy, regions.inspectedPx);
  return scoreVerdict(score, policy);
}

/**
 * The policy an image's verdict uses: its own mode's. The current mode's image and pixel thresholds are
 * the sliders'; another mode's come from the per-mode table. No entry: unjudged.
 */
export function imagePolicyFor(
  modeKey: string | null,
  currentKey: string,
  current: Thresholds,
  byMode: Record<string, ModeThresholds>,
): VerdictPolicy | null {
  if (modeKey === null) return null;
  const e = byMode[modeKey];
  if (!e) return null;
  return policyOf(modeKey === currentKey ? current : e, e);
}

/** The phrase for a verdict that is not there yet. */
export const UNJUDGED_TEXT = 'Not judged yet';

/** Every threshold on screen and in reports has this many decimals (the JSON keeps the full value). */
export function formatThreshold(t: number): string {
  return t.toFixed(4);
}

/** The policy in words, for a badge's tooltip and the detail view: "NG at ≥ 0.2694 · REVIEW from 0.2500". */
export function policyText(p: VerdictPolicy): string {
  const parts = [`NG at ≥ ${formatThreshold(p.ngThreshold)}`];
  if (p.reviewThreshold !== undefined && p.reviewThreshold < p.ngThreshold)
    parts.push(`REVIEW from ${formatThreshold(p.reviewThreshold)}`);
  if (p.minRegionArea && p.pixelThreshold !== undefined) {
    const a = p.minRegionArea;
    parts.push(
      `NG for a region ≥ ${a.value}${a.unit === 'px' ? ' px' : '% of the image'} at pixel ≥ ${formatThreshold(p.pixelThreshold)}`,
    );
  }
  return parts.join(' · ');
}

/** The one action that gives an unjudged mode a threshold, and the side tab where it is done. */
export interface JudgeFix {
  label: string;
  why: string;
  tab: 'references' | 'calibration';
}

export function fixFor(modeKey: string | null): JudgeFix {
  const mode = modeKey === null ? null : parseThresholdKey(modeKey);
  if (mode?.kind === 'zero-shot')
    return {
      label: 'Add good references',
      why: 'Two or more good parts calibrate the thresholds',
      tab: 'references',
    };
  if (mode?.kind === 'few-shot' && mode.k < 2)
    return {
      label: 'Add another good reference',
      why: 'Two or more good parts calibrate the thresholds',
      tab: 'references',
    };
  if (mode?.kind === 'lot')
    return { label: 'Mark a few parts', why: 'OK/NG marks suggest a threshold', tab: 'calibration' };
  return { label: 'Set a threshold', why: 'Set it by hand or from marks', tab: 'calibration' };
}

/** The score-only verdict of an early score (its map, and so its regions, still to come). */
export function scoreVerdictOrNull(score: number, policy: VerdictPolicy | null): Verdict | null {
  return policy ? scoreVerdict(score, policy) : null;
}
