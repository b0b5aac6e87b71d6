/**
 * Calibration: keeps the sliders on the thresholds of the mode being scored (zero-shot, few-shot with
 * K references), schedules leave-one-out over the reference bank in the background (after the image
 * queue; the worker runs the engine's loop, cancelled and restarted when the bank, prompts or model
 * change), and keeps the user's OK/NG marks. Thresholds per mode and marks survive a reload.
 */

import type { LooScore } from '../../../workers/protocol';
import { type SuggestedThresholds, suggestThresholds } from '../../core/calibration';
import { errorText, isAbortError } from '../../core/errors';
import type { Label } from '../../core/label-metrics';
import type { RecipeModel } from '../../core/recipe';
import { thresholdKey, ZERO_SHOT } from '../../core/scoring-mode';
import { currentModeKey, IDLE_LOO, type LooEntry, labelKey, patchLoo, useCalib } from '../state/calibration';
import { setupScoreOptions } from '../state/inspection-setup';
import { loadedModelOf } from '../state/loaded-model';
import type { AppState } from '../state/store';
import { DEFAULT_THRESHOLDS, notify, patchThresholds, useApp } from '../state/store';
import {
  bindToModel,
  calibrationApplies,
  carryOver,
  entryNow,
  type ModeThresholds,
  modelBasis,
  type PolicyExtras,
  promptsBasis,
  type ThresholdSource,
} from '../state/threshold-decisions';
import type { InspectedImage, Thresholds } from '../state/types';
import { EngineRestartedError } from '../worker-client/worker-client';
import { engine, engineJobs } from './engine-service';
import { idbGet, idbPutEntries, KV_STORE } from './idb';
import { describeStorageError } from './storage-errors';

const MODE_THRESHOLDS_KEY = 'modeThresholds';
const LABELS_KEY = 'labels';

let lastKey: string | null = null;
/** The mode of the last settled bank (no shot pending or encoding): where a bank change starts from. */
let settledKey: string | null = null;
let applying = false;
let run: { abort: AbortController; signature: string } | null = null;

function readyRefs(s: AppState) {
  return s.references.filter((r) => r.status === 'ready');
}

function looSignature(s: AppState): string {
  return `${modelBasis(s)}|${promptsBasis(s.prompts)}|${readyRefs(s)
    .map((r) => r.id)
    .join(',')}`;
}

/** Leave-one-out waits for a quiet engine: model and prompts ready, no image queued, no shot encoding. */
function canRun(s: AppState): boolean {
  return (
    s.engine.status === 'ready' &&
    s.model.phase === 'ready' &&
    s.promptStatus.applied &&
    !s.promptStatus.busy &&
    !s.queue.running &&
    !s.images.some((im) => im.status === 'queued' || im.status === 'processing') &&
    !s.references.some((r) => r.status === 'pending' || r.status === 'encoding')
  );
}

/** Puts the mode's stored thresholds (or the defaults) on the sliders. */
function applyMode(key: string): void {
  const e = useCalib.getState().byMode[key];
  const next: Thresholds = e ? { image: e.image, pixel: e.pixel } : { ...DEFAULT_THRESHOLDS };
  const cur = useApp.getState().thresholds;
  if (cur.image === next.image && cur.pixel === next.pixel) return;
  applying = true;
  try {
    patchThresholds(next);
  } finally {
    applying = false;
  }
}

/**
 * Sets a mode's thresholds under the current model and prompts; `awaits`: a recipe's, for its model.
 * The mode's review threshold and minimum region area stay unless `extras` gives them.
 */
export function setModeThresholds(
  key: string,
  t: Thresholds,
  source: ThresholdSource,
  awaits?: RecipeModel,
  extras?: PolicyExtras,
): void {
  const kept = extras ?? policyExtrasOf(useCalib.getState().byMode[key]);
  const now = { ...entryNow(t, source, useApp.getState()), ...kept };
  const entry: ModeThresholds = awaits ? { ...now, model: null, awaits } : now;
  useCalib.setState((s) => ({ byMode: { ...s.byMode, [key]: entry } }));
  if (key === lastKey) applyMode(key);
}

