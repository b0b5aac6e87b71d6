/** Bilinear resize of a single-channel float map, as PyTorch F.interpolate(mode='bilinear', align_corners=False). */

interface Taps {
  i0: Int32Array;
  i1: Int32Array;
  w0: Float32Array;
  w1: Float32Array;
}

/**
 * Source taps per output index. Mirrors PyTorch's float32 arithmetic: scale = in/out,
 * src = scale·(d + 0.5) − 0.5 clamped below at 0, lower index = trunc(src), lambda = src − index.
 */
function taps(inSize: number, outSize: number): Taps {
  const f = Math.fround;
  const scale = f(inSize / outSize);
  const t: Taps = {
    i0: new Int32Array(outSize),
    i1: new Int32Array(outSize),
    w0: new Float32Array(outSize),
    w1: new Float32Array(outSize),
  };
  for (let d = 0; d < outSize; d++) {
    let src = f(f(scale * f(d + 0.5)) - 0.5);
    if (src < 0) src = 0;
    const i0 = Math.trunc(src);
    const lambda = f(src - i0);
    t.i0[d] = i0;
    t.i1[d] = i0 < inSize - 1 ? i0 + 1 : i0;
    t.w1[d] = lambda;
    t.w0[d] = f(1 - lambda);
  }
  return t;
}

/** Resizes a row-major [sh, sw] map to [dh, dw]. No antialiasing, also when shrinking. */
export function bilinearResize(
  src: Float32Array,
  sw: number,
  sh: number,
  dw: number,
  dh: number,
): Float32Array {
  if (src.length !== sw * sh)
    throw new Error(`bilinearResize: expected ${sw * sh} values, got ${src.length}`);
  const out = new Float32Array(dw * dh);
  if (dw === 0 || dh === 0) return out;
  const tx = taps(sw, dw);
  const ty = taps(sh, dh);
  for (let y = 0; y < dh; y++) {
    const r0 = ty.i0[y] * sw;
    const r1 = ty.i1[y] * sw;
    const wy0 = ty.w0[y];
    const wy1 = ty.w1[y];
    const o = y * dw;
    for (let x = 0; x < dw; x++) {
      const c0 = tx.i0[x];
      const c1 = tx.i1[x];
      const wx0 = tx.w0[x];
      const wx1 = tx.w1[x];
      // Same grouping as PyTorch: interpolate along x on both rows, then along y.
      out[o + x] =
        (src[r0 + c0] * wx0 + src[r0 + c1] * wx1) * wy0 + (src[r1 + c0] * wx0 + src[r1 + c1] * wx1) * wy1;
    }
  }
  return out;
}
