/**
 * Turns the pure pixel layers of src/render into ImageBitmaps and composes the overlay PNG on an
 * OffscreenCanvas (worker side, so full-resolution pixels never reach the UI thread).
 */
import { resultCareMask } from '../src/core/care-mask';
import type { DontCareArea } from '../src/core/inspection-region';
import type { ImageResult } from '../src/core/types';
import { decodeToBitmap } from '../src/io/decode-browser';
import { type HeatmapStyle, heatmapRgba, outlineLayer } from '../src/render/layers';
import { dimOutsideRoi, drawDontCareAreas } from '../src/render/region-marks';
import type { OverlayCaption, OverlayOptions } from './protocol';

const VERDICT_COLOURS = { OK: '#1f9d55', REVIEW: '#d08a00', NG: '#d64545' } as const;

/** A bar across the top: the verdict in its colour, then the caption text; sized to the image. */
function drawCaption(ctx: OffscreenCanvasRenderingContext2D, width: number, caption: OverlayCaption): void {
  const size = Math.max(11, Math.round(width / 28));
  const pad = Math.round(size * 0.4);
  const bar = size + 2 * pad;
  ctx.fillStyle = 'rgba(0, 0, 0, 0.62)';
  ctx.fillRect(0, 0, width, bar);
  ctx.font = `600 ${size}px system-ui, sans-serif`;
  ctx.textBaseline = 'middle';
  let x = pad;
  if (caption.verdict) {
    const w = ctx.measureText(caption.verdict).width + 2 * pad;
    ctx.fillStyle = VERDICT_COLOURS[caption.verdict];
    ctx.fillRect(x, pad / 2, w, bar - pad);
    ctx.fillStyle = '#fff';
    ctx.fillText(caption.verdict, x + pad, bar / 2);
    x += w + pad;
  }
  ctx.fillStyle = '#fff';
  ctx.fillText(caption.text, x, bar / 2, Math.max(0, width - x - pad));
}

export function heatmapBitmap(result: ImageResult, style: HeatmapStyle): Promise<ImageBitmap> {
  const rgba = heatmapRgba(result.anomalyMap, style);
  return createImageBitmap(new ImageData(rgba, result.width, result.height));
}

/** `care`: pixels in don't-care areas (0) are never outlined nor counted (src/core/care-mask.ts). */
export async function outlineBitmap(result: ImageResult, threshold: number, care: Uint8Array | null = null) {
  const { rgba, regions } = outlineLayer(result.anomalyMap, result.width, result.height, threshold, care);
  const bitmap = await createImageBitmap(new ImageData(rgba, result.width, result.height));
  return { bitmap, regions };
}

/**
 * The photo with the chosen layers on top, at the map's (full) resolution, as a PNG. `ignore`: the
 * don't-care areas it was scored with (image pixels), hatched and outlined; no region is outlined in them.
 */
export async function overlayPng(
  result: ImageResult,
  image: Blob,
  name: string,
  opts: OverlayOptions,
  ignore: readonly DontCareArea[] = [],
): Promise<Blob> {
  const bitmap = await decodeToBitmap(image, name);
  const roi = result.roi;
  // With an ROI the map is the ROI's: the whole frame is drawn, the map on the ROI, the rest dimmed.
  const frame = roi ? { width: bitmap.width, height: bitmap.height } : result;
  const at = roi ?? { x: 0, y: 0 };
  const canvas = new OffscreenCanvas(frame.width, frame.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('2D canvas unavailable');
  ctx.drawImage(bitmap, 0, 0, frame.width, frame.height);
  bitmap.close();
  if (roi) dimOutsideRoi(ctx, roi, frame.width, frame.height);
  if (opts.showHeatmap) {
    const heat = await heatmapBitmap(result, opts);
    ctx.globalAlpha = opts.opacity;
    ctx.drawImage(heat, at.x, at.y);
    ctx.globalAlpha = 1;
    heat.close();
  }
  if (opts.showOutline) {
    const care = resultCareMask(ignore, result);
    const { bitmap: outline } = await outlineBitmap(result, opts.pixelThreshold, care);
    ctx.drawImage(outline, at.x, at.y);
    outline.close();
  }
  if (ignore.length > 0) drawDontCareAreas(ctx, ignore, frame.width);
  if (opts.caption) drawCaption(ctx, frame.width, opts.caption);
  return canvas.convertToBlob({ type: 'image/png' });
}
