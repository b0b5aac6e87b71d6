/** Paints a gallery card: the thumbnail with its (small) anomaly map on top. */
import type { SmallMap } from '../../../../workers/protocol';
import type { ColormapName } from '../../../render/colormap';
import { heatmapRgba } from '../../../render/layers';

export interface CardPaint {
  colormap: ColormapName;
  range: [number, number];
  /** Pixel threshold of the threshold scale (see HeatmapStyle.split). */
  split?: number;
  opacity: number;
  showHeatmap: boolean;
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
  if (!map || !opts.showHeatmap) return;
  const heat = new OffscreenCanvas(map.width, map.height);
  const hctx = heat.getContext('2d');
  if (!hctx) return;
  const rgba = heatmapRgba(map.data, { colormap: opts.colormap, range: opts.range, split: opts.split });
  hctx.putImageData(new ImageData(rgba, map.width, map.height), 0, 0);
  ctx.globalAlpha = opts.opacity;
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(heat, 0, 0, thumb.width, thumb.height);
  ctx.globalAlpha = 1;
}