function policyExtrasOf(e: ModeThresholds | undefined): PolicyExtras {
  if (!e) return {};
  return {
    ...(e.review !== undefined ? { review: e.review } : {}),
    ...(e.minArea ? { minArea: e.minArea } : {}),
  };
}

/**
 * Sets the current mode's review threshold and minimum region area (undefined: off). Setting them is
 * setting a policy by hand: a mode without thresholds takes the sliders' as the user's own.
 */
export function setPolicyExtras(extras: PolicyExtras): void {
  const s = useApp.getState();
  const key = currentModeKey(s);
  const e = useCalib.getState().byMode[key];
  const next: PolicyExtras = { ...policyExtrasOf(e), ...extras };
  if (extras.review === undefined && 'review' in extras) delete next.review;
  if (extras.minArea === undefined && 'minArea' in extras) delete next.minArea;
  if (e) {
    const { review: _r, minArea: _m, ...base } = e;
    useCalib.setState((c) => ({ byMode: { ...c.byMode, [key]: { ...base, ...next } } }));
  } else setModeThresholds(key, s.thresholds, 'manual', undefined, next);
}

/**
 * A reopened session's thresholds for the mode it was left in, with their source; null: none was set
 * there (the mode shows the defaults, and a calibration may apply).
 */
export function restoreModeThresholds(key: string, t: Thresholds, source: ThresholdSource | null): void {
  if (source === null) {
    useCalib.setState((s) => {
      const { [key]: _, ...rest } = s.byMode;
      return { byMode: rest };
    });
    if (key === lastKey) applyMode(key);
  } else setModeThresholds(key, t, source);
}

/** Uses the reference bank's suggestion for the current mode. */
export function applyBankSuggestion(): void {
  const { loo } = useCalib.getState();
  if (!loo.suggested || !loo.modeKey) return;
  setModeThresholds(loo.modeKey, loo.suggested, 'reference-bank');
}

/** Keeps the user's thresholds over the finished calibration (the offer goes until the next run). */
export function declineBankSuggestion(): void {
  useCalib.setState({ declined: useCalib.getState().loo.signature });
}

/** Sets the current mode's image threshold from the labelled images (pixel threshold unchanged). */
export function applyLabelThreshold(image: number): void {
  const s = useApp.getState();
  setModeThresholds(currentModeKey(s), { image, pixel: s.thresholds.pixel }, 'labels');
}

function adoptSuggestion(key: string, suggested: SuggestedThresholds): void {
  // A calibrated or missing entry follows the bank; one the user set is kept, even a stale one: the
  // status line offers the suggestion.
  if (calibrationApplies(useCalib.getState().byMode[key]))
    setModeThresholds(key, suggested, 'reference-bank');
}

async function runLeaveOneOut(signature: string): Promise<void> {
  const s = useApp.getState();
  const refs = readyRefs(s).map((r) => ({ id: r.id, name: r.name }));
  const key = currentModeKey(s);
  const abort = new AbortController();
  run = { abort, signature };
  patchLoo({ status: 'running', modeKey: key, done: 0, total: refs.length, entries: [], error: null });
  try {
    // The worker runs the engine's leave-one-out loop (one job, stopped between references when the
    // run is cancelled); each reference's score is shown as it comes.
    const names = new Map(refs.map((r) => [r.id, r.name]));
    const entryOf = (r: LooScore): LooEntry => ({
      id: r.key,
      name: names.get(r.key) ?? r.key,
      imageScore: r.imageScore,
      maxPixel: r.maxPixel,
      medianPixel: r.medianPixel,
    });
    const shown: LooEntry[] = [];
    const scores = await engineJobs.run(() =>
      engine().leaveOneOut(
        abort.signal,
        refs.map((r) => r.id),
        (r, done) => {
          if (abort.signal.aborted || run?.abort !== abort) return;
          shown.push(entryOf(r));
          patchLoo({ done, entries: [...shown] });
        },
        // Don't-care areas are left out of each reference's max pixel and median.
        setupScoreOptions(),
      ),
    );
    if (abort.signal.aborted) return;
    const entries = scores.map(entryOf);
    patchLoo({ done: entries.length, entries });
    const suggested = suggestThresholds(entries);
    patchLoo({ status: 'done', suggested, signature });
    adoptSuggestion(key, suggested);
  } catch (err) {
    if (isAbortError(err) || err instanceof EngineRestartedError) {
      if (run?.abort === abort) patchLoo({ status: 'waiting' });
    } else patchLoo({ status: 'error', error: errorText(err), signature });
  } finally {
    if (run?.abort === abort) run = null;
  }
}

