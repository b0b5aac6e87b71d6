/** Connected regions of a binary ground-truth mask (8-connectivity), as PRO needs them. */

export interface MaskRegions {
  width: number;
  height: number;
  /** Row-major indices of the anomalous pixels, ascending. */
  indices: Uint32Array;
  /** For each entry of `indices`: the pixel count of its 8-connected region. */
  regionSize: Uint32Array;
  /** Number of regions. */
  regions: number;
}

/**
 * Labels the 8-connected components of `mask` (non-zero = anomalous). Returns per-pixel labels
 * (0 = background, 1..count) and the size of each label (sizes[0] unused).
 */
export function labelComponents8(
  mask: ArrayLike<number>,
  width: number,
  height: number,
): { labels: Int32Array; sizes: number[]; count: number } {
  if (mask.length !== width * height)
    throw new Error(`labelComponents8: mask has ${mask.length} values, expected ${width * height}`);
  const labels = new Int32Array(width * height);
  const sizes = [0];
  // Explicit stack (flood fill): recursion would overflow on large defects.
  let stack = new Int32Array(64);
  let count = 0;
  for (let start = 0; start < labels.length; start++) {
    if (mask[start] === 0 || labels[start] !== 0) continue;
    count++;
    let size = 0;
    let top = 0;
    stack[top++] = start;
    labels[start] = count;
    while (top > 0) {
      const p = stack[--top];
      size++;
      const px = p % width;
      const py = (p - px) / width;
      for (let dy = -1; dy <= 1; dy++) {
        const y = py + dy;
        if (y < 0 || y >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const x = px + dx;
          if (x < 0 || x >= width || (dx === 0 && dy === 0)) continue;
          const q = y * width + x;
          if (mask[q] === 0 || labels[q] !== 0) continue;
          labels[q] = count;
          if (top === stack.length) {
            const grown = new Int32Array(stack.length * 2);
            grown.set(stack);
            stack = grown;
          }
          stack[top++] = q;
        }
      }
    }
    sizes.push(size);
  }
  return { labels, sizes, count };
}

/** Compact (sparse) form of a mask for the pixel metrics: only anomalous pixels are stored. */
export function maskRegions(mask: ArrayLike<number>, width: number, height: number): MaskRegions {
  const { labels, sizes, count } = labelComponents8(mask, width, height);
  let n = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] !== 0) n++;
  const indices = new Uint32Array(n);
  const regionSize = new Uint32Array(n);
  let j = 0;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (l === 0) continue;
    indices[j] = i;
    regionSize[j] = sizes[l];
    j++;
  }
  return { width, height, indices, regionSize, regions: count };
}
