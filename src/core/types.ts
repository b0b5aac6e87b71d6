/** Shared value types of the pure core. No DOM, no ORT. */

import type { PixelRect } from './inspection-region';
import type { ModeKind } from './scoring-mode';

/** A decoded image: 8-bit RGB, interleaved, row-major (3 bytes per pixel, no alpha). */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Full prompt strings of the two classes, in ensemble order. */
export interface PromptSet {
  normal: string[];
  anomalous: string[];
}

/** A square tile of an image: [left, top, right, bottom] in source pixels. */
export type Box = [number, number, number, number];

/** What the image encoder gives for one pre-processed tile (S×S). */
export interface TileFeatures {
  /** Projected CLS embedding [E]. */
  imageEmbedding: Float32Array;
  /** ln_post patch tokens, not projected: [P, width] row-major. */
  patchEmbeddings: Float32Array;
  /** Projected window embeddings per scale k: [nWindows(k), E] row-major. */
  windowEmbeddings: Map<number, Float32Array>;
}

/** The model's geometry every scoring function needs (the window scales are a method setting). */
export interface Geometry {
  /** Patch grid side g (g×g patches). */
  grid: number;
  /** Model input side S. */
  imageSize: number;
  /** Joint embedding dim E. */
  embedDim: number;
  /** Vision width (dim of patch embeddings). */
  visionWidth: number;
}

/** Final per-image result (after tiling). */
export interface ImageResult {
  width: number;
  height: number;
  imageScore: number;
  /** Full-resolution anomaly map [height*width], row-major. */
  anomalyMap: Float32Array;
  /** The mode's kind it was scored in (the bank size is the caller's: see scoring-mode.ts). */
  mode: ModeKind;
  /** The inspection region the image was cropped to (the map covers it); absent: the whole image. */
  roi?: PixelRect;
}
