/**
 * OpenCLIP eval pre-processing of one tile (METHOD.md §1): crop → Pillow bicubic resize of the shorter edge
 * to S → center crop S×S → float32 (u8/255 − mean)/std, channel-first [3, S, S].
 */
import { resizeBicubicRgb } from './bicubic';
import { roundHalfEven, tileBoxes } from './tiling';
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
export function normalisationTables(mean: number[], std: number[]): Float32Array[] {
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
  return normaliseRgb(square, normalisationTables(cfg.mean, cfg.std));
}

/** Interleaved RGB → normalised channel-first [3, H, W] float32, through per-channel byte tables. */
export function normaliseRgb(img: RgbImage, tables: Float32Array[]): Float32Array {
  const plane = img.width * img.height;
  const out = new Float32Array(3 * plane);
  const src = img.data;
  for (let c = 0; c < 3; c++) {
    const t = tables[c];
    const o = c * plane;
    for (let i = 0; i < plane; i++) out[o + i] = t[src[i * 3 + c]];
  }
  return out;
}

/** An image cut into tiles and pre-processed: the image encoder's inputs, in tileBoxes order. */
export interface PreprocessedImage {
  width: number;
  height: number;
  boxes: Box[];
  /** One [3, S, S] float32 tensor per box. */
  pixels: Float32Array[];
}

/** Tiles (core/tiling) and pre-processes every one: the same tensors wherever it runs. */
export function preprocessImage(image: RgbImage, cfg: PreprocessConfig): PreprocessedImage {
  if (!(image.width > 0 && image.height > 0) || image.data.length !== image.width * image.height * 3) {
    throw new Error(
      `image: expected ${image.width}×${image.height} RGB pixels, got ${image.data.length} bytes`,
    );
  }
  const boxes = tileBoxes(image.width, image.height);
  return {
    width: image.width,
    height: image.height,
    boxes,
    pixels: boxes.map((b) => preprocessTile(image, b, cfg)),
  };
}

/** Whether two configs give the same tensors (a tensor prepared under one may be used under the other). */
export function samePreprocess(a: PreprocessConfig, b: PreprocessConfig): boolean {
  const eq = (x: number[], y: number[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  return a.size === b.size && eq(a.mean, b.mean) && eq(a.std, b.std);
}

/**
 * Why a pre-processed image cannot be fed as it is under `cfg` (wrong tiles or tensor sizes), or null.
 * Cheap: sizes only, since the tensors themselves come from preprocessImage.
 */
export function preprocessedProblem(p: PreprocessedImage, cfg: PreprocessConfig): string | null {
  const boxes = tileBoxes(p.width, p.height);
  if (boxes.length !== p.boxes.length || boxes.some((b, i) => b.some((v, j) => v !== p.boxes[i][j])))
    return `pre-processed image: tiles do not match a ${p.width}×${p.height} image`;
  const n = 3 * cfg.size * cfg.size;
  if (p.pixels.length !== boxes.length || p.pixels.some((t) => t.length !== n))
    return `pre-processed image: expected ${boxes.length} tensors of ${n} values`;
  return null;
}
