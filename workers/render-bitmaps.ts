/**
 * Turns the pure pixel layers of src/render into ImageBitmaps and composes the overlay PNG on an
 * OffscreenCanvas (worker side, so full-resolution pixels never reach the UI thread).
 */
import type { ImageResult } from '../src/core/types';
import { decodeToBitmap } from '../src/io/decode-browser';
import { type HeatmapStyle, heatmapRgba, outlineLayer } from '../src/render/layers';
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

export async function outlineBitmap(result: ImageResult, threshold: number) {
  const { rgba, regions } = outlineLayer(result.anomalyMap, result.width, result.height, threshold);
  const bitmap = await createImageBitmap(new ImageData(rgba, result.width, result.height));
  return { bitmap, regions };
}

/** The photo with the chosen layers on top, at the map's (full) resolution, as a PNG. */
export async function overlayPng(
  result: ImageResult,
  image: Blob,
  name: string,
  opts: OverlayOptions,
): Promise<Blob> {
  const bitmap = await decodeToBitmap(image, name);
  const canvas = new OffscreenCanvas(result.width, result.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('2D canvas unavailable');
  ctx.drawImage(bitmap, 0, 0, result.width, result.height);
  bitmap.close();
  if (opts.showHeatmap) {
    const heat = await heatmapBitmap(result, opts);
    ctx.globalAlpha = opts.opacity;
    ctx.drawImage(heat, 0, 0);
    ctx.globalAlpha = 1;
    heat.close();
  }
  if (opts.showOutline) {
    const { bitmap: outline } = await outlineBitmap(result, opts.pixelThreshold);
    ctx.drawImage(outline, 0, 0);
    outline.close();
  }
  if (opts.caption) drawCaption(ctx, result.width, opts.caption);
  return canvas.convertToBlob({ type: 'image/png' });
}