function cancelRun(): void {
  run?.abort.abort();
  run = null;
}

/** Starts, defers or cancels leave-one-out as the app state changes. */
function scheduleLoo(s: AppState): void {
  if (readyRefs(s).length < 2) {
    cancelRun();
    if (useCalib.getState().loo.status !== 'idle') patchLoo(IDLE_LOO);
    return;
  }
  const sig = looSignature(s);
  const loo = useCalib.getState().loo;
  if (run && (run.signature !== sig || !canRun(s))) {
    cancelRun();
    patchLoo({ status: 'waiting' });
  }
  if (run || loo.signature === sig) return;
  if (loo.status !== 'waiting') patchLoo({ status: 'waiting', entries: [], done: 0, suggested: null });
  if (canRun(s)) void runLeaveOneOut(sig);
}

/** Runs leave-one-out again (after an error, or on request). */
export function recalibrate(): void {
  cancelRun();
  patchLoo({ signature: null, status: 'waiting' });
  scheduleLoo(useApp.getState());
}

export function setLabel(im: Pick<InspectedImage, 'id' | 'name'>, label: Label | null): void {
  const k = labelKey(im);
  useCalib.setState((s) => {
    const labels = { ...s.labels };
    if (label) labels[k] = label;
    else delete labels[k];
    return { labels };
  });
}

/** Marks OK, NG, or clears (the same mark again clears it). */
export function toggleLabel(im: Pick<InspectedImage, 'id' | 'name'>, label: Label): void {
  const cur = useCalib.getState().labels[labelKey(im)];
  setLabel(im, cur === label ? null : label);
}

let saveTimer: ReturnType<typeof setTimeout> | null = null;

function scheduleSave(): void {
  if (saveTimer) clearTimeout(saveTimer);
  saveTimer = setTimeout(() => void flushCalibration(), 200);
}

/** Writes thresholds per mode and marks now (tests, page unload). */
export async function flushCalibration(): Promise<void> {
  if (saveTimer) clearTimeout(saveTimer);
  saveTimer = null;
  const { byMode, labels } = useCalib.getState();
  try {
    // One transaction: thresholds and marks are stored as they were at one moment.
    await idbPutEntries([
      [MODE_THRESHOLDS_KEY, byMode],
      [LABELS_KEY, labels],
    ]);
    saveFailed = false;
  } catch (err) {
    // Told once per run of failures; the next change writes the whole table and the marks again.
    if (!saveFailed)
      notify(
        'error',
        `Could not save thresholds and marks (${describeStorageError(err)}); the next change tries again.`,
      );
    saveFailed = true;
  }
}

let saveFailed = false;

const SOURCES: ThresholdSource[] = ['reference-bank', 'labels', 'manual', 'recipe'];

/**
 * Stored entries, checked. Older builds stored one `basis` hash of the model's display name and the
 * prompts, which cannot be taken apart: such an entry is taken as set under the current prompts and
 * becomes the next loaded model's.
 */
