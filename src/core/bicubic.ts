/**
 * Pillow-exact 8-bit BICUBIC resize (libImaging/Resample.c): separable, antialiased (support grows with the
 * downscale factor), fixed-point weights with 22 fractional bits, horizontal pass first, each pass rounded
 * and clamped to uint8. A dimension whose size does not change is not resampled, as in Pillow.
 */
import type { RgbImage } from './types';

const PRECISION_BITS = 22;
const ONE = 2 ** PRECISION_BITS;
const HALF = 2 ** (PRECISION_BITS - 1);

/** Keys' cubic with a = −0.5, as Pillow's bicubic_filter. */
function cubic(x: number): number {
  const a = -0.5;
  const t = x < 0 ? -x : x;
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

interface Coeffs {
  /** First source index per output index. */
  start: Int32Array;
  /** Number of taps per output index. */
  count: Int32Array;
  /** Fixed-point weights, `ksize` slots per output index. */
  weights: Int32Array;
  ksize: number;
}

/** precompute_coeffs + normalize_coeffs_8bpc for a full-extent box [0, inSize). */
function coefficients(inSize: number, outSize: number): Coeffs {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 2 * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * ksize);
  const w = new Float64Array(ksize);
  const ss = 1 / filterScale;
  for (let i = 0; i < outSize; i++) {
    const center = (i + 0.5) * scale;
    // C's (int) cast truncates toward zero.
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      w[x] = cubic((x + xmin - center + 0.5) * ss);
      ww += w[x];
    }
    for (let x = 0; x < xmax; x++) {
      const v = ww !== 0 ? w[x] / ww : w[x];
      weights[i * ksize + x] = Math.trunc(v < 0 ? -0.5 + v * ONE : 0.5 + v * ONE);
    }
    start[i] = xmin;
    count[i] = xmax;
  }
  return { start, count, weights, ksize };
}

/** clip8: (acc >> 22) clamped to [0, 255]; acc is an exact integer (well below 2^53). */
function clip8(acc: number): number {
  const v = Math.floor(acc / ONE);
  return Math.max(0, Math.min(255, v));
}

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
  const cv = coefficients(sh, outH);
  let cur = data;
  let rowOffset = 0;
  if (needH) {
    // Like Pillow, only the source rows the vertical pass reads are resampled horizontally.
    const first = needV ? cv.start[0] : 0;
    const last = needV ? cv.start[outH - 1] + cv.count[outH - 1] : sh;
    cur = horizontal(data, sw, first, last - first, outW, coefficients(sw, outW));
    rowOffset = first;
  }
  if (!needV) return { width: outW, height: outH, data: cur };
  return { width: outW, height: outH, data: vertical(cur, outW, rowOffset, outH, cv) };
}
