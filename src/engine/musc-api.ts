/**
 * The lot mode's contract (MuSc mutual scoring, ../shared/docs/METHOD-musc.md): what the lot needs from
 * the inference device. The device side (graphs, ORT sessions) implements `MuscDevice`; the lot logic
 * (`musc-lot.ts`: LNAMD, mutual scoring, RsCIN, incremental pairs) only calls it, so it runs the same in
 * Node and in the worker.
 */
import type { RgbImage } from '../core/types';

/** Raw block outputs of one image at input size S (METHOD-musc.md §2). */
export interface MuscTokens {
  /** Input side S in pixels (the model's own or any multiple of the patch size). */
  size: number;
  /** S / patch size: the patch grid is grid × grid, P = grid². */
  grid: number;
  /** C, the vision width. */
  width: number;
  /** 0-based block indices, ascending. */
  layers: number[];
  /** One P×C array per entry of `layers`: the residual stream after that block, class token dropped, row-major patches. */
  patchTokens: Float32Array[];
  /** ln_post(class token) @ proj, L2-normalised (E values): what RsCIN compares. */
  classToken: Float32Array;
}

/** Nearest-neighbour distances of one query image against other images, both ways. */
export interface NearestDistances {
  /** Per other image j: F×P, for each query patch the least Euclidean distance to any patch of j (same feature set). */
  queryToOther: Float32Array[];
  /** Per other image j: F×P, for each patch of j the least distance to any patch of the query. */
  otherToQuery: Float32Array[];
}

export interface MuscDevice {
  /** MuSc pre-processing (resize to S×S, bicubic, aspect not kept; OpenAI mean/std) and the image pass. */
  encodeTokens(image: RgbImage, size: number, layers: number[]): Promise<MuscTokens>;
  /**
   * Distances between feature sets: `query` is F×P×C (F feature sets, e.g. layers × r values, each P
   * L2-normalised rows of C), every entry of `others` the same shape. Runs on the inference device in
   * blocks that bound memory.
   */
  nearestDistances(
    query: Float32Array,
    others: Float32Array[],
    shape: { f: number; p: number; c: number },
  ): Promise<NearestDistances>;
}
