/**
 * The engine's data contract: what an encoded image, the model's description and the counters look like.
 * The calls are WinclipEngine's own (src/engine/engine.ts), the facade over the prompt cache and the bank.
 */
import type { PixelRect } from '../core/inspection-region';
import type { Box, TileFeatures } from '../core/types';

/** Everything the encoder produced for one image, kept so prompts/references can change without re-encoding. */
export interface EncodedImage {
  /** Size of what was encoded: the ROI's with one. */
  width: number;
  height: number;
  boxes: Box[];
  tiles: TileFeatures[];
  /** The inspection region the image was cropped to before tiling; absent: the whole image. */
  roi?: PixelRect;
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
  roi?: PixelRect;
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
