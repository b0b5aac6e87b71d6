/**
 * torch F.interpolate(mode='bicubic', align_corners=False, antialias=False) on float32 planes, as the
 * CPU kernel computes it (upsample_bicubic2d): Keys' cubic with A = −0.75, source coordinate
 * scale·(x + 0.5) − 0.5 with scale = in/out (not clamped at 0 for cubic), the four taps clamped to the
 * border, columns interpolated first on each of the four rows, then the rows. float32 throughout.
 */

const A = -0.75;
const f = Math.fround;

/** The four weights of taps x−1, x, x+1, x+2 for fraction t (get_cubic_upsample_coefficients). */
function cubicWeights(t: number): [number, number, number, number] {
  const conv1 = (x: number) => f(f(f(f(f(A + 2) * x) - (A + 3)) * x) * x + 1);
  const conv2 = (x: number) => f(f(f(f(f(A * x) - 5 * A) * x) + 8 * A) * x - 4 * A);
  const t1 = f(1 - t);
  return [conv2(f(t + 1)), conv1(t), conv1(t1), conv2(f(t1 + 1))];
}

interface Taps {
  first: Int32Array;
  weights: Float32Array;
}

function taps(inSize: number, outSize: number): Taps {
  const scale = f(inSize / outSize);
  const first = new Int32Array(outSize);
  const weights = new Float32Array(outSize * 4);
  for (let d = 0; d < outSize; d++) {
    const real = f(f(scale * f(d + 0.5)) - 0.5);
    const i = Math.floor(real);
    first[d] = i - 1;
    weights.set(cubicWeights(f(real - i)), d * 4);
  }
  return { first, weights };
}

/**
 * Resizes `channels` row-major planes of inH×inW (channel-first, contiguous) to outH×outW.
 * Identity sizes copy the input unchanged, as torch does.
 */
export function resizeBicubicTorch(
  src: Float32Array,
  channels: number,
  inH: number,
  inW: number,
  outH: number,
  outW: number,
): Float32Array {
  if (src.length !== channels * inH * inW)
    throw new Error(`resizeBicubicTorch: expected ${channels * inH * inW} values, got ${src.length}`);
  if (inH === outH && inW === outW) return src.slice();
  const ty = taps(inH, outH);
  const tx = taps(inW, outW);
  const out = new Float32Array(channels * outH * outW);
  const at = (i: number, n: number) => (i < 0 ? 0 : i >= n ? n - 1 : i);
  const rows = new Float32Array(4);
  for (let c = 0; c < channels; c++) {
    const plane = c * inH * inW;
    for (let y = 0; y < outH; y++) {
      for (let x = 0; x < outW; x++) {
        const wx = x * 4;
        for (let k = 0; k < 4; k++) {
          const row = plane + at(ty.first[y] + k, inH) * inW;
          let s = 0;
          for (let j = 0; j < 4; j++) s = f(s + f(src[row + at(tx.first[x] + j, inW)] * tx.weights[wx + j]));
          rows[k] = s;
        }
        const wy = y * 4;
        let v = 0;
        for (let k = 0; k < 4; k++) v = f(v + f(rows[k] * ty.weights[wy + k]));
        out[(c * outH + y) * outW + x] = v;
      }
    }
  }
  return out;
}
