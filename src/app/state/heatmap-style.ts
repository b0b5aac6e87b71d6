/** The heatmap colour scale for a card, the detail view or an export (one rule for all three). */
import { type HeatmapStyle, thresholdRange } from '../../render/layers';
import { rangeFor } from './selectors';
import type { InspectedImage, Settings } from './types';

/**
 * `judged`: whether the image's mode has a threshold. Until it has, the pixel threshold is the default
 * and means nothing, so every scale but "fixed 0–1" becomes the image's own min–max (relative to this
 * image, as its legend says) instead of a warm-above-threshold scale that would paint every map warm.
 */
export function heatmapStyleFor(
  settings: Pick<Settings, 'colormap' | 'rangeMode'>,
  image: InspectedImage | null,
  images: InspectedImage[],
  pixelThreshold: number,
  normalLow: number | null,
  judged = true,
): HeatmapStyle {
  if (!judged && settings.rangeMode !== 'fixed') {
    return { colormap: settings.colormap, range: rangeFor('image', image, images) };
  }
  if (settings.rangeMode === 'threshold') {
    return {
      colormap: settings.colormap,
      range: thresholdRange(pixelThreshold, normalLow),
      split: pixelThreshold,
    };
  }
  return { colormap: settings.colormap, range: rangeFor(settings.rangeMode, image, images) };
}
