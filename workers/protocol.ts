/**
 * The typed contract between the UI thread and the engine worker (exposed with comlink).
 * Everything here is structured-cloneable; big buffers and ImageBitmaps travel as transferables.
 */

import type { PixelRect } from '../src/core/inspection-region';
import type { PreprocessConfig, PreprocessedImage } from '../src/core/preprocess';
import type { ScoreOptions } from '../src/core/score-options';
import type { ModeKind } from '../src/core/scoring-mode';
import type { StateGroups } from '../src/core/state-words';
import type { PromptSet } from '../src/core/types';
import type { EngineStats, ModelInfo } from '../src/engine/api';
import type { ModelFiles } from '../src/model/file-names';
import type { HeatmapStyle } from '../src/render/layers';
import type { LotAdded, LotOptions, LotStats, LotSummary } from './lot-protocol';

export type { LotAdded, LotImageSummary, LotOptions, LotStats, LotSummary } from './lot-protocol';

export type BackendChoice = 'webgpu' | 'wasm' | 'auto';

export interface StartOptions {
  backend: BackendChoice;
  /** Folder (URL prefix) the app serves onnxruntime-web's .wasm/.mjs files from. */
  wasmPaths: string;
  /** At most this many WASM threads (default: every core the browser reports). */
  threads?: number;
}

export interface BackendReport {
  backend: string;
  reason: string;
}

export interface LoadedModel {
  info: ModelInfo;
  backend: string;
  reason: string;
  ms: number;
  /** The sampled weights fingerprint (src/core/weights-fingerprint.ts), taken before the parts were freed. */
  weightsFingerprint: string;
  /** Identity of weights and config (src/io/model-identity.ts), whatever the files were called or came from. */
  modelId: string;
}

/** A small copy of an anomaly map for gallery thumbnails (row-major, values in [0, 1]). */
export interface SmallMap {
  width: number;
  height: number;
  data: Float32Array;
}

/** One image's result as the gallery needs it; the full-resolution map stays in the worker. */
export interface ScoreSummary {
  key: string;
  /** The size of what was scored: the ROI's with one (the map covers it), else the image's. */
  width: number;
  height: number;
  /** The inspection region the image was cropped to (ScoreOptions.setup.roi); absent: the whole image. */
  roi?: PixelRect;
  score: number;
  mode: ModeKind;
  /** References in the bank when it was scored (0 = zero-shot): thresholds belong to (mode, K). */
  bank: number;
  mapMin: number;
  mapMax: number;
  thumbMap: SmallMap;
}

export interface InspectResult extends ScoreSummary {
  /** Thumbnail of the (orientation-corrected) image, longest side <= thumbSide. */
  thumb: ImageBitmap;
  encodeMs: number;
  tiles: number;
  /** The decoded image's size when an ROI cropped it (`width`/`height` are then the ROI's, as the map's). */
  frame?: { width: number; height: number };
}

export interface ReferenceAdded {
  key: string;
  width: number;
  height: number;
  tiles: number;
}

export interface RescoreResult {
  results: ScoreSummary[];
  ms: number;
}

/** Colormap and range of the heatmap, and the pixel threshold whose regions are outlined. */
export interface DetailRenderOptions extends HeatmapStyle {
  pixelThreshold: number;
}

export interface DetailRender {
  width: number;
  height: number;
  heatmap: ImageBitmap;
  outline: ImageBitmap;
  maxPixel: number;
  /** Fraction of pixels at or above the pixel threshold. */
  areaAbove: number;
  regions: number;
}

export interface OverlayOptions extends DetailRenderOptions {
  opacity: number;
  showHeatmap: boolean;
  showOutline: boolean;
  /** A caption bar drawn at the top (score and verdict), for exported and reported overlays. */
  caption?: OverlayCaption;
}

export interface OverlayCaption {
  text: string;
  verdict: 'OK' | 'REVIEW' | 'NG' | null;
}

