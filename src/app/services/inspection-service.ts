/**
 * The image queue: images are added (non-images refused up front), then inspected one at a time in the
 * worker (decode, encode, score); the queue can be cancelled; every scored image can be re-scored from
 * its cached features when prompts or the reference bank change.
 */

import { errorText, isAbortError } from '../../core/errors';
import { imageProblem } from '../../io/image-precheck';
import { applyScores, notify, patchQueue, updateImage, useApp } from '../state/store';
import type { ImageScore, InspectedImage } from '../state/types';
import { EngineRestartedError } from '../worker-client/worker-client';
import { engine, engineJobs, refreshStats } from './engine-service';
import { workerHasModel } from './model-presence';

/** Longest side of gallery thumbnails (device pixels). */
export const THUMB_SIDE = 360;

let queueAbort: AbortController | null = null;
let pumping = false;

function newId(): string {
  return crypto.randomUUID();
}

/**
 * Refuses files that cannot be inspected (by content, not name: empty, not an image, refused format,
 * too many pixels, cut short): returns a one-line message or null.
 */
export async function notAnImage(file: File): Promise<string | null> {
  return imageProblem(file, file.name || 'the pasted image');
}

function ready(): boolean {
  const s = useApp.getState();
  // After a restart the phase still says ready until the restore reloads: ask whether this worker has it.
  return (
    s.model.phase === 'ready' && s.promptStatus.applied && s.engine.status !== 'failed' && workerHasModel()
  );
}

/** Adds files to the queue; non-images are reported and skipped. Returns how many were added. */
export async function addImages(files: File[]): Promise<number> {
  const accepted: InspectedImage[] = [];
  const refused: string[] = [];
  const t = Date.now();
  for (const [i, file] of files.entries()) {
    const problem = await notAnImage(file);
    if (problem) {
      refused.push(problem);
      continue;
    }
    accepted.push({
      id: newId(),
      name: file.name || `pasted-${t}-${i}.png`,
      file,
      addedAt: t + i,
      status: 'queued',
      error: null,
      width: null,
      height: null,
      tiles: null,
      thumb: null,
      result: null,
      encodeMs: null,
    });
  }
  for (const msg of refused) notify('error', msg);
  if (accepted.length === 0) return 0;
  useApp.setState((s) => ({ images: [...s.images, ...accepted] }));
  const q = useApp.getState().queue;
  patchQueue(
    q.running ? { total: q.total + accepted.length } : { running: true, done: 0, total: accepted.length },
  );
  void pump();
  return accepted.length;
}

async function inspectOne(image: InspectedImage, signal: AbortSignal): Promise<void> {
  updateImage(image.id, { status: 'processing', error: null });
  patchQueue({ current: image.name });
  try {
    const r = await engineJobs.run(() => engine().inspect(signal, image.id, image.file, THUMB_SIDE));
    if (!useApp.getState().images.some((im) => im.id === image.id)) {
      // Removed while running: drop its features too.
      void engine()
        .forget(image.id)
        .catch(() => undefined);
      return;
    }
    const result: ImageScore = {
      score: r.score,
      mode: r.mode,
      mapMin: r.mapMin,
      mapMax: r.mapMax,
      thumbMap: r.thumbMap,
    };
    updateImage(image.id, {
      status: 'done',
      width: r.width,
      height: r.height,
      tiles: r.tiles,
      thumb: r.thumb,
      result,
      encodeMs: r.encodeMs,
    });
  } catch (err) {
    if (isAbortError(err)) updateImage(image.id, { status: 'cancelled' });
    else if (err instanceof EngineRestartedError) updateImage(image.id, { status: 'queued' });
    else updateImage(image.id, { status: 'error', error: errorText(err) });
    if (err instanceof EngineRestartedError) throw err;
  } finally {
    patchQueue((q) => ({ done: Math.min(q.total, q.done + 1), current: null }));
  }
}

