/**
 * The engine's public contract: what the worker exposes, what the CLIs call.
 * Implementation: src/engine/engine.ts (WinclipEngine implements WinclipApi).
 */
import type { Box as RoiBox } from '../core/inspection-region';
import type { ScoreOptions } from '../core/score-options';
import type { Box, ImageResult, PromptSet, RgbImage, TileFeatures } from '../core/types';

/** Everything the encoder produced for one image, kept so prompts/references can change without re-encoding. */
export interface EncodedImage {
  /** Size of what was encoded: the ROI's with one. */
  width: number;
  height: number;
  boxes: Box[];
  tiles: TileFeatures[];
  /** The inspection region the image was cropped to before tiling; absent: the whole image. */
  roi?: RoiBox;
}

export interface ModelInfo {
  embedDim: number;
  imageSize: number;
  patchSize: number;
  grid: number;
  visionWidth: number;
  visionLayers: number;
  textWidth: number;
  textLayers: number;
  quickGelu: boolean;
  parameters: number;
  /** Which ORT execution provider runs the graphs ('webgpu', 'wasm', 'cpu'). */
  backend: string;
  /** The hub commit the model files were taken from; null for local files and folder URLs. */
  commit: string | null;
}

/** The image score exists after the full passes (about 1/12 of a tile's work), before the map. */
export interface FirstScore {
  /** Zero-shot image score with the current prompts: the mean over tiles of the full-pass scores. */
  imageScore: number;
  /** True when the reference bank is empty, i.e. this is already the image's final score. */
  final: boolean;
  /** Milliseconds from the start of encoding (pre-processing included). */
  ms: number;
}

export interface EncodeHooks {
  /** Called once the full passes of every tile are done, while the window passes are still to run. */
  onImageScore?: (first: FirstScore) => void;
}

export interface EncodeOptions extends EncodeHooks {
  /**
   * Crop the image to this inspection region first (src/core/inspection-region.ts), so the features,
   * the score and the map are those of the cropped image. For `encodePrepared`, the tiles must have been
   * prepared from the cropped image; the ROI is then only recorded.
   */
  roi?: RoiBox;
}

/** Counters that let tests prove caching works (e.g. prompt edits do not re-run the image encoder). */
export interface EngineStats {
  imageEncoderRuns: number;
  imagesEncoded: number;
  promptsEmbedded: number;
  textEncoderRuns: number;
}

/** Stats of an engine that has not run yet (or of none). */
export const ZERO_STATS: EngineStats = {
  imageEncoderRuns: 0,
  imagesEncoded: 0,
  promptsEmbedded: 0,
  textEncoderRuns: 0,
};

export interface WinclipApi {
  info(): ModelInfo;
  stats(): EngineStats;
  /** Sets the prompt ensemble; embeds only prompts not seen before. Returns how many were new. */
  setPrompts(prompts: PromptSet): Promise<{ embedded: number; ms: number }>;
  /** Encodes (tiles, pre-processes, runs the image encoder) and caches under `key`. No-op if cached. */
  encode(key: string, image: RgbImage, options?: EncodeOptions): Promise<EncodedImage>;
  /** Stores features computed earlier (e.g. from a disk cache) under `key`. */
  putEncoded(key: string, encoded: EncodedImage): void;
  getEncoded(key: string): EncodedImage | undefined;
  forget(key: string): void;
  /**
   * Adds a normal reference image to the few-shot bank (encoding it if needed), cropped to `roi` when
   * given (src/core/inspection-region.ts referenceRoi decides whether a reference is cropped).
   */
  addReference(key: string, image: RgbImage, roi?: RoiBox): Promise<void>;
  /** Adds an already-encoded image (by key) to the reference bank. */
  addReferenceEncoded(key: string): void;
  removeReference(key: string): void;
  clearReferences(): void;
  referenceKeys(): string[];
  /**
   * Scores an encoded image with the current prompts and reference bank (zero-shot when the bank is
   * empty). The few-shot association runs on the inference device and is cached per image and bank.
   */
  score(key: string, options?: ScoreOptions): Promise<ImageResult>;
}
