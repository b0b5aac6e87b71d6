/** Anomaly-map regions for display: value range, regions above a pixel threshold and their outlines. */
import { labelComponents8 } from './metrics/components';

export function mapRange(map: Float32Array): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < map.length; i++) {
    const v = map[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/** Running max over a window of 2r+1 along rows then columns (a square dilation), in place via a temp. */
function dilate(mask: Uint8Array, width: number, height: number, r: number): Uint8Array {
  if (r <= 0) return mask;
  const tmp = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (!mask[row + x]) continue;
      const a = Math.max(0, x - r);
      const b = Math.min(width - 1, x + r);
      tmp.fill(1, row + a, row + b + 1);
    }
  }
  const out = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!tmp[y * width + x]) continue;
      const a = Math.max(0, y - r);
      const b = Math.min(height - 1, y + r);
      for (let yy = a; yy <= b; yy++) out[yy * width + x] = 1;
    }
  }
  return out;
}

/** 1 where map >= threshold (and the pixel counts: `care`, see care-mask.ts), and how many such pixels. */
function thresholdMask(
  map: Float32Array,
  threshold: number,
  care: Uint8Array | null,
): { mask: Uint8Array; above: number } {
  const mask = new Uint8Array(map.length);
  let above = 0;
  for (let i = 0; i < map.length; i++) {
    if (map[i] >= threshold && (!care || care[i])) {
      mask[i] = 1;
      above++;
    }
  }
  return { mask, above };
}

export interface ThresholdRegions {
  /** Outline pixels (1) of the regions at or above the threshold. */
  outline: Uint8Array;
  /** Fraction of pixels at or above the threshold. */
  areaAbove: number;
  /** Number of 8-connected regions at or above the threshold. */
  regions: number;
}

/**
 * Outlines of {map >= threshold}, `thickness` pixels wide, with area and region count; pixels outside
 * `care` (don't-care areas) are never above (the area stays a fraction of all the map's pixels).
 */
export function thresholdRegions(
  map: Float32Array,
  width: number,
  height: number,
  threshold: number,
  thickness: number,
  care: Uint8Array | null = null,
): ThresholdRegions {
  const n = width * height;
  const { mask, above } = thresholdMask(map, threshold, care);
  const edge = new Uint8Array(n);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!mask[i]) continue;
      if (
        x === 0 ||
        y === 0 ||
        x === width - 1 ||
        y === height - 1 ||
        !mask[i - 1] ||
        !mask[i + 1] ||
        !mask[i - width] ||
        !mask[i + width]
      ) {
        edge[i] = 1;
      }
    }
  }
  return {
    outline: dilate(edge, width, height, Math.floor((thickness - 1) / 2)),
    areaAbove: n ? above / n : 0,
    regions: labelComponents8(mask, width, height).count,
  };
}

/** One 8-connected region of {map >= threshold}. */
export interface MapRegion {
  /** Label in `RegionLabels.labels` (1-based). */
  label: number;
  /** Bounding box [left, top, right, bottom] in map pixels, right and bottom exclusive (as tile boxes). */
  box: [number, number, number, number];
  /** Pixels in the region. */
  area: number;
  /** area / (width · height). */
  areaFraction: number;
  /** Highest map value in the region and where it is. */
  peak: number;
  peakAt: [number, number];
}

export interface RegionLabels {
  /** Per map pixel: 0 outside every region, else the region's label. */
  labels: Int32Array;
  /** Regions, highest peak first. */
  regions: MapRegion[];
}

/**
 * The regions of {map >= threshold} with bounding box, area and peak (8-connected, as thresholdRegions),
 * made of the pixels that count (`care`; all with none): a don't-care area splits or removes regions.
 */
export function mapRegions(
  map: Float32Array,
  width: number,
  height: number,
  threshold: number,
  care: Uint8Array | null = null,
): RegionLabels {
  const n = width * height;
  if (map.length !== n) throw new Error(`mapRegions: map has ${map.length} values, expected ${n}`);
  if (care && care.length !== n)
    throw new Error(`mapRegions: care mask has ${care.length} values, expected ${n}`);
  const { labels, sizes, count } = labelComponents8(thresholdMask(map, threshold, care).mask, width, height);
  const regions: MapRegion[] = [];
  for (let l = 1; l <= count; l++) {
    regions.push({
      label: l,
      box: [width, height, 0, 0],
      area: sizes[l],
      areaFraction: sizes[l] / n,
      peak: Number.NEGATIVE_INFINITY,
      peakAt: [0, 0],
    });
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const l = labels[i];
      if (l === 0) continue;
      const r = regions[l - 1];
      const b = r.box;
      if (x < b[0]) b[0] = x;
      if (y < b[1]) b[1] = y;
      if (x + 1 > b[2]) b[2] = x + 1;
      if (y + 1 > b[3]) b[3] = y + 1;
      if (map[i] > r.peak) {
        r.peak = map[i];
        r.peakAt = [x, y];
      }
    }
  }
  regions.sort((a, b) => b.peak - a.peak || a.label - b.label);
  return { labels, regions };
}
