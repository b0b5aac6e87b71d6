/**
 * Pixel layers drawn over a photo, as plain RGBA arrays: the coloured anomaly map and the outline of
 * the regions above the pixel threshold. Pure, so the worker (full resolution) and the UI (thumbnails)
 * colour maps identically and tests can check pixels without a canvas.
 */
import { type ThresholdRegions, thresholdRegions } from '../core/map-regions';
import { type ColormapName, colorizeMap, colorizeSplit, colormapLut } from './colormap';

/** Outline colour: cyan contrasts with both the warm end of the colormaps and most product photos. */
export const OUTLINE_RGBA: readonly [number, number, number, number] = [0, 229, 255, 255];

export interface HeatmapStyle {
  colormap: ColormapName;
  /** Map values mapped to the two ends of the colormap. */
  range: [number, number];
  /** The pixel threshold, for the threshold scale: below it cool colours only, from it warm ones. */
  split?: number;
}

/**
 * The threshold scale's range: centred on the pixel threshold t, reaching down to where normal pixels
 * sit (the calibrated median, when known and below t) or to t − 0.1, and as far above t.
 */
export function thresholdRange(t: number, normalLow: number | null): [number, number] {
  const d = normalLow !== null && normalLow < t ? t - normalLow : 0.1;
  return [t - d, t + d];
}

/** The map coloured with `style` (opaque RGBA, row-major like the map). */
export function heatmapRgba(map: Float32Array, style: HeatmapStyle): Uint8ClampedArray<ArrayBuffer> {
  const rgba = new Uint8ClampedArray(map.length * 4);
  if (style.split !== undefined)
    colorizeSplit(map, colormapLut(style.colormap), style.range[0], style.split, style.range[1], rgba);
  else colorizeMap(map, colormapLut(style.colormap), style.range[0], style.range[1], rgba);
  return rgba;
}

/** Outline width in pixels: thick enough to stay visible when a large photo is shown scaled down. */
export function outlineThickness(width: number, height: number): number {
  return Math.max(1, Math.round(Math.max(width, height) / 400));
}

export interface OutlineLayer {
  /** Outline pixels in OUTLINE_RGBA, everything else transparent. */
  rgba: Uint8ClampedArray<ArrayBuffer>;
  regions: ThresholdRegions;
}

/** Regions at or above `threshold` and their outline as a transparent RGBA layer. */
export function outlineLayer(
  map: Float32Array,
  width: number,
  height: number,
  threshold: number,
  care: Uint8Array | null = null,
): OutlineLayer {
  const regions = thresholdRegions(map, width, height, threshold, outlineThickness(width, height), care);
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < regions.outline.length; i++) {
    if (regions.outline[i]) rgba.set(OUTLINE_RGBA, i * 4);
  }
  return { rgba, regions };
}
