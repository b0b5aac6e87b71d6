/**
 * The lot mode's pixel map and image score (METHOD-musc.md §5–6): the h×h patch scores bilinearly
 * upsampled to S×S with align_corners=True (torch `F.interpolate`, float64), and the image score as the
 * max over all S·S pixels — not the grid max: the grid points are hit exactly only when (S−1)/(h−1) is
 * an integer.
 */

/** Bilinear align_corners=True from grid×grid to size×size: source coordinate x·(grid−1)/(size−1). */
export function upsampleAlignCorners(grid: Float64Array, side: number, size: number): Float64Array {
  if (grid.length !== side * side)
    throw new Error(`upsample: ${grid.length} values for a ${side}×${side} grid`);
  const out = new Float64Array(size * size);
  const scale = size > 1 ? (side - 1) / (size - 1) : 0;
  const x0 = new Int32Array(size);
  const x1 = new Int32Array(size);
  const lx = new Float64Array(size);
  for (let x = 0; x < size; x++) {
    const src = scale * x;
    x0[x] = Math.floor(src);
    x1[x] = Math.min(x0[x] + 1, side - 1);
    lx[x] = src - x0[x];
  }
  for (let y = 0; y < size; y++) {
    const ly = lx[y];
    const r0 = x0[y] * side;
    const r1 = x1[y] * side;
    for (let x = 0; x < size; x++) {
      const a = x0[x];
      const b = x1[x];
      const w = lx[x];
      const top = (1 - w) * grid[r0 + a] + w * grid[r0 + b];
      const bottom = (1 - w) * grid[r1 + a] + w * grid[r1 + b];
      out[y * size + x] = (1 - ly) * top + ly * bottom;
    }
  }
  return out;
}

/** Largest value of a map (the image score before RsCIN). */
export function mapMax(map: Float64Array): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < map.length; i++) if (map[i] > m) m = map[i];
  return m;
}
