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
import { thresholdKey, ZERO_SHOT } from '../../core/scoring-mode';
import {
  basisOf,
  currentModeKey,
  IDLE_LOO,
  type LooEntry,
  labelKey,
  type ModeThresholds,
  patchLoo,
  type ThresholdSource,
  useCalib,
} from '../state/calibration';
import type { AppState } from '../state/store';
import { DEFAULT_THRESHOLDS, patchThresholds, useApp } from '../state/store';
import type { InspectedImage, Thresholds } from '../state/types';
import { EngineRestartedError } from '../worker-client/worker-client';
import { engine, engineJobs } from './engine-service';
import { idbGet, idbPut, KV_STORE } from './idb';

const MODE_THRESHOLDS_KEY = 'modeThresholds';
const LABELS_KEY = 'labels';

let lastKey: string | null = null;
let applying = false;
let run: { abort: AbortController; signature: string } | null = null;

function readyRefs(s: AppState) {
  return s.references.filter((r) => r.status === 'ready');
}

function looSignature(s: AppState): string {
  return `${basisOf(s)}|${readyRefs(s)
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

export function setModeThresholds(
  key: string,
  t: Thresholds,
  source: ThresholdSource,
  basis = basisOf(useApp.getState()),
): void {
  const entry: ModeThresholds = { image: t.image, pixel: t.pixel, source, basis };
  useCalib.setState((s) => ({ byMode: { ...s.byMode, [key]: entry } }));
  if (key === lastKey) applyMode(key);
}

/** Uses the reference bank's suggestion for the current mode. */
export function applyBankSuggestion(): void {
  const { loo } = useCalib.getState();
  if (!loo.suggested || !loo.modeKey) return;
  setModeThresholds(loo.modeKey, loo.suggested, 'reference-bank');
}

/** Sets the current mode's image threshold from the labelled images (pixel threshold unchanged). */
export function applyLabelThreshold(image: number): void {
  const s = useApp.getState();
  setModeThresholds(currentModeKey(s), { image, pixel: s.thresholds.pixel }, 'labels');
}

function adoptSuggestion(key: string, suggested: SuggestedThresholds): void {
  const e = useCalib.getState().byMode[key];
  // A calibrated or missing entry follows the bank; one the user set is kept (the panel offers the
  // suggestion) unless it was set under other prompts or another model.
  if (!e || e.source === 'reference-bank' || e.basis !== basisOf(useApp.getState())) {
    setModeThresholds(key, suggested, 'reference-bank');
  }
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
  await Promise.all([
    idbPut(KV_STORE, byMode, MODE_THRESHOLDS_KEY),
    idbPut(KV_STORE, labels, LABELS_KEY),
  ]).catch(() => undefined);
}

function validModes(v: unknown): Record<string, ModeThresholds> {
  const out: Record<string, ModeThresholds> = {};
  if (!v || typeof v !== 'object') return out;
  for (const [k, e] of Object.entries(v as Record<string, Partial<ModeThresholds>>)) {
    if (typeof e?.image === 'number' && typeof e.pixel === 'number' && typeof e.basis === 'string')
      out[k] = { image: e.image, pixel: e.pixel, basis: e.basis, source: e.source ?? 'manual' };
  }
  return out;
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
  const byMode = validModes(modes);
  const s0 = useApp.getState();
  // Thresholds saved before they belonged to a mode were zero-shot ones.
  if (Object.keys(byMode).length === 0 && modes === undefined) {
    const t = s0.thresholds;
    if (t.image !== DEFAULT_THRESHOLDS.image || t.pixel !== DEFAULT_THRESHOLDS.pixel)
      byMode[thresholdKey(ZERO_SHOT)] = { ...t, source: 'manual', basis: basisOf(s0) };
  }
  useCalib.setState({ byMode, labels: validLabels(labels) });
  useCalib.subscribe((c, prev) => {
    if (c.byMode !== prev.byMode || c.labels !== prev.labels) scheduleSave();
  });
  lastKey = currentModeKey(s0);
  applyMode(lastKey);
  useApp.subscribe((s, prev) => {
    const key = currentModeKey(s);
    if (key !== lastKey) {
      lastKey = key;
      applyMode(key);
    } else if (s.thresholds !== prev.thresholds && !applying) {
      setModeThresholds(key, s.thresholds, 'manual');
    }
    scheduleLoo(s);
  });
  scheduleLoo(useApp.getState());
}
