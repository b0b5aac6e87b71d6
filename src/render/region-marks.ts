/**
 * The inspection region's marks on a 2-D canvas, drawn alike on the gallery card and on the overlays
 * and exports: the frame outside the ROI dimmed and the ROI outlined; each don't-care area shaded,
 * hatched and outlined in yellow. Pure drawing on the context it is given (no canvas is created), so
 * the page and the workers share it.
 */
import type { DontCareArea } from '../core/inspection-region';

export type Canvas2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** A box on the canvas, in its pixels. */
export interface CanvasBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const REGION_MARK_STYLE = {
  /** Over the frame outside the ROI. */
  outside: 'rgba(0, 0, 0, 0.55)',
  roiLine: '#38bdf8',
  /** Under the hatching of a don't-care area, so it reads as "not looked at" on any image. */
  areaShade: 'rgba(0, 0, 0, 0.35)',
  hatch: 'rgba(250, 204, 21, 0.7)',
  areaLine: '#facc15',
  /** Hatch spacing, in line widths. */
  hatchStep: 8,
} as const;

/** The line width on a canvas `width` pixels wide: one pixel up to 600 px, then growing with it. */
export function markLineWidth(width: number): number {
  return Math.max(1, Math.round(width / 400));
}

/** The canvas (`width` × `height`) outside `roi` dimmed, and `roi` outlined. */
export function dimOutsideRoi(ctx: Canvas2D, roi: CanvasBox, width: number, height: number): void {
  ctx.fillStyle = REGION_MARK_STYLE.outside;
  ctx.beginPath();
  ctx.rect(0, 0, width, height);
  ctx.rect(roi.x, roi.y, roi.width, roi.height);
  ctx.fill('evenodd');
  ctx.strokeStyle = REGION_MARK_STYLE.roiLine;
  ctx.lineWidth = markLineWidth(width);
  ctx.strokeRect(roi.x, roi.y, roi.width, roi.height);
}

function areaPath(ctx: Canvas2D, area: DontCareArea, sx: number, sy: number): void {
  ctx.beginPath();
  if (area.kind === 'rect')
    ctx.rect(area.box.x * sx, area.box.y * sy, area.box.width * sx, area.box.height * sy);
  else for (const [x, y] of area.points) ctx.lineTo(x * sx, y * sy);
  ctx.closePath();
}

/** The corners of the area's bounding box on the canvas. */
function boundsOf(area: DontCareArea, sx: number, sy: number): CanvasBox {
  if (area.kind === 'rect')
    return {
      x: area.box.x * sx,
      y: area.box.y * sy,
      width: area.box.width * sx,
      height: area.box.height * sy,
    };
  const xs = area.points.map(([x]) => x * sx);
  const ys = area.points.map(([, y]) => y * sy);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}

/**
 * 45° lines x + y = k·step across `box`: anchored to the canvas, so neighbouring areas' hatching lines
 * up as one pattern would.
 */
function hatchLines(ctx: Canvas2D, box: CanvasBox, step: number): void {
  ctx.beginPath();
  const first = Math.floor((box.x + box.y) / step) * step;
  const last = box.x + box.width + box.y + box.height;
  for (let k = first; k <= last; k += step) {
    ctx.moveTo(k - box.y, box.y);
    ctx.lineTo(k - (box.y + box.height), box.y + box.height);
  }
  ctx.stroke();
}

/**
 * Don't-care areas (in frame pixels; `scale` maps them onto the canvas) shaded, hatched and outlined.
 * `width`: the canvas width, which sets the line width.
 */
export function drawDontCareAreas(
  ctx: Canvas2D,
  areas: readonly DontCareArea[],
  width: number,
  scale: { x: number; y: number } = { x: 1, y: 1 },
): void {
  const line = markLineWidth(width);
  for (const area of areas) {
    areaPath(ctx, area, scale.x, scale.y);
    ctx.fillStyle = REGION_MARK_STYLE.areaShade;
    ctx.fill('evenodd');
    ctx.save();
    ctx.clip('evenodd');
    ctx.strokeStyle = REGION_MARK_STYLE.hatch;
    ctx.lineWidth = line;
    hatchLines(ctx, boundsOf(area, scale.x, scale.y), REGION_MARK_STYLE.hatchStep * line);
    ctx.restore();
    areaPath(ctx, area, scale.x, scale.y);
    ctx.strokeStyle = REGION_MARK_STYLE.areaLine;
    ctx.lineWidth = line;
    ctx.stroke();
  }
}