function validModes(v: unknown, prompts: string): Record<string, ModeThresholds> {
  const out: Record<string, ModeThresholds> = {};
  if (!v || typeof v !== 'object') return out;
  for (const [k, e] of Object.entries(v as Record<string, Partial<ModeThresholds>>)) {
    if (typeof e?.image !== 'number' || typeof e.pixel !== 'number') continue;
    const source = e.source && SOURCES.includes(e.source) ? e.source : 'manual';
    const entry: ModeThresholds = { image: e.image, pixel: e.pixel, source, model: null, prompts };
    if (typeof e.review === 'number' && Number.isFinite(e.review)) entry.review = e.review;
    const a = e.minArea;
    if (a && typeof a.value === 'number' && a.value >= 0 && (a.unit === 'px' || a.unit === '%'))
      entry.minArea = { value: a.value, unit: a.unit };
    if (typeof e.prompts === 'string') {
      entry.prompts = e.prompts;
      entry.model = typeof e.model === 'string' ? e.model : null;
      if (e.awaits && typeof e.awaits === 'object') entry.awaits = e.awaits;
    }
    out[k] = entry;
  }
  return out;
}

function bankSettled(s: AppState): boolean {
  return !s.references.some((r) => r.status === 'pending' || r.status === 'encoding');
}

/** A model became ready: unbound thresholds (and a recipe's, for its model) become its own. */
function bindThresholds(s: AppState): void {
  const identity = modelBasis(s);
  if (identity === null) return;
  const { byMode } = useCalib.getState();
  const next = bindToModel(byMode, identity, loadedModelOf(s));
  if (next !== byMode) useCalib.setState({ byMode: next });
}

/** The bank settled in another few-shot K: the user's threshold goes along (see carryOver). */
function followBank(s: AppState, key: string): boolean {
  if (!bankSettled(s)) return false;
  const from = settledKey;
  settledKey = key;
  const next = from === null ? null : carryOver(useCalib.getState().byMode, from, key);
  if (next) useCalib.setState({ byMode: next });
  return next !== null;
}

function validLabels(v: unknown): Record<string, Label> {
  const out: Record<string, Label> = {};
  if (!v || typeof v !== 'object') return out;
  for (const [k, l] of Object.entries(v as Record<string, unknown>)) if (l === 'OK' || l === 'NG') out[k] = l;
  return out;
}

/** Reads saved thresholds and marks, then follows the app state. Call once, after hydration. */
export async function startCalibration(): Promise<void> {
  const [modes, labels] = await Promise.all([
    idbGet<unknown>(KV_STORE, MODE_THRESHOLDS_KEY).catch(() => undefined),
    idbGet<unknown>(KV_STORE, LABELS_KEY).catch(() => undefined),
  ]);
  const s0 = useApp.getState();
  const byMode = validModes(modes, promptsBasis(s0.prompts));
  // Thresholds saved before they belonged to a mode were zero-shot ones.
  if (Object.keys(byMode).length === 0 && modes === undefined) {
    const t = s0.thresholds;
    if (t.image !== DEFAULT_THRESHOLDS.image || t.pixel !== DEFAULT_THRESHOLDS.pixel)
      byMode[thresholdKey(ZERO_SHOT)] = entryNow(t, 'manual', s0);
  }
  useCalib.setState({ byMode, labels: validLabels(labels) });
  useCalib.subscribe((c, prev) => {
    if (c.byMode !== prev.byMode || c.labels !== prev.labels) scheduleSave();
  });
  lastKey = currentModeKey(s0);
  settledKey = bankSettled(s0) ? lastKey : null;
  bindThresholds(s0);
  applyMode(lastKey);
  useApp.subscribe((s, prev) => {
    if (modelBasis(s) !== modelBasis(prev)) bindThresholds(s);
    const key = currentModeKey(s);
    const carried = followBank(s, key);
    if (key !== lastKey || carried) {
      lastKey = key;
      applyMode(key);
    } else if (s.thresholds !== prev.thresholds && !applying) {
      setModeThresholds(key, s.thresholds, 'manual');
    }
    scheduleLoo(s);
  });
  scheduleLoo(useApp.getState());
}
