/**
 * Pillow's separable resampling weights (libImaging/Resample.c precompute_coeffs + normalize_coeffs_8bpc):
 * antialiased (the filter support grows with the downscale factor), normalised, then fixed-point with
 * 22 fractional bits. Shared by the 8-bit BICUBIC (RGB) and BILINEAR (grey) resizes.
 */

export const PRECISION_BITS = 22;
const ONE = 2 ** PRECISION_BITS;
/** Rounding offset every accumulator starts from. */
export const HALF = 2 ** (PRECISION_BITS - 1);

export interface PillowFilter {
  /** Half-width of the filter at scale 1. */
  support: number;
  weight(x: number): number;
}

/** Keys' cubic with a = −0.5, as Pillow's bicubic_filter. */
export const BICUBIC: PillowFilter = {
  support: 2,
  weight(x) {
    const a = -0.5;
    const t = x < 0 ? -x : x;
    if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
    if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
    return 0;
  },
};

/** The triangle, as Pillow's bilinear_filter. */
export const BILINEAR: PillowFilter = {
  support: 1,
  weight(x) {
    const t = x < 0 ? -x : x;
    return t < 1 ? 1 - t : 0;
  },
};

export interface Coeffs {
  /** First source index per output index. */
  start: Int32Array;
  /** Number of taps per output index. */
  count: Int32Array;
  /** Fixed-point weights, `ksize` slots per output index. */
  weights: Int32Array;
  ksize: number;
}

/** Weights for a full-extent box [0, inSize) resampled to outSize. */
export function coefficients(inSize: number, outSize: number, filter: PillowFilter): Coeffs {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filter.support * filterScale;
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
      w[x] = filter.weight((x + xmin - center + 0.5) * ss);
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
export function clip8(acc: number): number {
  const v = Math.floor(acc / ONE);
  return Math.max(0, Math.min(255, v));
}