/** One region of the full-resolution map at or above the pixel threshold. */
export interface ReportRegion {
  /** [left, top, right, bottom] in image pixels, right and bottom exclusive. */
  box: [number, number, number, number];
  area: number;
  peak: number;
}

/** What reports need from an image's full-resolution map at a pixel threshold. */
export interface MapReport {
  /** The map's size: the ROI's with one (the map covers it), else the image's. */
  width: number;
  height: number;
  /** The inspection region the image was cropped to; absent: the whole image. */
  roi?: PixelRect;
  maxPixel: number;
  /** Pixels at or above the pixel threshold. */
  areaAbove: number;
  /** Their fraction of all pixels. */
  areaAboveFraction: number;
  regions: ReportRegion[];
}

/** The full-resolution anomaly map (row-major, `height` rows of `width`). */
export interface RawMap {
  width: number;
  height: number;
  data: Float32Array;
}

/**
 * How an image's features were found and kept by the worker's feature store (IndexedDB, keyed by
 * image content hash and model identity).
 */
export interface StoredInfo {
  /** Hex SHA-256 of the image file's bytes. */
  contentHash: string;
  /** True when the features came from storage (no image-encoder run). */
  fromStore: boolean;
  /** Bytes of this image's features in storage; 0 when they are not stored. */
  featureBytes: number;
  /** Why the features could not be stored (e.g. storage full), or null. Unsaved features stay in memory. */
  saveError: string | null;
}

/** An image key whose features the worker may load from storage on demand. */
export interface StoredBinding {
  key: string;
  contentHash: string;
}

/** Features the worker holds in memory: stored ones beyond `workingSet` spill back to storage. */
export interface FeatureMemory {
  /** Images (not references) whose features are in memory. */
  inMemory: number;
  /** Of those, how many could not be stored and therefore never spill. */
  unsaved: number;
  workingSet: number;
  /** Float32 bytes of features in memory (images and references). */
  bytes: number;
}

/** One reference scored few-shot against the other references (leave-one-out calibration). */
export interface LooScore {
  key: string;
  imageScore: number;
  maxPixel: number;
  /** Median of its anomaly map: where normal pixels sit. */
  medianPixel: number;
}

/** Each reference's leave-one-out score as soon as it is known, with the count done so far. */
export type LooProgressListener = (score: LooScore, done: number) => void;

/** One region above the pixel threshold, in the image's pixels, with its closest anomalous state word. */
export interface ExplainedRegion {
  /** [left, top, right, bottom], right and bottom exclusive. */
  box: [number, number, number, number];
  area: number;
  areaFraction: number;
  peak: number;
  state: string | null;
  /** Softmax share of `state` among the anomalous state words. */
  stateShare: number | null;
}

export interface ExplainResult {
  width: number;
  height: number;
  pixelThreshold: number;
  regions: ExplainedRegion[];
  /** State words (normal and anomalous) for the whole image, largest share first. */
  imageStates: { state: string; cls: 'normal' | 'anomalous'; share: number }[];
}

/** Worker-side progress as data; the UI words it. */
export interface StageProgress {
  kind: 'stage';
  stage: 'runtime' | 'model' | 'prompts' | 'rescore';
  /** With `runtime`: the backend being started. */
  backend?: BackendChoice;
  /** With `rescore`: images done out of `total`. */
  done?: number;
  total?: number;
}

export type ProgressListener = (p: StageProgress) => void;

/** Something went wrong outside any call, reported as it happens (the UI replaces the worker). */
export interface EngineFault {
  kind: 'gpu-device-lost';
  /** What happened, worded for the user. */
  message: string;
}

export type FaultListener = (f: EngineFault) => void;

/**
 * An image's score, sent while `inspectStored`/`inspectPrepared` still runs the window passes that make its map (only when it
 * is already the final score: zero-shot, the reference bank empty).
 */
export interface FirstScoreEvent {
  key: string;
  score: number;
  /** Milliseconds since encoding started. */
  ms: number;
}

export type FirstScoreListener = (s: FirstScoreEvent) => void;

