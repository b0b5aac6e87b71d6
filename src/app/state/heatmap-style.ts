/** The heatmap colour scale for a card, the detail view or an export (one rule for all three). */
import { type HeatmapStyle, thresholdRange } from '../../render/layers';
import { rangeFor } from './selectors';
import type { InspectedImage, Settings } from './types';

export function heatmapStyleFor(
  settings: Pick<Settings, 'colormap' | 'rangeMode'>,
  image: InspectedImage | null,
  images: InspectedImage[],
  pixelThreshold: number,
  normalLow: number | null,
): HeatmapStyle {
  if (settings.rangeMode === 'threshold') {
    return {
      colormap: settings.colormap,
      range: thresholdRange(pixelThreshold, normalLow),
      split: pixelThreshold,
    };
  }
  return { colormap: settings.colormap, range: rangeFor(settings.rangeMode, image, images) };
}
