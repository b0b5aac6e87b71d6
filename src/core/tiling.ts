/** Square tiling of non-square images and merging of per-tile maps (METHOD.md §4, appendix A). */
import { bilinearResize } from './resize';
import type { Box } from './types';

/** Python's round(): nearest integer, halves to even (94.5 → 94). */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * Tiles of side Ls = min(W, H) along the longer edge: n = ceil((Ll − Ls)/(0.8·Ls)) + 1 (float expression,
 * as the reference computes it), offsets round(i·(Ll − Ls)/(n − 1)). One tile for square images.
 */
export function tileBoxes(width: number, height: number): Box[] {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new Error(`tileBoxes: invalid image size ${width}×${height}`);
  }
  const ls = Math.min(width, height);
  const ll = Math.max(width, height);
  if (ll === ls) return [[0, 0, width, height]];
  const span = ll - ls;
  const n = Math.ceil(span / (0.8 * ls)) + 1;
  const boxes: Box[] = [];
  for (let i = 0; i < n; i++) {
    const off = roundHalfEven((i * span) / (n - 1));
    boxes.push(width > height ? [off, 0, off + ls, ls] : [0, off, ls, off + ls]);
  }
  return boxes;
}

/**
 * Full-resolution map [height*width]: each tile's mapSize×mapSize map is resized bilinearly to its box and
 * every pixel gets the mean over covering tiles (float32 sum in tile order, then divided by the count).
 */
export function mergeTileMaps(
  width: number,
  height: number,
  boxes: Box[],
  tileMaps: Float32Array[],
  mapSize: number,
): Float32Array {
  if (boxes.length !== tileMaps.length) {
    throw new Error(`mergeTileMaps: ${boxes.length} boxes but ${tileMaps.length} maps`);
  }
  const sum = new Float32Array(width * height);
  const count = new Uint16Array(width * height);
  for (let t = 0; t < boxes.length; t++) {
    const [left, top, right, bottom] = boxes[t];
    const bw = right - left;
    const bh = bottom - top;
    if (left < 0 || top < 0 || right > width || bottom > height || bw <= 0 || bh <= 0) {
      throw new Error(`mergeTileMaps: box [${boxes[t].join(', ')}] outside ${width}×${height}`);
    }
    const m = bilinearResize(tileMaps[t], mapSize, mapSize, bw, bh);
    for (let y = 0; y < bh; y++) {
      const o = (top + y) * width + left;
      const s = y * bw;
      for (let x = 0; x < bw; x++) {
        sum[o + x] += m[s + x];
        count[o + x]++;
      }
    }
  }
  for (let i = 0; i < sum.length; i++) sum[i] = count[i] > 0 ? sum[i] / count[i] : 0;
  return sum;
}

/** Image score of a tiled image: mean of its tile scores. */
export function meanTileScore(scores: ArrayLike<number>): number {
  if (scores.length === 0) throw new Error('meanTileScore: no tiles');
  let s = 0;
  for (let i = 0; i < scores.length; i++) s += scores[i];
  return s / scores.length;
}
