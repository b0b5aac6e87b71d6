/** Paints a gallery card: the thumbnail with its (small) anomaly map on top. */
import type { SmallMap } from '../../../../workers/protocol';
import type { DontCareArea } from '../../../core/inspection-region';
import type { ColormapName } from '../../../render/colormap';
import { heatmapRgba } from '../../../render/layers';

export interface CardPaint {
  colormap: ColormapName;
  range: [number, number];
  /** Pixel threshold of the threshold scale (see HeatmapStyle.split). */
  split?: number;
  opacity: number;
  showHeatmap: boolean;
  /** The inspection region as fractions of the frame: the map covers it, the rest is dimmed. */
  roi?: { left: number; top: number; width: number; height: number } | null;
  /** Don't-care areas in the frame's pixels (`frame`: its size), outlined over the map. */
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
  if (opts.roi) outlineRoi(ctx, r, thumb.width, thumb.height);
  if (map && opts.showHeatmap) paintMap(ctx, map, opts, r);
  if (opts.ignore && opts.ignore.areas.length > 0) outlineAreas(ctx, opts.ignore, thumb.width, thumb.height);
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

/** The frame outside the ROI dimmed and the ROI outlined with a thin line. */
function outlineRoi(
  ctx: CanvasRenderingContext2D,
  r: { x: number; y: number; w: number; h: number },
  width: number,
  height: number,
): void {
  ctx.fillStyle = 'rgba(0, 0, 0, 0.5)';
  ctx.beginPath();
  ctx.rect(0, 0, width, height);
  ctx.rect(r.x, r.y, r.w, r.h);
  ctx.fill('evenodd');
  ctx.strokeStyle = '#38bdf8';
  ctx.lineWidth = Math.max(1, width / 240);
  ctx.strokeRect(r.x, r.y, r.w, r.h);
}

/** Don't-care areas outlined in yellow (as in the detail view), scaled from frame to thumbnail pixels. */
function outlineAreas(
  ctx: CanvasRenderingContext2D,
  ignore: NonNullable<CardPaint['ignore']>,
  width: number,
  height: number,
): void {
  const sx = width / ignore.frame.width;
  const sy = height / ignore.frame.height;
  ctx.strokeStyle = '#facc15';
  ctx.lineWidth = Math.max(1, width / 240);
  for (const a of ignore.areas) {
    ctx.beginPath();
    if (a.kind === 'rect') ctx.rect(a.box.x * sx, a.box.y * sy, a.box.width * sx, a.box.height * sy);
    else for (const [x, y] of a.points) ctx.lineTo(x * sx, y * sy);
    ctx.closePath();
    ctx.stroke();
  }
}
