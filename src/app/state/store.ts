/** The app's single zustand store: plain state plus small synchronous setters. Side effects live in services/. */
import { create } from 'zustand';
import {
  DEFAULT_ANOMALOUS_STATES,
  DEFAULT_NORMAL_STATES,
  DEFAULT_OBJECT_NAME,
  DEFAULT_TEMPLATES,
} from '../../core/prompts';
import { DEFAULT_HUB_URL, DEFAULT_TOKENIZER_REPO } from '../../io/hub';
import type {
  EngineState,
  ImageScore,
  InspectedImage,
  LotStatus,
  ModelState,
  Notice,
  PromptConfig,
  PromptStatus,
  QueueState,
  ReferenceShot,
  Settings,
  Thresholds,
  UiState,
} from './types';

export const DEFAULT_SETTINGS: Settings = {
  hubUrl: DEFAULT_HUB_URL,
  tokenizerRepo: DEFAULT_TOKENIZER_REPO,
  backend: 'auto',
  colormap: 'turbo',
  heatmapOpacity: 0.55,
  showHeatmap: true,
  showOutline: true,
  rangeMode: 'threshold',
  lotMode: false,
};

export function defaultPrompts(): PromptConfig {
  return {
    objectName: DEFAULT_OBJECT_NAME,
    normalStates: [...DEFAULT_NORMAL_STATES],
    anomalousStates: [...DEFAULT_ANOMALOUS_STATES],
    templates: [...DEFAULT_TEMPLATES],
  };
}

export const DEFAULT_THRESHOLDS: Thresholds = { image: 0.5, pixel: 0.5 };

export interface AppState {
  engine: EngineState;
  model: ModelState;
  settings: Settings;
  prompts: PromptConfig;
  promptStatus: PromptStatus;
  thresholds: Thresholds;
  images: InspectedImage[];
  references: ReferenceShot[];
  queue: QueueState;
  ui: UiState;
  notices: Notice[];
  lot: LotStatus;
  /** True once persisted prompts/settings/bank were read (before that, nothing is saved). */
  hydrated: boolean;
}

export const initialModelState: ModelState = {
  phase: 'none',
  source: null,
  progress: null,
  info: null,
  fromCache: false,
  cacheWarning: null,
  loadMs: null,
  error: null,
  weightsBytes: null,
  weightsFingerprint: null,
  identity: null,
};

function initialState(): AppState {
  return {
    engine: {
      status: 'starting',
      backend: null,
      reason: null,
      error: null,
      restarts: 0,
      stats: { imageEncoderRuns: 0, imagesEncoded: 0, promptsEmbedded: 0, textEncoderRuns: 0 },
      activity: null,
    },
    model: initialModelState,
    settings: { ...DEFAULT_SETTINGS },
    prompts: defaultPrompts(),
    promptStatus: {
      applied: false,
      busy: false,
      normalCount: 0,
      anomalousCount: 0,
      lastEmbedded: null,
      lastEmbedMs: null,
      lastRescoreMs: null,
      lastRescoreCount: null,
      lastTotalMs: null,
      error: null,
    },
    thresholds: { ...DEFAULT_THRESHOLDS },
    images: [],
    references: [],
    queue: { running: false, done: 0, total: 0, current: null },
    ui: { selectedId: null, detailOpen: false, sort: 'added', filter: 'all', sideTab: 'model' },
    notices: [],
    lot: { n: 0, need: 5, more: 5, ready: false },
    hydrated: false,
  };
}

export const useApp = create<AppState>()(() => initialState());

type Patch<T> = Partial<T> | ((prev: T) => Partial<T>);

type SliceKey =
  | 'engine'
  | 'model'
  | 'settings'
  | 'prompts'
  | 'promptStatus'
  | 'thresholds'
  | 'queue'
  | 'ui'
  | 'lot';

function patcher<K extends SliceKey>(key: K) {
  return (patch: Patch<AppState[K]>) =>
    useApp.setState((s) => {
      const prev: AppState[K] = s[key];
      const next = typeof patch === 'function' ? patch(prev) : patch;
      return { [key]: Object.assign({}, prev, next) } as Pick<AppState, K>;
    });
}

export const patchEngine = patcher('engine');
export const patchModel = patcher('model');
export const patchSettings = patcher('settings');
export const patchPromptStatus = patcher('promptStatus');
export const patchThresholds = patcher('thresholds');
export const patchQueue = patcher('queue');
export const patchUi = patcher('ui');
export const patchLot = patcher('lot');

export function updateImage(id: string, patch: Partial<InspectedImage>): void {
  useApp.setState((s) => ({ images: s.images.map((im) => (im.id === id ? { ...im, ...patch } : im)) }));
}

export function updateReference(id: string, patch: Partial<ReferenceShot>): void {
  useApp.setState((s) => ({ references: s.references.map((r) => (r.id === id ? { ...r, ...patch } : r)) }));
}

/** Applies fresh scores by image id (after a re-score); images not listed keep theirs. */
export function applyScores(scores: Map<string, ImageScore>): void {
  useApp.setState((s) => ({
    images: s.images.map((im) => {
      const result = scores.get(im.id);
      return result ? { ...im, result } : im;
    }),
  }));
}

let noticeCounter = 0;

export function notify(kind: Notice['kind'], text: string, ttlMs = kind === 'error' ? 12_000 : 5_000): void {
  noticeCounter += 1;
  const id = noticeCounter;
  useApp.setState((s) => ({ notices: [...s.notices.slice(-4), { id, kind, text }] }));
  setTimeout(() => dismissNotice(id), ttlMs);
}

export function dismissNotice(id: number): void {
  useApp.setState((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
}
