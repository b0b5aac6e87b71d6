/**
 * Pillow-exact 8-bit BICUBIC resize (libImaging/Resample.c): separable, antialiased, fixed-point weights
 * (pillow-resample.ts), horizontal pass first, each pass rounded and clamped to uint8.
 * A dimension whose size does not change is not resampled, as in Pillow.
 */
import { BICUBIC, clip8, HALF, type HorizontalPass, resizeSeparable } from './pillow-resample';
import type { RgbImage } from './types';

/** Horizontal pass over source rows [y0, y0 + rows). */
const horizontal: HorizontalPass = (src, sw, y0, rows, dw, c) => {
  const out = new Uint8Array(dw * rows * 3);
  for (let y = 0; y < rows; y++) {
    const rowBase = (y0 + y) * sw * 3;
    const o = y * dw * 3;
    for (let x = 0; x < dw; x++) {
      const n = c.count[x];
      const kBase = x * c.ksize;
      let p = rowBase + c.start[x] * 3;
      let s0 = HALF;
      let s1 = HALF;
      let s2 = HALF;
      for (let j = 0; j < n; j++, p += 3) {
        const k = c.weights[kBase + j];
        s0 += src[p] * k;
        s1 += src[p + 1] * k;
        s2 += src[p + 2] * k;
      }
      out[o + x * 3] = clip8(s0);
      out[o + x * 3 + 1] = clip8(s1);
      out[o + x * 3 + 2] = clip8(s2);
    }
  }
  return out;
};

/** Resizes interleaved 8-bit RGB to outW×outH exactly as Pillow's Image.resize(..., Image.BICUBIC). */
export function resizeBicubicRgb(img: RgbImage, outW: number, outH: number): RgbImage {
  return resizeSeparable(img, 3, outW, outH, { name: 'resizeBicubicRgb', filter: BICUBIC, horizontal });
}
