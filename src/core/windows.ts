/** Sliding k×k windows (stride 1) over the g×g patch grid (METHOD.md §3). */

/** Number of window positions: (g − k + 1)². */
export function windowCount(grid: number, k: number): number {
  if (!Number.isInteger(grid) || !Number.isInteger(k) || k < 1 || k > grid) {
    throw new Error(`invalid window: grid ${grid}, kernel ${k}`);
  }
  const side = grid - k + 1;
  return side * side;
}

/**
 * Patch indices of every window, shape [nWindows, k*k] row-major. Row j is the window whose top-left
 * corner is the j-th grid position in row-major order; its entries are row-major patch indices
 * (class token not counted), the order the window token sequence is built in.
 */
export function windowIndices(grid: number, k: number): Int32Array {
  const n = windowCount(grid, k);
  const side = grid - k + 1;
  const kk = k * k;
  const out = new Int32Array(n * kk);
  let o = 0;
  for (let wy = 0; wy < side; wy++) {
    for (let wx = 0; wx < side; wx++) {
      for (let dy = 0; dy < k; dy++) {
        const rowBase = (wy + dy) * grid + wx;
        for (let dx = 0; dx < k; dx++) out[o++] = rowBase + dx;
      }
    }
  }
  return out;
}
