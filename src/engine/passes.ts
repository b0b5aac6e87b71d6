/**
 * Inputs of the encoders' passes and the geometry of an output map: the text encoder's batch (ids,
 * causal mask sized to the longest prompt, end-of-text positions), which token rows each image pass
 * feeds (the full pass, or one batch of windows per scale), and where each tile lands in the map.
 */
import type { Box } from '../core/types';
import { windowIndices } from '../core/windows';
import type { EncodedImage } from './api';
import type { Feed } from './runtime';

/** Feeds of one text-encoder run over tokenised prompts; the causal mask is sized to the longest. */
export function textFeeds(chunk: Int32Array[]): Record<string, Feed> {
  const L = Math.max(...chunk.map((c) => c.length));
  const ids = new BigInt64Array(chunk.length * L);
  const eot = new BigInt64Array(chunk.length);
  chunk.forEach((c, b) => {
    for (let i = 0; i < c.length; i++) ids[b * L + i] = BigInt(c[i]);
    eot[b] = BigInt(b * L + c.length - 1);
  });
  const mask = new Float32Array(L * L);
  for (let i = 0; i < L; i++) for (let j = i + 1; j < L; j++) mask[i * L + j] = Number.NEGATIVE_INFINITY;
  return {
    ids: { type: 'int64', data: ids, dims: [chunk.length, L] },
    attn_mask: { type: 'float32', data: mask, dims: [L, L] },
    eot_index: { type: 'int64', data: eot, dims: [chunk.length] },
  };
}

/**
 * Rows of `[CLS, patch tokens]` for pass k (0 = full pass: CLS and every patch, in order; k ≥ 2: one
 * sequence per window, CLS first, then the window's patches shifted by one past CLS).
 */
export function passTokenIndex(grid: number, k: number): BigInt64Array {
  if (k === 0) return BigInt64Array.from({ length: grid * grid + 1 }, (_, i) => BigInt(i));
  const w = windowIndices(grid, k);
  const kk = k * k;
  const n = w.length / kk;
  const idx = new BigInt64Array(n * (kk + 1));
  for (let j = 0; j < n; j++) {
    idx[j * (kk + 1)] = 0n;
    for (let r = 0; r < kk; r++) idx[j * (kk + 1) + 1 + r] = BigInt(w[j * kk + r] + 1);
  }
  return idx;
}

/** Feeds of one image-encoder run: the tile's pixels [1, 3, S, S] and the token sequences of the pass. */
export function passFeeds(
  pixels: Float32Array,
  size: number,
  idx: BigInt64Array,
  k: number,
): Record<string, Feed> {
  const tokens = k === 0 ? idx.length : k * k + 1;
  return {
    pixels: { type: 'float32', data: pixels, dims: [1, 3, size, size] },
    token_index: { type: 'int64', data: idx, dims: [idx.length / tokens, tokens] },
  };
}

/**
 * Size of the output map and where each tile lands in it: the image itself, or a scaled-down copy
 * whose longer side is `maxSide` (tiles keep their relative place and stay square and inside).
 */
export function mapGeometry(
  enc: EncodedImage,
  maxSide?: number,
): { width: number; height: number; boxes: Box[] } {
  const { width, height, boxes } = enc;
  if (!maxSide || Math.max(width, height) <= maxSide) return { width, height, boxes };
  const f = maxSide / Math.max(width, height);
  const w = Math.max(1, Math.round(width * f));
  const h = Math.max(1, Math.round(height * f));
  const side = Math.min(w, h);
  const scaled = boxes.map(([l, t]): Box => {
    const left = Math.min(Math.round(l * f), w - side);
    const top = Math.min(Math.round(t * f), h - side);
    return [left, top, left + side, top + side];
  });
  return { width: w, height: h, boxes: scaled };
}
