/**
 * The positional embedding of a ViT at another input size (METHOD-musc.md §11, open_clip
 * resize_pos_embed): the class row is kept; the g_old² patch rows, seen as C planes of g_old×g_old,
 * are resized to g×g with torch's bicubic (no antialias) and laid back as g² rows.
 */
import { resizeBicubicTorch } from '../core/torch-bicubic';

/** `pos` is (1 + gOld²)×width, row-major; returns (1 + g²)×width. */
export function resizePositionalEmbedding(
  pos: Float32Array,
  width: number,
  gOld: number,
  g: number,
): Float32Array {
  const pOld = gOld * gOld;
  if (pos.length !== (1 + pOld) * width)
    throw new Error(
      `positional embedding: expected ${(1 + pOld) * width} values for grid ${gOld}, got ${pos.length}`,
    );
  if (g === gOld) return pos.slice();
  // (P_old, C) → (C, g_old, g_old): channel-first planes for the resize.
  const planes = new Float32Array(width * pOld);
  for (let p = 0; p < pOld; p++)
    for (let c = 0; c < width; c++) planes[c * pOld + p] = pos[(1 + p) * width + c];
  const resized = resizeBicubicTorch(planes, width, gOld, gOld, g, g);
  const P = g * g;
  const out = new Float32Array((1 + P) * width);
  out.set(pos.subarray(0, width));
  for (let p = 0; p < P; p++) for (let c = 0; c < width; c++) out[(1 + p) * width + c] = resized[c * P + p];
  return out;
}
