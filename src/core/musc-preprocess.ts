/**
 * The lot mode's pre-processing (METHOD-musc.md §1, MuSc's bundled open_clip transform): Pillow
 * bicubic resize of both sides to S (the aspect ratio is not kept; identity when already S×S), then
 * u8/255 and the model's mean/std, channel-first [3, S, S]. No tiling, no crop.
 */

import { resizeBicubicRgb } from './bicubic';
import { normalisationTables, normaliseRgb } from './preprocess';
import type { RgbImage } from './types';

export interface StretchConfig {
  /** Output side S. */
  size: number;
  mean: readonly number[];
  std: readonly number[];
}

export function preprocessStretched(image: RgbImage, cfg: StretchConfig): Float32Array {
  const { size } = cfg;
  if (!(Number.isInteger(size) && size > 0)) throw new Error(`lot pre-processing: invalid size ${size}`);
  if (!(image.width > 0 && image.height > 0) || image.data.length !== image.width * image.height * 3)
    throw new Error(
      `image: expected ${image.width}×${image.height} RGB pixels, got ${image.data.length} bytes`,
    );
  if (cfg.mean.length !== 3 || cfg.std.length !== 3)
    throw new Error('lot pre-processing: mean/std need 3 values');
  const square = resizeBicubicRgb(image, size, size);
  return normaliseRgb(square, normalisationTables([...cfg.mean], [...cfg.std]));
}
