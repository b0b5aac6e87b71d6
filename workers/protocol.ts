/**
 * The typed contract between the UI thread and the engine worker (exposed with comlink).
 * Everything here is structured-cloneable; big buffers and ImageBitmaps travel as transferables.
 */

import type { PromptSet, ScoreMode } from '../src/core/types';
import type { EngineStats, ModelInfo } from '../src/engine/api';
import type { ModelFiles } from '../src/model/file-names';
import type { HeatmapStyle } from '../src/render/layers';

export type BackendChoice = 'webgpu' | 'wasm' | 'auto';

export interface StartOptions {
  backend: BackendChoice;
  /** Folder (URL prefix) the app serves onnxruntime-web's .wasm/.mjs files from. */
  wasmPaths: string;
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
  width: number;
  height: number;
  score: number;
  mode: ScoreMode;
  mapMin: number;
  mapMax: number;
  thumbMap: SmallMap;
}

export interface InspectResult extends ScoreSummary {
  /** Thumbnail of the (orientation-corrected) image, longest side <= thumbSide. */
  thumb: ImageBitmap;
  encodeMs: number;
  tiles: number;
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
  verdict: 'OK' | 'NG' | null;
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
  width: number;
  height: number;
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
 * Every call that can be cancelled takes a request id first, so that `cancel(requestId)` can stop it
 * between steps. The client creates the ids (see CANCELLABLE_CALLS); callers pass an AbortSignal.
 */
export interface EngineWorkerApi {
  ping(): string;
  setProgressListener(listener: ProgressListener | null): void;
  start(opts: StartOptions): Promise<BackendReport>;
  loadModel(requestId: string, files: ModelFiles): Promise<LoadedModel>;
  unloadModel(): Promise<void>;
  setPrompts(requestId: string, prompts: PromptSet): Promise<{ embedded: number; ms: number }>;
  inspect(requestId: string, key: string, image: Blob, thumbSide: number): Promise<InspectResult>;
  addReference(requestId: string, key: string, image: Blob): Promise<ReferenceAdded>;
  removeReference(key: string): void;
  clearReferences(): void;
  referenceKeys(): string[];
  rescore(requestId: string, keys: string[]): Promise<RescoreResult>;
  renderDetail(requestId: string, key: string, opts: DetailRenderOptions): Promise<DetailRender>;
  renderOverlayPng(requestId: string, key: string, image: Blob, opts: OverlayOptions): Promise<Blob>;
  mapReport(requestId: string, key: string, pixelThreshold: number): Promise<MapReport>;
  rawMap(requestId: string, key: string): Promise<RawMap>;
  forget(key: string): void;
  stats(): EngineStats;
  cancel(requestId: string): void;
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
  'inspect',
  'addReference',
  'rescore',
  'renderDetail',
  'renderOverlayPng',
  'mapReport',
  'rawMap',
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
