/** Shapes of the app state (zustand store) and of what is persisted. */

import type { BackendChoice, ScoreSummary, StageProgress } from '../../../workers/protocol';
import type { EngineStats, ModelInfo } from '../../engine/api';
import type { DownloadProgress } from '../../io/hub';
import type { ModelSource } from '../../io/model-fetch';
import type { ColormapName } from '../../render/colormap';

/**
 * Where a model comes from (local files are held as File handles, disk-backed, not copied), and the
 * bytes of one model file arriving (worded by progress-text.ts): both are the loader's, in src/io.
 */
export type { DownloadProgress, ModelSource };

/** The serialisable part of a ModelSource (what a reload can reload by itself). */
export type PersistedModelSource =
  | { kind: 'hub'; repo: string; label: string; revision?: string }
  | { kind: 'url'; baseUrl: string; label: string };

/** Everything the app reports progress on: model files arriving, and the worker's stages. */
export type ProgressEvent = DownloadProgress | StageProgress;

export type ModelPhase = 'none' | 'fetching' | 'building' | 'ready' | 'error' | 'cancelled';

export interface ModelState {
  phase: ModelPhase;
  source: ModelSource | null;
  progress: DownloadProgress | null;
  info: ModelInfo | null;
  fromCache: boolean;
  /** Set when the model could not be written to the cache (quota, private mode…). */
  cacheWarning: string | null;
  loadMs: number | null;
  error: string | null;
  /** Size and sampled fingerprint of the weights file (src/core/weights-fingerprint.ts), for recipes. */
  weightsBytes: number | null;
  weightsFingerprint: string | null;
  /**
   * Weights fingerprint + config (src/io/model-identity.ts) once ready: what decides whether a
   * threshold is stale. Never the display name, which differs between picked and kept files.
   */
  identity: string | null;
}

export type EngineStatus = 'starting' | 'ready' | 'restoring' | 'failed';

export interface EngineState {
  status: EngineStatus;
  backend: string | null;
  reason: string | null;
  error: string | null;
  restarts: number;
  stats: EngineStats;
  /** Last worker-side stage (runtime start, graph build, re-scoring). */
  activity: StageProgress | null;
}

/** 'threshold': fixed scale around the pixel threshold (cool below, warm above), the same on every image. */
export type RangeMode = 'threshold' | 'batch' | 'image' | 'fixed';

export interface Settings {
  hubUrl: string;
  tokenizerRepo: string;
  backend: BackendChoice;
  colormap: ColormapName;
  heatmapOpacity: number;
  showHeatmap: boolean;
  showOutline: boolean;
  rangeMode: RangeMode;
  /** Lot mode (MuSc): the gallery's images are scored against each other instead of against prompts. */
  lotMode: boolean;
}

export interface PromptConfig {
  objectName: string;
  normalStates: string[];
  anomalousStates: string[];
  templates: string[];
}

export interface PromptStatus {
  /** True once the engine holds the current model's prompt embeddings (images can be scored). */
  applied: boolean;
  busy: boolean;
  normalCount: number;
  anomalousCount: number;
  lastEmbedded: number | null;
  lastEmbedMs: number | null;
  lastRescoreMs: number | null;
  lastRescoreCount: number | null;
  /** From the edit's debounce end to fresh scores on screen. */
  lastTotalMs: number | null;
  error: string | null;
}

export interface Thresholds {
  /** Image score at or above which an image is NG. */
  image: number;
  /** Pixel score at or above which a pixel is outlined as anomalous. */
  pixel: number;
}

export type ImageStatus = 'queued' | 'processing' | 'done' | 'error' | 'cancelled';

/**
 * What the gallery keeps of a score: the worker's summary less the image's key and size. In lot mode
 * `score` is the max before RsCIN (what thresholds apply to) and `lotScore` the final RsCIN score.
 */
export type ImageScore = Omit<ScoreSummary, 'key' | 'width' | 'height'> & { lotScore?: number };

/** The worker's lot as the app shows it: its size and, below the minimum, how many more it needs. */
export interface LotStatus {
  n: number;
  need: number;
  more: number;
  ready: boolean;
}

export interface InspectedImage {
  id: string;
  name: string;
  file: File;
  addedAt: number;
  status: ImageStatus;
  error: string | null;
  width: number | null;
  height: number | null;
  tiles: number | null;
  thumb: ImageBitmap | null;
  result: ImageScore | null;
  encodeMs: number | null;
  /** The image score while its map is still being computed (zero-shot only), with ms since encoding began. */
  firstScore?: { score: number; ms: number } | null;
}

/** A gallery image as it enters the queue: nothing known about it yet but its file. */
export function queuedImage(id: string, name: string, file: File, addedAt: number): InspectedImage {
  return {
    id,
    name,
    file,
    addedAt,
    status: 'queued',
    error: null,
    width: null,
    height: null,
    tiles: null,
    thumb: null,
    result: null,
    encodeMs: null,
  };
}

export type ReferenceStatus = 'pending' | 'encoding' | 'ready' | 'error';

export interface ReferenceShot {
  id: string;
  name: string;
  blob: Blob;
  addedAt: number;
  status: ReferenceStatus;
  error: string | null;
  thumb: ImageBitmap | null;
  width: number | null;
  height: number | null;
}

export interface QueueState {
  running: boolean;
  /** Images done (scored, failed or cancelled) in the current run, out of `total`. */
  done: number;
  total: number;
  current: string | null;
}

export type SortKey = 'added' | 'score-desc' | 'score-asc' | 'name';
export type VerdictFilter = 'all' | 'ok' | 'review' | 'ng' | 'unjudged' | 'pending';
export type SideTab = 'model' | 'references' | 'prompts' | 'calibration' | 'sessions';

export interface UiState {
  selectedId: string | null;
  detailOpen: boolean;
  sort: SortKey;
  filter: VerdictFilter;
  sideTab: SideTab;
}

export interface Notice {
  id: number;
  kind: 'error' | 'info' | 'success';
  text: string;
}
