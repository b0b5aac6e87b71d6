/**
 * LNAMD, local neighbourhood aggregation with multiple degrees (METHOD-musc.md §3): per image and
 * layer, one LayerNorm over the whole C×h×w map, then the zero-padded r×r mean per channel, then an L2
 * normalisation per patch. Arrays are P×C, patches row-major, channels fastest; the class token is
 * already dropped.
 */

const LN_EPS = 1e-5;

/** LayerNorm with the statistics of all P·C values jointly (weight 1, bias 0, biased variance). */
export function layerNormMap(tokens: Float32Array): Float32Array {
  const n = tokens.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += tokens[i];
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const d = tokens[i] - mean;
    sq += d * d;
  }
  const inv = 1 / Math.sqrt(sq / n + LN_EPS);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (tokens[i] - mean) * inv;
  return out;
}

/**
 * Mean of each channel over the r×r window around each patch, zero padding counted in the r²
 * denominator (torch Unfold + adaptive_avg_pool1d). Done as two 1-D running sums: O(P·C), not O(P·C·r²).
 */
export function boxMean(x: Float32Array, grid: number, width: number, r: number): Float32Array {
  if (r === 1) return x.slice();
  const half = (r - 1) / 2;
  // Horizontal window sums along each grid row; the channel loop is innermost so reads stay contiguous.
  const rows = new Float64Array(x.length);
  for (let y = 0; y < grid; y++)
    for (let gx = 0; gx < grid; gx++) {
      const o = (y * grid + gx) * width;
      for (let t = Math.max(0, gx - half); t <= Math.min(grid - 1, gx + half); t++) {
        const src = (y * grid + t) * width;
        for (let c = 0; c < width; c++) rows[o + c] += x[src + c];
      }
    }
  // Vertical sums of those, divided by r² (the zero-padded positions count in the denominator).
  const sums = new Float64Array(x.length);
  for (let gy = 0; gy < grid; gy++)
    for (let gx = 0; gx < grid; gx++) {
      const o = (gy * grid + gx) * width;
      for (let t = Math.max(0, gy - half); t <= Math.min(grid - 1, gy + half); t++) {
        const src = (t * grid + gx) * width;
        for (let c = 0; c < width; c++) sums[o + c] += rows[src + c];
      }
    }
  const out = new Float32Array(x.length);
  const area = r * r;
  for (let i = 0; i < out.length; i++) out[i] = sums[i] / area;
  return out;
}

/** Each patch's C-vector scaled to unit Euclidean length (in place; returns `x`). */
export function normalizeRows(x: Float32Array, width: number): Float32Array {
  for (let o = 0; o < x.length; o += width) {
    let sq = 0;
    for (let c = 0; c < width; c++) sq += x[o + c] * x[o + c];
    const inv = 1 / Math.sqrt(sq);
    for (let c = 0; c < width; c++) x[o + c] *= inv;
  }
  return x;
}

/**
 * All LNAMD feature sets of one image: F = |rList|·|layers| blocks of P×C, r outer and layer inner
 * (the order `featureSetCount` and the lot use). `layerTokens[l]` is the P×C output of the l-th used layer.
 */
export function lnamdFeatures(
  layerTokens: readonly Float32Array[],
  grid: number,
  width: number,
  rList: readonly number[],
): Float32Array {
  const pc = grid * grid * width;
  for (const t of layerTokens)
    if (t.length !== pc)
      throw new Error(`LNAMD: expected ${grid}×${grid}×${width} tokens, got ${t.length} values`);
  const normed = layerTokens.map(layerNormMap);
  const out = new Float32Array(rList.length * layerTokens.length * pc);
  rList.forEach((r, ri) => {
    normed.forEach((x, li) => {
      const z = normalizeRows(boxMean(x, grid, width, r), width);
      out.set(z, (ri * layerTokens.length + li) * pc);
    });
  });
  return out;
}
