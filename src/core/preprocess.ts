/**
 * OpenCLIP eval pre-processing of one tile (METHOD.md §1): crop → Pillow bicubic resize of the shorter edge
 * to S → center crop S×S → float32 (u8/255 − mean)/std, channel-first [3, S, S].
 */
import { resizeBicubicRgb } from './bicubic';
import { roundHalfEven } from './tiling';
import type { Box, RgbImage } from './types';

export interface PreprocessConfig {
  size: number;
  mean: number[];
  std: number[];
}

/** Copies the pixels of box [left, top, right, bottom] (must lie inside the image). */
export function cropRgb(img: RgbImage, box: Box): RgbImage {
  const [left, top, right, bottom] = box;
  const w = right - left;
  const h = bottom - top;
  if (!(left >= 0 && top >= 0 && right <= img.width && bottom <= img.height && w > 0 && h > 0)) {
    throw new Error(`cropRgb: box [${box.join(', ')}] outside ${img.width}×${img.height}`);
  }
  if (w === img.width && h === img.height) return img;
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const s = ((top + y) * img.width + left) * 3;
    data.set(img.data.subarray(s, s + w * 3), y * w * 3);
  }
  return { width: w, height: h, data };
}

/** torchvision Resize(int): shorter edge → size, longer edge → int(size · long / short) (truncated). */
export function shortEdgeSize(width: number, height: number, size: number): [number, number] {
  if (width <= height) return [size, Math.trunc((size * height) / width)];
  return [Math.trunc((size * width) / height), size];
}

/** torchvision CenterCrop offsets: int(round((in − out) / 2)), Python rounding. */
function centerCrop(img: RgbImage, size: number): RgbImage {
  if (img.width === size && img.height === size) return img;
  if (img.width < size || img.height < size) throw new Error('centerCrop: image smaller than crop');
  const left = roundHalfEven((img.width - size) / 2);
  const top = roundHalfEven((img.height - size) / 2);
  return cropRgb(img, [left, top, left + size, top + size]);
}

/**
 * Per-channel lookup of the normalised value of each byte, in float32 step by step as PyTorch does:
 * ToTensor's x/255, then Normalize's (x − mean)/std with float32 mean and std.
 */
function normalisationTables(mean: number[], std: number[]): Float32Array[] {
  const f = Math.fround;
  return [0, 1, 2].map((c) => {
    const m = f(mean[c]);
    const s = f(std[c]);
    const t = new Float32Array(256);
    for (let u = 0; u < 256; u++) t[u] = f(f(f(u / 255) - m) / s);
    return t;
  });
}

/** The model input of one tile: [3, S, S] float32, channel-first. */
export function preprocessTile(img: RgbImage, box: Box, cfg: PreprocessConfig): Float32Array {
  const { size } = cfg;
  if (cfg.mean.length !== 3 || cfg.std.length !== 3)
    throw new Error('preprocessTile: mean/std need 3 values');
  const tile = cropRgb(img, box);
  const [rw, rh] = shortEdgeSize(tile.width, tile.height, size);
  const square = centerCrop(resizeBicubicRgb(tile, rw, rh), size);
  const tables = normalisationTables(cfg.mean, cfg.std);
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  const src = square.data;
  for (let c = 0; c < 3; c++) {
    const t = tables[c];
    const o = c * plane;
    for (let i = 0; i < plane; i++) out[o + i] = t[src[i * 3 + c]];
  }
  return out;
}
