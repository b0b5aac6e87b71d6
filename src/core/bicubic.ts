/**
 * Pillow-exact 8-bit BICUBIC resize (libImaging/Resample.c): separable, antialiased, fixed-point weights
 * (pillow-resample.ts), horizontal pass first, each pass rounded and clamped to uint8.
 * A dimension whose size does not change is not resampled, as in Pillow.
 */
import { BICUBIC, type Coeffs, clip8, coefficients, HALF } from './pillow-resample';
import type { RgbImage } from './types';

/** Horizontal pass over source rows [y0, y0 + rows). */
function horizontal(
  src: Uint8Array,
  sw: number,
  y0: number,
  rows: number,
  dw: number,
  c: Coeffs,
): Uint8Array {
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
}

/** Vertical pass; `rowOffset` is the first source row held in `src`. */
function vertical(src: Uint8Array, width: number, rowOffset: number, dh: number, c: Coeffs): Uint8Array {
  const stride = width * 3;
  const out = new Uint8Array(stride * dh);
  for (let y = 0; y < dh; y++) {
    const n = c.count[y];
    const kBase = y * c.ksize;
    const first = (c.start[y] - rowOffset) * stride;
    const o = y * stride;
    for (let x = 0; x < stride; x++) {
      let s = HALF;
      let p = first + x;
      for (let j = 0; j < n; j++, p += stride) s += src[p] * c.weights[kBase + j];
      out[o + x] = clip8(s);
    }
  }
  return out;
}

/** Resizes interleaved 8-bit RGB to outW×outH exactly as Pillow's Image.resize(..., Image.BICUBIC). */
export function resizeBicubicRgb(img: RgbImage, outW: number, outH: number): RgbImage {
  const { width: sw, height: sh, data } = img;
  if (data.length !== sw * sh * 3)
    throw new Error(`resizeBicubicRgb: ${data.length} bytes for ${sw}×${sh} RGB`);
  if (!(Number.isInteger(outW) && Number.isInteger(outH) && outW > 0 && outH > 0)) {
    throw new Error(`resizeBicubicRgb: invalid output size ${outW}×${outH}`);
  }
  const needH = outW !== sw;
  const needV = outH !== sh;
  if (!needH && !needV) return { width: sw, height: sh, data: data.slice() };
  const cv = coefficients(sh, outH, BICUBIC);
  let cur = data;
  let rowOffset = 0;
  if (needH) {
    // Like Pillow, only the source rows the vertical pass reads are resampled horizontally.
    const first = needV ? cv.start[0] : 0;
    const last = needV ? cv.start[outH - 1] + cv.count[outH - 1] : sh;
    cur = horizontal(data, sw, first, last - first, outW, coefficients(sw, outW, BICUBIC));
    rowOffset = first;
  }
  if (!needV) return { width: outW, height: outH, data: cur };
  return { width: outW, height: outH, data: vertical(cur, outW, rowOffset, outH, cv) };
}
