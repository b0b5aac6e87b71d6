/**
 * Calibration state, a store of its own: thresholds per scoring mode, the reference bank's
 * leave-one-out run, and the OK/NG marks the user puts on images. Zero-shot and few-shot (per K)
 * scores live on different scales, so a threshold belongs to a mode's key ('zero-shot', 'few-shot:3';
 * see src/core/scoring-mode.ts). `currentMode` is the one place the app decides which mode it is in.
 */
import { create } from 'zustand';
import type { SuggestedThresholds } from '../../core/calibration';
import type { Label } from '../../core/label-metrics';
import {
  modeLabel,
  modeOf,
  modeOfResult,
  parseThresholdKey,
  type ScoringMode,
  thresholdKey,
} from '../../core/scoring-mode';
import type { VerdictPolicy } from '../../core/verdict-policy';
import { imagePolicyFor, type PolicyOf } from './judging';
import type { AppState } from './store';
import type { ModeThresholds } from './threshold-decisions';
import type { InspectedImage, Thresholds } from './types';

export type { ModeThresholds, ThresholdSource } from './threshold-decisions';

export interface LooEntry {
  id: string;
  name: string;
  imageScore: number;
  maxPixel: number;
  medianPixel: number;
}

export interface LooState {
  status: 'idle' | 'waiting' | 'running' | 'done' | 'error';
  /** The mode the run calibrates ('few-shot:K'). */
  modeKey: string | null;
  done: number;
  total: number;
  entries: LooEntry[];
  suggested: SuggestedThresholds | null;
  /** Model, prompts and bank the finished run belongs to. */
  signature: string | null;
  error: string | null;
}

export interface CalibState {
  byMode: Record<string, ModeThresholds>;
  loo: LooState;
  /** OK/NG marks by labelKey (image id + name). */
  labels: Record<string, Label>;
  /** Target false-reject rate for the label-based suggestion (0..1). */
  targetFrr: number;
  /** The calibration (its run's signature) the user chose not to use over their own thresholds. */
  declined: string | null;
}

export const IDLE_LOO: LooState = {
  status: 'idle',
  modeKey: null,
  done: 0,
  total: 0,
  entries: [],
  suggested: null,
  signature: null,
  error: null,
};

export const useCalib = create<CalibState>()(() => ({
  byMode: {},
  loo: IDLE_LOO,
  labels: {},
  targetFrr: 0.05,
  declined: null,
}));

export function patchLoo(patch: Partial<LooState>): void {
  useCalib.setState((s) => ({ loo: { ...s.loo, ...patch } }));
}

/** 'few-shot:3' → 'Few-shot · K=3'; a key no mode has is shown as it is. */
export function keyLabel(key: string): string {
  const mode = parseThresholdKey(key);
  return mode ? modeLabel(mode) : key;
}

export function readyReferences(s: AppState): number {
  return s.references.filter((r) => r.status === 'ready').length;
}

/**
 * The mode new scores are computed in: the lot when lot mode is on, else from the ready references.
 * The only place the app decides it.
 */
export function currentMode(s: AppState): ScoringMode {
  if (s.settings.lotMode) return { kind: 'lot', n: s.lot.n };
  return modeOf({ readyReferences: readyReferences(s) });
}

/** The current mode's threshold key. */
export function currentModeKey(s: AppState): string {
  return thresholdKey(currentMode(s));
}

/** The mode an image's shown score was computed in (null when unscored). */
export function imageMode(im: InspectedImage): ScoringMode | null {
  return im.result ? modeOfResult(im.result) : null;
}

/** Its threshold key. */
export function imageModeKey(im: InspectedImage): string | null {
  const mode = imageMode(im);
  return mode ? thresholdKey(mode) : null;
}

/** Labels key: the image's id and name (the gallery's own key), so marks follow a restored image. */
export function labelKey(im: Pick<InspectedImage, 'id' | 'name'>): string {
  return `${im.id}|${im.name}`;
}

export function labelOf(
  labels: Record<string, Label>,
  im: Pick<InspectedImage, 'id' | 'name'>,
): Label | null {
  return labels[labelKey(im)] ?? null;
}

/** An image's own-mode policy (see judging.ts): null while unscored or while its mode has no threshold. */
export function imagePolicy(
  im: InspectedImage,
  currentKey: string,
  current: Thresholds,
  byMode: Record<string, ModeThresholds>,
): VerdictPolicy | null {
  return imagePolicyFor(imageModeKey(im), currentKey, current, byMode);
}

/** Each image's own-mode policy, for counts and filters (reads the per-mode table now). */
export function ownModePolicy(s: AppState): PolicyOf {
  const key = currentModeKey(s);
  const { byMode } = useCalib.getState();
  return (im) => imagePolicy(im, key, s.thresholds, byMode);
}

/** Whether the current mode has a threshold to judge by. */
export function currentModeJudged(s: AppState, byMode: Record<string, ModeThresholds>): boolean {
  return byMode[currentModeKey(s)] !== undefined;
}

/** Where normal pixels sit for a mode, from its leave-one-out run: mean median to highest maximum. */
export function normalRange(loo: LooState, key: string): { low: number; high: number } | null {
  if (loo.status !== 'done' || loo.modeKey !== key || loo.entries.length === 0) return null;
  const low = loo.entries.reduce((a, e) => a + e.medianPixel, 0) / loo.entries.length;
  const high = Math.max(...loo.entries.map((e) => e.maxPixel));
  return { low, high };
}
