/**
 * The inspection region and don't-care areas the gallery is scored with (one setup for the session,
 * in image pixels), kept apart from the main store; the editor's draft lives in its component until
 * it is applied.
 */
import { create } from 'zustand';
import type { InspectionSetup, PixelRect } from '../../core/inspection-region';
import { isWholeImage } from '../../core/inspection-setup-format';
import type { ScoreOptions } from '../../core/score-options';

export interface InspectionSetupState {
  setup: InspectionSetup;
  /** True while an applied change is being scored (references re-encoded, the gallery re-scored). */
  applying: boolean;
}

export const WHOLE_IMAGE: InspectionSetup = { ignore: [] };

export const useInspectionSetup = create<InspectionSetupState>()(() => ({
  setup: WHOLE_IMAGE,
  applying: false,
}));

/** The scoring options that carry the current setup (none for the whole image: results as before). */
export function setupScoreOptions(
  setup: InspectionSetup = useInspectionSetup.getState().setup,
): ScoreOptions {
  return isWholeImage(setup) ? {} : { setup };
}

/** The ROI as fractions of a frame of `width`×`height` (for outlines drawn over thumbnails), or null. */
export function roiFraction(
  roi: PixelRect | undefined,
  width: number | null,
  height: number | null,
): { left: number; top: number; width: number; height: number } | null {
  if (!roi || !width || !height) return null;
  return { left: roi.x / width, top: roi.y / height, width: roi.width / width, height: roi.height / height };
}
