/**
 * `score`'s inspection flags: the region it looks at (--roi), don't-care boxes (--ignore), the review band
 * (--review-threshold) and the region rule (--min-region-area). Each also comes from a recipe (its
 * `inspection` and its mode's thresholds); a flag overrides the recipe's value. The parsing and the checks
 * are the core's (src/core/inspection-region.ts, verdict-policy.ts); a bad value is a usage error here.
 */
import { type DontCareArea, type InspectionSetup, type PixelRect, parseBox } from '../core/inspection-region';
import type { RecipeThresholds } from '../core/recipe';
import {
  checkPolicy,
  type MinRegionArea,
  parseMinRegionArea,
  type VerdictPolicy,
} from '../core/verdict-policy';
import type { FlagSpec } from './flags';
import { UsageError } from './usage-error';

export const INSPECTION_FLAGS = {
  roi: {
    type: 'string',
    arg: '<x,y,w,h>',
    help: 'score only this box of each image (pixels): the image is cropped before anything else, the map covers the box and each record gets "roi"; references of the same size are cropped too, others are used whole (a note says so)',
  },
  ignore: {
    type: 'string',
    multiple: true,
    arg: '<x,y,w,h>',
    help: "a don't-care box (image pixels): left out of max_pixel, regions and the few-shot score's map maximum (the zero-shot score is the whole crop's); polygons come from a --recipe",
  },
  'review-threshold': {
    type: 'string',
    arg: '<t>',
    help: 'with --image-threshold: "verdict" REVIEW from t up to the image threshold (OK below t)',
  },
  'min-region-area': {
    type: 'string',
    arg: '<a|a%>',
    help: 'with --pixel-threshold: regions smaller than a pixels (or a% of the inspected area) are not listed; a listed region makes the verdict NG',
  },
} satisfies Record<string, FlagSpec>;

export interface InspectionFlagValues {
  roi?: string;
  ignore?: string[];
  'review-threshold'?: string;
  'min-region-area'?: string;
}

/** Everything that decides a record: thresholds, the rest of the policy and where to look. */
export interface RecordPolicy {
  image?: number;
  pixel?: number;
  review?: number;
  minRegionArea?: MinRegionArea;
  setup: InspectionSetup;
}

function usage<T>(flag: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new UsageError('score', `--${flag}: ${(err as Error).message}`);
  }
}

/** The ROI and the don't-care areas: flags first, else the recipe's. */
export function inspectionSetup(
  values: InspectionFlagValues,
  fromRecipe: InspectionSetup | undefined,
): InspectionSetup {
  const roi: PixelRect | undefined = values.roi ? usage('roi', () => parseBox(values.roi!)) : fromRecipe?.roi;
  const ignore: DontCareArea[] = values.ignore
    ? values.ignore.map((t) => ({ kind: 'rect', box: usage('ignore', () => parseBox(t)) }))
    : [...(fromRecipe?.ignore ?? [])];
  return { ...(roi && { roi }), ignore };
}

/** The review threshold and the minimum region area: flags first, else the recipe's for its mode. */
export function policyExtras(
  values: InspectionFlagValues,
  fromRecipe: RecipeThresholds | null | undefined,
  thresholds: { image?: number; pixel?: number },
): { review?: number; minRegionArea?: MinRegionArea } {
  const rawReview = values['review-threshold'];
  let review = fromRecipe?.review;
  if (rawReview !== undefined) {
    review = Number(rawReview);
    if (rawReview.trim() === '' || !Number.isFinite(review))
      throw new UsageError('score', `--review-threshold must be a number, got '${rawReview}'`);
  }
  const rawArea = values['min-region-area'];
  const minRegionArea =
    rawArea !== undefined
      ? usage('min-region-area', () => parseMinRegionArea(rawArea))
      : fromRecipe?.minRegionArea;
  if (review !== undefined) {
    if (thresholds.image === undefined)
      throw new UsageError('score', 'a review threshold needs an image threshold: --image-threshold <t>');
    usage('review-threshold', () => checkPolicy({ ngThreshold: thresholds.image!, reviewThreshold: review }));
  }
  if (minRegionArea !== undefined && thresholds.pixel === undefined)
    throw new UsageError('score', 'a minimum region area needs a pixel threshold: --pixel-threshold <t>');
  return { ...(review !== undefined && { review }), ...(minRegionArea && { minRegionArea }) };
}

/**
 * The verdict policy of a record, or null without an image threshold (no verdict). The region rule applies
 * only with a minimum region area, so runs that set none decide by the score alone, as before.
 */
export function verdictPolicy(p: RecordPolicy): VerdictPolicy | null {
  if (p.image === undefined) return null;
  return {
    ngThreshold: p.image,
    reviewThreshold: p.review,
    ...(p.minRegionArea && { pixelThreshold: p.pixel, minRegionArea: p.minRegionArea }),
  };
}
