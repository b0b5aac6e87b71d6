/**
 * Don't-care areas rasterised onto a map: the "care" mask has 1 where a map cell counts and 0 where it
 * lies in a don't-care area. Convention: a cell counts or not by its centre alone. Cell (i, j) of a map
 * spans [i·sx, (i+1)·sx) × [j·sy, (j+1)·sy) of the frame (offset by x0, y0), so its centre is
 * (x0 + (i + ½)·sx, y0 + (j + ½)·sy); at full resolution (sx = sy = 1) that is the pixel centre.
 * A rectangle {x, y, width, height} holds the centres in [x, x + width) × [y, y + height), so exactly its
 * pixels; a polygon holds a centre by the even-odd rule (a ray to the right crosses its edges an odd
 * number of times), with edges half-open in y so a vertex on the ray is counted once.
 */
import { type DontCareArea, type PixelRect, toRoiFrame } from './inspection-region';

/** Where a map's cells sit in the frame its areas are given in (image or ROI pixels). */
export interface CellFrame {
  x0: number;
  y0: number;
  /** Frame pixels per map cell, horizontally and vertically. */
  sx: number;
  sy: number;
}

const FULL_RESOLUTION: CellFrame = { x0: 0, y0: 0, sx: 1, sy: 1 };

/** Even-odd point-in-polygon (crossing number). */
export function insidePolygon(x: number, y: number, points: readonly (readonly [number, number])[]): boolean {
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const [xi, yi] = points[i];
    const [xj, yj] = points[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function insideArea(x: number, y: number, area: DontCareArea): boolean {
  if (area.kind === 'polygon') return insidePolygon(x, y, area.points);
  const b = area.box;
  return x >= b.x && x < b.x + b.width && y >= b.y && y < b.y + b.height;
}

/**
 * The care mask of a width×height map (1: counts, 0: in a don't-care area), or null when there are no
 * areas: callers then take every cell, exactly as before don't-care areas existed.
 */
export function careMask(
  areas: readonly DontCareArea[],
  width: number,
  height: number,
  frame: CellFrame = FULL_RESOLUTION,
): Uint8Array | null {
  if (areas.length === 0) return null;
  const mask = new Uint8Array(width * height).fill(1);
  for (let j = 0; j < height; j++) {
    const cy = frame.y0 + (j + 0.5) * frame.sy;
    for (let i = 0; i < width; i++) {
      const cx = frame.x0 + (i + 0.5) * frame.sx;
      if (areas.some((a) => insideArea(cx, cy, a))) mask[j * width + i] = 0;
    }
  }
  return mask;
}

/** A map of mapWidth×mapHeight cells covering the inspected image (the ROI crop, or the whole image). */
export interface MapFrame {
  mapWidth: number;
  mapHeight: number;
  /** Size of the inspected image the map covers (the ROI's size with one; smaller maps are previews). */
  width: number;
  height: number;
  /** The ROI the image was cropped to; areas are moved into its frame. */
  roi?: PixelRect;
}

/** The care mask of a result's map for don't-care areas given in image pixels (null: no areas). */
export function mapCareMask(ignore: readonly DontCareArea[], f: MapFrame): Uint8Array | null {
  if (ignore.length === 0) return null;
  return careMask(
    ignore.map((a) => toRoiFrame(a, f.roi)),
    f.mapWidth,
    f.mapHeight,
    { x0: 0, y0: 0, sx: f.width / f.mapWidth, sy: f.height / f.mapHeight },
  );
}

/** The care mask of a full-resolution result's map (it covers its ROI, or the whole image without one). */
export function resultCareMask(
  ignore: readonly DontCareArea[],
  r: { width: number; height: number; roi?: PixelRect },
): Uint8Array | null {
  const { width, height } = r.roi ?? r;
  return mapCareMask(ignore, { mapWidth: r.width, mapHeight: r.height, width, height, roi: r.roi });
}

/** The care mask of one tile's grid×grid cells; `box` is the tile [left, top, right, bottom] in the same frame as `areas`. */
export function tileCareMask(
  areas: readonly DontCareArea[],
  box: readonly [number, number, number, number],
  grid: number,
): Uint8Array | null {
  const [l, t, r, b] = box;
  return careMask(areas, grid, grid, { x0: l, y0: t, sx: (r - l) / grid, sy: (b - t) / grid });
}

/** Largest value over the cells that count (all with no mask); -Infinity when none counts. */
export function careMax(map: ArrayLike<number>, care: Uint8Array | null): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < map.length; i++) if ((!care || care[i]) && map[i] > m) m = map[i];
  return m;
}

/** The values of the cells that count (the map itself with no mask). */
export function careValues(map: Float32Array, care: Uint8Array | null): Float32Array {
  if (!care) return map;
  let n = 0;
  for (let i = 0; i < care.length; i++) n += care[i];
  const out = new Float32Array(n);
  let o = 0;
  for (let i = 0; i < map.length; i++) if (care[i]) out[o++] = map[i];
  return out;
}