/**
 * Every call that can be cancelled takes a request id first, so that `cancel(requestId)` can stop it
 * between steps. The client creates the ids (see CANCELLABLE_CALLS); callers pass an AbortSignal.
 */
export interface EngineWorkerApi {
  ping(): string;
  setProgressListener(listener: ProgressListener | null): void;
  setFirstScoreListener(listener: FirstScoreListener | null): void;
  start(opts: StartOptions): Promise<BackendReport>;
  loadModel(requestId: string, files: ModelFiles): Promise<LoadedModel>;
  unloadModel(): Promise<void>;
  setPrompts(requestId: string, prompts: PromptSet): Promise<{ embedded: number; ms: number }>;
  /**
   * The scoring calls (`inspect*`, `rescore`) take the scoring options last (src/core/score-options.ts;
   * left out: the engine's method settings). The worker keeps each image's options, so its detail map,
   * overlay and exports are computed the same way as its score.
   */
  removeReference(key: string): void;
  clearReferences(): void;
  referenceKeys(): string[];
  rescore(requestId: string, keys: string[], options?: ScoreOptions): Promise<RescoreResult>;
  renderDetail(requestId: string, key: string, opts: DetailRenderOptions): Promise<DetailRender>;
  renderOverlayPng(requestId: string, key: string, image: Blob, opts: OverlayOptions): Promise<Blob>;
  /**
   * Leave-one-out over `refKeys` (the engine's loop, src/engine/calibration.ts): each reference scored
   * few-shot against the others only (the current bank is untouched). Stops between references when
   * cancelled; `onReference` hears each score as it comes.
   */
  leaveOneOut(
    requestId: string,
    refKeys: string[],
    onReference: LooProgressListener | null,
    /** `setup.ignore`: don't-care areas left out of each reference's max pixel and median. */
    options?: ScoreOptions,
  ): Promise<LooScore[]>;
  /** Regions above `pixelThreshold` with state words (full-resolution map), and the image's state words. */
  explain(
    requestId: string,
    key: string,
    pixelThreshold: number,
    groups: StateGroups,
  ): Promise<ExplainResult>;
  mapReport(requestId: string, key: string, pixelThreshold: number): Promise<MapReport>;
  rawMap(requestId: string, key: string): Promise<RawMap>;
  forget(key: string): void;
  stats(): EngineStats;
  cancel(requestId: string): void;
  /** Identity of the loaded model's weights (see src/io/model-identity.ts), or null with none loaded. */
  modelIdentity(): string | null;
  /**
   * Decodes, encodes and scores one image with its thumbnail; features come from (and go to) the
   * feature store when it has them.
   */
  inspectStored(
    requestId: string,
    key: string,
    image: Blob,
    thumbSide: number,
    options?: ScoreOptions,
  ): Promise<InspectResult & StoredInfo>;
  /** The loaded model's pre-processing (for the pre-processing worker), or null with none loaded. */
  preprocessConfig(): PreprocessConfig | null;
  /**
   * Like `inspectStored`, with the image decoded and pre-processed already (by the pre-processing
   * worker). Prepared under another model's config, it is decoded here again from `image`.
   */
  inspectPrepared(
    requestId: string,
    key: string,
    image: Blob,
    prepared: PreparedImage,
    thumbSide: number,
    options?: ScoreOptions,
  ): Promise<InspectResult & StoredInfo>;
  /**
   * Encodes an image (or reads its stored features) and adds it to the reference bank, cropped to `roi`
   * when given (whether a reference is cropped: src/core/inspection-region.ts referenceRoi).
   */
  addReferenceStored(
    requestId: string,
    key: string,
    image: Blob,
    roi?: PixelRect,
  ): Promise<ReferenceAdded & StoredInfo>;
  /**
   * Registers images scored earlier: their features are loaded from storage when a call needs them.
   * Features encoded under an ROI (ScoreOptions.setup.roi, addReferenceStored's roi) are stored under
   * `roiKey(contentHash, roi)` (src/core/inspection-region.ts): bind that key to find them again.
   */
  bindStored(entries: StoredBinding[]): void;
  /** Deletes stored features of these image contents (all models). */
  deleteStoredFeatures(hashes: string[]): Promise<void>;
  /** Deletes every stored feature and prompt embedding. */
  clearStoredFeatures(): Promise<void>;
  featureMemory(): FeatureMemory;
  /**
   * Lot mode (workers/lot-protocol.ts): adds an image to the lot by its gallery key, computing its
   * tokens (or reading them from the feature store) and only its pairs with the images already there.
   */
  lotAdd(
    requestId: string,
    key: string,
    image: Blob,
    thumbSide: number,
    options?: LotOptions,
  ): Promise<LotAdded>;
  /**
   * Every lot image's scores and small map, or how many more images the lot needs; `options.setup`'s
   * don't-care areas (its ROI must be the lot's) are what the lot's maps are read with from now on.
   */
  lotScores(requestId: string, options?: LotOptions): Promise<LotSummary>;
  /** Drops images from the lot (their pairs too); returns how many it held. */
  lotRemove(keys: string[]): number;
  /** Drops the whole lot (leaving lot mode). */
  lotClear(): void;
  lotStats(): LotStats;
  /** Ends the worker as a crash would (used to prove restart-and-restore). */
  simulateCrash(): void;
  setFaultListener(listener: FaultListener | null): void;
  /** Test hook: destroys the WebGPU device mid-work, as a driver reset would; false on WASM. */
  debugLoseGpuDevice(): Promise<boolean>;
  /** Test hook: the next model load on WebGPU fails in session creation with this message. */
  debugFailNextGpuSession(message: string): void;
}

