/**
 * The typed contract between the UI thread and the engine worker (exposed with comlink).
 * Everything here is structured-cloneable; big buffers and ImageBitmaps travel as transferables.
 */

import type { PromptSet, ScoreMode } from '../src/core/types';
import type { EngineStats, ModelInfo } from '../src/engine/api';
import type { ModelFiles } from '../src/model/file-names';

export type BackendChoice = 'webgpu' | 'wasm' | 'auto';

export type ColormapName = 'turbo' | 'inferno' | 'viridis' | 'jet' | 'gray';

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

export interface DetailRenderOptions {
  colormap: ColormapName;
  /** Map values mapped to the two ends of the colormap. */
  range: [number, number];
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
}

export interface WorkerProgress {
  stage: 'runtime' | 'model' | 'prompts' | 'encode' | 'rescore';
  message: string;
  done?: number;
  total?: number;
}

export type ProgressListener = (p: WorkerProgress) => void;

/** Every long call takes a requestId so that `cancel(requestId)` can stop it between steps. */
export interface EngineWorkerApi {
  ping(): string;
  setProgressListener(listener: ProgressListener | null): void;
  start(opts: StartOptions): Promise<BackendReport>;
  loadModel(files: ModelFiles, requestId: string): Promise<LoadedModel>;
  unloadModel(): Promise<void>;
  setPrompts(prompts: PromptSet, requestId: string): Promise<{ embedded: number; ms: number }>;
  inspect(key: string, image: Blob, thumbSide: number, requestId: string): Promise<InspectResult>;
  addReference(key: string, image: Blob, requestId: string): Promise<ReferenceAdded>;
  removeReference(key: string): void;
  clearReferences(): void;
  referenceKeys(): string[];
  rescore(keys: string[], requestId: string): Promise<RescoreResult>;
  renderDetail(key: string, opts: DetailRenderOptions, requestId: string): Promise<DetailRender>;
  renderOverlayPng(key: string, image: Blob, opts: OverlayOptions, requestId: string): Promise<Blob>;
  forget(key: string): void;
  stats(): EngineStats;
  cancel(requestId: string): void;
  /** Ends the worker as a crash would (used to prove restart-and-restore). */
  simulateCrash(): void;
}
