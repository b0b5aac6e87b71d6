/**
 * Pillow's separable resampling weights (libImaging/Resample.c precompute_coeffs + normalize_coeffs_8bpc):
 * antialiased (the filter support grows with the downscale factor), normalised, then fixed-point with
 * 22 fractional bits. Shared by the 8-bit BICUBIC (RGB) and BILINEAR (grey) resizes.
 */

const PRECISION_BITS = 22;
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
function coefficients(inSize: number, outSize: number, filter: PillowFilter): Coeffs {
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

/** A horizontal pass over source rows [y0, y0 + rows) to `dw` columns; it knows its channel layout. */
export type HorizontalPass = (
  src: Uint8Array,
  sw: number,
  y0: number,
  rows: number,
  dw: number,
  c: Coeffs,
) => Uint8Array;

/** Vertical pass over rows of `stride` bytes (any interleaved channels); `rowOffset` is the first source row held in `src`. */
function vertical(src: Uint8Array, stride: number, rowOffset: number, dh: number, c: Coeffs): Uint8Array {
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

/**
 * Pillow's two-pass resize of 8-bit interleaved pixels (`channels` bytes each): horizontal first, each pass
 * rounded and clamped to uint8; a dimension whose size does not change is not resampled, as in Pillow.
 */
export function resizeSeparable<I extends { width: number; height: number; data: Uint8Array }>(
  img: I,
  channels: number,
  outW: number,
  outH: number,
  pass: { name: string; filter: PillowFilter; horizontal: HorizontalPass },
): { width: number; height: number; data: Uint8Array } {
  const { width: sw, height: sh, data } = img;
  const { name: what, filter, horizontal } = pass;
  if (data.length !== sw * sh * channels)
    throw new Error(`${what}: ${data.length} bytes for ${sw}×${sh}${channels === 3 ? ' RGB' : ''}`);
  if (!(Number.isInteger(outW) && Number.isInteger(outH) && outW > 0 && outH > 0))
    throw new Error(`${what}: invalid output size ${outW}×${outH}`);
  const needH = outW !== sw;
  const needV = outH !== sh;
  if (!needH && !needV) return { width: sw, height: sh, data: data.slice() };
  const cv = coefficients(sh, outH, filter);
  let cur = data;
  let rowOffset = 0;
  if (needH) {
    // Like Pillow, only the source rows the vertical pass reads are resampled horizontally.
    const first = needV ? cv.start[0] : 0;
    const last = needV ? cv.start[outH - 1] + cv.count[outH - 1] : sh;
    cur = horizontal(data, sw, first, last - first, outW, coefficients(sw, outW, filter));
    rowOffset = first;
  }
  return {
    width: outW,
    height: outH,
    data: needV ? vertical(cur, outW * channels, rowOffset, outH, cv) : cur,
  };
}
