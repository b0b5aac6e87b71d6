/** Regions of each image's full map at its pixel threshold, as the worker reported them for the region rule. */
import { create } from 'zustand';
import type { ImageRegions } from './judging';
import type { RegionsOf } from './selectors';
import type { ImageScore, InspectedImage } from './types';

export interface ReportedRegions extends ImageRegions {
  /** The score and pixel threshold the regions belong to. */
  result: ImageScore;
  pixel: number;
}

export const useRegionReports = create<{ byId: Record<string, ReportedRegions> }>()(() => ({ byId: {} }));

/** The reported regions of an image, when they belong to its current score and its policy's pixel threshold. */
export function regionsLookup(
  byId: Record<string, ReportedRegions>,
  pixelOf: (im: InspectedImage) => number | undefined,
): RegionsOf {
  return (im) => {
    const r = byId[im.id];
    return r && r.result === im.result && r.pixel === pixelOf(im) ? r : undefined;
  };
}