/** Calls that take a request id first and can be cancelled. */
export const CANCELLABLE_CALLS = [
  'loadModel',
  'setPrompts',
  'rescore',
  'renderDetail',
  'renderOverlayPng',
  'inspectStored',
  'inspectPrepared',
  'addReferenceStored',
  'leaveOneOut',
  'explain',
  'mapReport',
  'rawMap',
  'lotAdd',
  'lotScores',
] as const;

/** Calls that finish at once or cannot be stopped midway. */
export const PLAIN_CALLS = [
  'start',
  'unloadModel',
  'removeReference',
  'clearReferences',
  'referenceKeys',
  'forget',
  'stats',
  'modelIdentity',
  'bindStored',
  'deleteStoredFeatures',
  'clearStoredFeatures',
  'featureMemory',
  'preprocessConfig',
  'lotRemove',
  'lotClear',
  'lotStats',
] as const;

/** Calls that cannot stop midway: cancelling one replaces the worker. */
export const HARD_CANCEL_CALLS: readonly CancellableCall[] = ['loadModel'];

export type CancellableCall = (typeof CANCELLABLE_CALLS)[number];
export type PlainCall = (typeof PLAIN_CALLS)[number];

type WithSignal<F> = F extends (requestId: string, ...args: infer A) => infer R
  ? (signal: AbortSignal | undefined, ...args: A) => Promise<Awaited<R>>
  : never;
type Async<F> = F extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;

/** What the UI thread calls: cancellable calls take an AbortSignal first instead of a request id. */
export type EngineCalls = { [K in CancellableCall]: WithSignal<EngineWorkerApi[K]> } & {
  [K in PlainCall]: Async<EngineWorkerApi[K]>;
};

/**
 * An image made ready for the image encoder off the engine's thread: content hash, thumbnail and the
 * pre-processed tiles (thumbnail and tensors travel as transferables).
 */
export interface PreparedImage extends PreprocessedImage {
  contentHash: string;
  thumb: ImageBitmap;
  /** The pre-processing it was made with (the engine checks it against the loaded model's). */
  config: PreprocessConfig;
  /** Time the preparation took in the pre-processing worker. */
  ms: number;
}

/** The pre-processing worker: decodes and pre-processes the next image while the engine runs one. */
export interface PrepWorkerApi {
  prepare(image: Blob, name: string, thumbSide: number, config: PreprocessConfig): Promise<PreparedImage>;
}
