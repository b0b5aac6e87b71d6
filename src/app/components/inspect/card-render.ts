/** Paints a gallery card: the thumbnail with its (small) anomaly map on top. */
import type { SmallMap } from '../../../../workers/protocol';
import type { DontCareArea } from '../../../core/inspection-region';
import type { ColormapName } from '../../../render/colormap';
import { heatmapRgba } from '../../../render/layers';
import { dimOutsideRoi, drawDontCareAreas } from '../../../render/region-marks';

export interface CardPaint {
  colormap: ColormapName;
  range: [number, number];
  /** Pixel threshold of the threshold scale (see HeatmapStyle.split). */
  split?: number;
  opacity: number;
  showHeatmap: boolean;
  /** The inspection region as fractions of the frame: the map covers it, the rest is dimmed. */
  roi?: { left: number; top: number; width: number; height: number } | null;
  /** Don't-care areas in the frame's pixels (`frame`: its size), hatched over the map. */
  ignore?: { areas: readonly DontCareArea[]; frame: { width: number; height: number } } | null;
}

export function paintCard(
  canvas: HTMLCanvasElement,
  thumb: ImageBitmap,
  map: SmallMap | null,
  opts: CardPaint,
): void {
  if (canvas.width !== thumb.width) canvas.width = thumb.width;
  if (canvas.height !== thumb.height) canvas.height = thumb.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.globalAlpha = 1;
  ctx.drawImage(thumb, 0, 0);
  const r = opts.roi
    ? {
        x: opts.roi.left * thumb.width,
        y: opts.roi.top * thumb.height,
        w: opts.roi.width * thumb.width,
        h: opts.roi.height * thumb.height,
      }
    : { x: 0, y: 0, w: thumb.width, h: thumb.height };
  if (opts.roi) dimOutsideRoi(ctx, { x: r.x, y: r.y, width: r.w, height: r.h }, thumb.width, thumb.height);
  if (map && opts.showHeatmap) paintMap(ctx, map, opts, r);
  const ignore = opts.ignore;
  if (ignore && ignore.areas.length > 0) {
    // The areas are in the frame's pixels: scaled onto the thumbnail, marked as on the overlays.
    const scale = { x: thumb.width / ignore.frame.width, y: thumb.height / ignore.frame.height };
    drawDontCareAreas(ctx, ignore.areas, thumb.width, scale);
  }
}

function paintMap(
  ctx: CanvasRenderingContext2D,
  map: SmallMap,
  opts: CardPaint,
  r: { x: number; y: number; w: number; h: number },
): void {
  const heat = new OffscreenCanvas(map.width, map.height);
  const hctx = heat.getContext('2d');
  if (!hctx) return;
  const rgba = heatmapRgba(map.data, { colormap: opts.colormap, range: opts.range, split: opts.split });
  hctx.putImageData(new ImageData(rgba, map.width, map.height), 0, 0);
  ctx.globalAlpha = opts.opacity;
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(heat, r.x, r.y, r.w, r.h);
  ctx.globalAlpha = 1;
}
