/**
 * LNAMD, local neighbourhood aggregation with multiple degrees (METHOD-musc.md §3): per image and
 * layer, one LayerNorm over the whole C×h×w map, then the zero-padded r×r mean per channel, then an L2
 * normalisation per patch. Arrays are P×C, patches row-major, channels fastest; the class token is
 * already dropped.
 */

const LN_EPS = 1e-5;

/** LayerNorm with the statistics of all P·C values jointly (weight 1, bias 0, biased variance). */
export function layerNormMap(tokens: Float32Array): Float32Array {
  return layerNormInto(tokens, new Float32Array(tokens.length), 0);
}

/** `layerNormMap` written into `out` from `at` (returns `out`). */
export function layerNormInto(tokens: Float32Array, out: Float32Array, at: number): Float32Array {
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
  for (let i = 0; i < n; i++) out[at + i] = (tokens[i] - mean) * inv;
  return out;
}

/**
 * Per channel, the sums over every top-left rectangle of the grid (a summed-area table, float64):
 * entry (y, x) of the (grid+1)² table holds the sum over rows < y and columns < x. Any box sum is then
 * four reads, so all r values of a layer share one O(P·C) pass.
 */
export function summedAreaTable(
  x: Float32Array,
  grid: number,
  width: number,
  from = 0,
  // A table to reuse: its row 0 and column 0 are never written, so they stay 0.
  t: Float64Array = new Float64Array((grid + 1) ** 2 * width),
): Float64Array {
  const side = grid + 1;
  for (let y = 0; y < grid; y++) {
    // Running sum along the row, added to the table row above.
    const row = new Float64Array(width);
    for (let gx = 0; gx < grid; gx++) {
      const src = from + (y * grid + gx) * width;
      const up = (y * side + gx + 1) * width;
      const o = up + side * width;
      for (let c = 0; c < width; c++) {
        row[c] += x[src + c];
        t[o + c] = t[up + c] + row[c];
      }
    }
  }
  return t;
}

/**
 * Writes into `out` (from `at`) the mean of each channel over the r×r window around each patch, zero
 * padding counted in the r² denominator (torch Unfold + adaptive_avg_pool1d), from a summed-area table.
 */
export function boxMeanInto(
  table: Float64Array,
  grid: number,
  width: number,
  r: number,
  out: Float32Array,
  at = 0,
): void {
  const half = (r - 1) / 2;
  const side = grid + 1;
  const area = r * r;
  for (let gy = 0; gy < grid; gy++) {
    const y0 = Math.max(0, gy - half) * side;
    const y1 = (Math.min(grid - 1, gy + half) + 1) * side;
    for (let gx = 0; gx < grid; gx++) {
      const x0 = Math.max(0, gx - half);
      const x1 = Math.min(grid - 1, gx + half) + 1;
      const [a, b, c0, d] = [(y1 + x1) * width, (y0 + x1) * width, (y1 + x0) * width, (y0 + x0) * width];
      const o = at + (gy * grid + gx) * width;
      for (let c = 0; c < width; c++)
        out[o + c] = (table[a + c] - table[b + c] - table[c0 + c] + table[d + c]) / area;
    }
  }
}

/** Mean of each channel over the r×r window around each patch (zero padding in the r² denominator). */
export function boxMean(x: Float32Array, grid: number, width: number, r: number): Float32Array {
  if (r === 1) return x.slice();
  const out = new Float32Array(x.length);
  boxMeanInto(summedAreaTable(x, grid, width), grid, width, r, out);
  return out;
}

/** Each patch's C-vector scaled to unit Euclidean length (in place, values [from, to); returns `x`). */
export function normalizeRows(x: Float32Array, width: number, from = 0, to = x.length): Float32Array {
  for (let o = from; o < to; o += width) {
    let sq = 0;
    for (let c = 0; c < width; c++) sq += x[o + c] * x[o + c];
    const inv = 1 / Math.sqrt(sq);
    for (let c = 0; c < width; c++) x[o + c] *= inv;
  }
  return x;
}

/** The summed-area table `lnamdFeatures` needs for this grid and width. */
export const summedAreaTableLength = (grid: number, width: number) => (grid + 1) ** 2 * width;

/**
 * All LNAMD feature sets of one image: F = |rList|·|layers| blocks of P×C, r outer and layer inner
 * (the order `featureSetCount` and the lot use). `layerTokens[l]` is the P×C output of the l-th used layer.
 * `table`, of exactly `summedAreaTableLength` values, is reused instead of a fresh one per image (a
 * caller scoring many images keeps one; its row 0 and column 0 must be 0: they are never written, so a
 * table only ever used at this grid and width keeps them).
 */
export function lnamdFeatures(
  layerTokens: readonly Float32Array[],
  grid: number,
  width: number,
  rList: readonly number[],
  table?: Float64Array,
): Float32Array {
  const pc = grid * grid * width;
  for (const t of layerTokens)
    if (t.length !== pc)
      throw new Error(`LNAMD: expected ${grid}×${grid}×${width} tokens, got ${t.length} values`);
  const n = layerTokens.length;
  const out = new Float32Array(rList.length * n * pc);
  // One table for every layer; no other temporaries (fresh multi-MiB buffers are slow to fault in).
  const tableLength = summedAreaTableLength(grid, width);
  if (table && table.length !== tableLength)
    throw new Error(`LNAMD: the table has ${table.length} values, not ${tableLength}`);
  const sat = rList.some((r) => r > 1) ? (table ?? new Float64Array(tableLength)) : null;
  layerTokens.forEach((tokens, li) => {
    // The LayerNormed map goes to the first r's slot, which is written last: the others read it first.
    const first = li * pc;
    layerNormInto(tokens, out, first);
    if (sat) summedAreaTable(out, grid, width, first, sat);
    for (let ri = rList.length - 1; ri >= 0; ri--) {
      const at = (ri * n + li) * pc;
      const r = rList[ri];
      if (r > 1 && sat) boxMeanInto(sat, grid, width, r, out, at);
      else if (at !== first) out.copyWithin(at, first, first + pc);
      normalizeRows(out, width, at, at + pc);
    }
  });
  return out;
}