/** Works through queued images while the engine is ready. */
export async function pump(): Promise<void> {
  if (pumping) return;
  pumping = true;
  queueAbort = new AbortController();
  const { signal } = queueAbort;
  try {
    while (ready() && !signal.aborted) {
      const next = useApp.getState().images.find((im) => im.status === 'queued');
      if (!next) break;
      await inspectOne(next, signal);
    }
  } catch (err) {
    if (!(err instanceof EngineRestartedError)) throw err;
  } finally {
    pumping = false;
    const left = useApp.getState().images.some((im) => im.status === 'queued');
    if (!left) patchQueue({ running: false, current: null });
    // Images added while a cancelled run was winding down still need a run.
    else if (ready()) setTimeout(() => void pump(), 0);
    void refreshStats();
  }
}

/** Stops the queue: the running image is cancelled and waiting ones are marked cancelled. */
export function cancelQueue(): void {
  queueAbort?.abort();
  useApp.setState((s) => ({
    images: s.images.map((im) => (im.status === 'queued' ? { ...im, status: 'cancelled' } : im)),
  }));
  patchQueue({ running: false, current: null });
}

/** Puts cancelled and failed images back in the queue. */
export function retryImages(ids?: string[]): void {
  const pick = (im: InspectedImage) =>
    (ids ? ids.includes(im.id) : true) && (im.status === 'cancelled' || im.status === 'error');
  const n = useApp.getState().images.filter(pick).length;
  if (n === 0) return;
  useApp.setState((s) => ({
    images: s.images.map((im) => (pick(im) ? { ...im, status: 'queued', error: null } : im)),
  }));
  patchQueue({ running: true, done: 0, total: n });
  void pump();
}

/**
 * After a model (re)load every image must be encoded again by the new worker. On a restore the old
 * scores stay on screen meanwhile (same model, same prompts); after a model change they are cleared.
 */
export function requeueAll(opts: { keepResults: boolean }): void {
  const images = useApp.getState().images.filter((im) => im.status !== 'error' || im.result);
  useApp.setState((s) => ({
    images: s.images.map((im) =>
      im.status === 'error' && !im.result
        ? im
        : { ...im, status: 'queued', result: opts.keepResults ? im.result : null },
    ),
  }));
  if (images.length > 0) patchQueue({ running: true, done: 0, total: images.length });
  void pump();
}

/** Re-scores every scored image from its cached features (no image encoder run). */
export async function rescoreAll(signal?: AbortSignal): Promise<{ ms: number; count: number }> {
  const ids = useApp
    .getState()
    .images.filter((im) => im.status === 'done')
    .map((im) => im.id);
  if (ids.length === 0) return { ms: 0, count: 0 };
  const r = await engineJobs.run(() => engine().rescore(signal, ids));
  const scores = new Map<string, ImageScore>();
  for (const s of r.results) {
    scores.set(s.key, {
      score: s.score,
      mode: s.mode,
      mapMin: s.mapMin,
      mapMax: s.mapMax,
      thumbMap: s.thumbMap,
    });
  }
  applyScores(scores);
  return { ms: r.ms, count: r.results.length };
}

export function removeImages(ids: string[]): void {
  const set = new Set(ids);
  const removed = useApp.getState().images.filter((im) => set.has(im.id));
  useApp.setState((s) => {
    const images = s.images.filter((im) => !set.has(im.id));
    const selectedGone = s.ui.selectedId !== null && set.has(s.ui.selectedId);
    return {
      images,
      ui: selectedGone ? { ...s.ui, selectedId: null, detailOpen: false } : s.ui,
    };
  });
  for (const im of removed) {
    im.thumb?.close();
    if (im.status === 'done')
      void engine()
        .forget(im.id)
        .catch(() => undefined);
  }
}

export function clearImages(): void {
  cancelQueue();
  removeImages(useApp.getState().images.map((im) => im.id));
}
