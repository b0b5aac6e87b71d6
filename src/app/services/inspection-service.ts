/**
 * The image queue: images are added (non-images refused up front), then inspected one at a time in the
 * worker (encode, score), visible cards first; the next image is decoded and pre-processed in the
 * pre-processing worker meanwhile (image-prefetch). The queue can be cancelled; every scored image can
 * be re-scored from its cached features when prompts or the reference bank change.
 */

import { errorText, isAbortError } from '../../core/errors';
import type { PreprocessConfig } from '../../core/preprocess';
import { nextQueued, queuedOrder } from '../../core/queue-order';
import { imageProblem } from '../../io/image-precheck';
import { isCardVisible } from '../state/card-visibility';
import { setupScoreOptions } from '../state/inspection-setup';
import { patchSessions, useSessions } from '../state/session-store';
import { applyScores, notify, patchQueue, updateImage, useApp } from '../state/store';
import { type ImageScore, type InspectedImage, queuedImage } from '../state/types';
import { handOver } from '../worker-client/prep-client';
import { EngineRestartedError } from '../worker-client/worker-client';
import { engine, engineJobs, refreshStats } from './engine-service';
import { dropPrefetched, PREFETCH_DEPTH, prefetch, prefetchEnabled, takePrepared } from './image-prefetch';
import { addToLot, clearLot, refreshLot, removeFromLot } from './lot-service';
import { workerHasModel } from './model-presence';
import { noteRescored, noteScored, scoringBasis } from './stored-meta';

/** Longest side of gallery thumbnails (device pixels). */
const THUMB_SIDE = 360;

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
  // While a prompt edit waits to be embedded, an image scored now would carry the old prompts under the
  // new ones' basis (and could miss the re-score that follows): the queue waits for the edit instead.
  return (
    s.model.phase === 'ready' &&
    s.promptStatus.applied &&
    !s.promptStatus.busy &&
    s.engine.status !== 'failed' &&
    workerHasModel()
  );
}

/** A file and the path it had under the folder it was picked or dropped with ('' or its name if none). */
export interface ImageEntry {
  file: File;
  path: string;
}

/** Relative path of a file picked with a folder input (webkitRelativePath), else its name. */
function pathOf(file: File): string {
  return (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name;
}

/** Adds files to the queue; non-images are reported and skipped. Returns how many were added. */
export async function addImages(files: File[]): Promise<number> {
  return addImageEntries(files.map((file) => ({ file, path: pathOf(file) })));
}

/**
 * Adds files with their relative paths (a dropped or picked folder): the path is the image's name, so
 * `good/000.png` and `bad/000.png` stay distinct in the gallery and in exports.
 */
export async function addImageEntries(entries: ImageEntry[]): Promise<number> {
  const accepted: InspectedImage[] = [];
  const refused: string[] = [];
  const t = Date.now();
  for (const [i, { file, path }] of entries.entries()) {
    const problem = await notAnImage(file);
    if (problem) {
      refused.push(path && path !== file.name ? problem.replace(file.name, path) : problem);
      continue;
    }
    accepted.push(queuedImage(newId(), path || file.name || `pasted-${t}-${i}.png`, file, t + i));
  }
  for (const msg of refused.slice(0, 5)) notify('error', msg);
  if (refused.length > 5)
    notify('error', `${refused.length - 5} more files were not images and were skipped.`);
  if (accepted.length === 0) return 0;
  useApp.setState((s) => ({ images: [...s.images, ...accepted] }));
  const q = useApp.getState().queue;
  patchQueue(
    q.running ? { total: q.total + accepted.length } : { running: true, done: 0, total: accepted.length },
  );
  void pump();
  return accepted.length;
}

/** The loaded model's pre-processing, asked once per model (requeueAll forgets it). */
let prepConfigAsked: Promise<PreprocessConfig | null> | null = null;

/** The loaded model's pre-processing when images are prepared off the engine's thread, else null. */
async function prepConfig(): Promise<PreprocessConfig | null> {
  if (!prefetchEnabled()) return null;
  prepConfigAsked ??= engine()
    .preprocessConfig()
    .catch(() => null);
  const config = await prepConfigAsked;
  // None loaded yet (or the call failed): ask again next time. A stale one only costs a decode in the
  // engine worker, which checks every prepared image against its model's pre-processing.
  if (!config) prepConfigAsked = null;
  return config;
}

/** Inspects one image: prepared by the pre-processing worker when it can be, while the next one is prepared. */
async function inspectRun(image: InspectedImage, signal: AbortSignal) {
  const config = await prepConfig();
  const prepared = config ? await takePrepared(image, config, THUMB_SIDE) : null;
  // From now until this image is scored, the pre-processing worker works on the next one.
  if (config)
    prefetch(queuedOrder(useApp.getState().images, isCardVisible, PREFETCH_DEPTH), config, THUMB_SIDE);
  if (signal.aborted) prepared?.thumb.close();
  const options = setupScoreOptions();
  return engineJobs.run(() =>
    prepared
      ? engine().inspectPrepared(signal, image.id, image.file, handOver(prepared), THUMB_SIDE, options)
      : engine().inspectStored(signal, image.id, image.file, THUMB_SIDE, options),
  );
}

async function inspectOne(image: InspectedImage, signal: AbortSignal): Promise<void> {
  updateImage(image.id, { status: 'processing', error: null, firstScore: null });
  const basis = scoringBasis(useApp.getState());
  patchQueue({ current: image.name });
  try {
    if (useApp.getState().settings.lotMode) return await addToLot(image, signal, THUMB_SIDE);
    const r = await inspectRun(image, signal);
    if (useApp.getState().settings.lotMode) {
      // Lot mode was switched on meanwhile: this image joins the lot on its next turn.
      r.thumb.close();
      updateImage(image.id, { status: 'queued' });
      return;
    }
    noteScored(image.id, r, basis);
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
      bank: r.bank,
      mapMin: r.mapMin,
      mapMax: r.mapMax,
      thumbMap: r.thumbMap,
    };
    updateImage(image.id, {
      status: 'done',
      // The frame's size (with an ROI the map's is the ROI's): the detail view and cards show the frame.
      width: r.frame?.width ?? r.width,
      height: r.frame?.height ?? r.height,
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
    if (!useSessions.getState().run)
      patchSessions({ run: { startedAt: performance.now(), doneAtStart: useApp.getState().queue.done } });
    while (ready() && !signal.aborted && !useSessions.getState().paused) {
      const next = nextQueued(useApp.getState().images, isCardVisible);
      if (!next) break;
      await inspectOne(next, signal);
    }
  } catch (err) {
    if (!(err instanceof EngineRestartedError)) throw err;
  } finally {
    pumping = false;
    const left = useApp.getState().images.some((im) => im.status === 'queued');
    if (!left) {
      patchQueue({ running: false, current: null });
      patchSessions({ run: null });
    }
    // Images added while a cancelled run was winding down still need a run.
    else if (ready() && !useSessions.getState().paused) setTimeout(() => void pump(), 0);
    void refreshStats();
  }
}

/** Stops the queue: the running image is cancelled and waiting ones are marked cancelled. */
export function cancelQueue(): void {
  queueAbort?.abort();
  dropPrefetched();
  useApp.setState((s) => ({
    images: s.images.map((im) => (im.status === 'queued' ? { ...im, status: 'cancelled' } : im)),
  }));
  patchQueue({ running: false, current: null });
  patchSessions({ run: null, paused: false });
}

/** Pauses the queue after the image being scored; `resumeQueue` carries on where it stopped. */
export function pauseQueue(): void {
  patchSessions({ paused: true, run: null });
}

export function resumeQueue(): void {
  patchSessions({ paused: false, run: null });
  void pump();
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
 * scores stay on screen meanwhile (same model, same prompts), and so do those of `shown` (stored
 * results of this model, read again); after a model change they are cleared.
 */
export function requeueAll(opts: { keepResults: boolean; skip?: Set<string>; shown?: Set<string> }): void {
  // A lot is scored as a whole: every image joins it again (its tokens come from the feature store).
  const lot = useApp.getState().settings.lotMode;
  if (lot) void clearLot().catch(() => undefined);
  const keep = (im: InspectedImage) =>
    (im.status === 'error' && !im.result) || (!lot && opts.skip?.has(im.id) === true);
  const images = useApp.getState().images.filter((im) => !keep(im));
  // A new model may pre-process differently: nothing prepared for the old one is kept.
  dropPrefetched();
  prepConfigAsked = null;
  useApp.setState((s) => ({
    images: s.images.map((im) =>
      keep(im)
        ? im
        : { ...im, status: 'queued', result: opts.keepResults || opts.shown?.has(im.id) ? im.result : null },
    ),
  }));
  if (images.length > 0) patchQueue({ running: true, done: 0, total: images.length });
  void pump();
}

/** Re-scores every scored image from its cached features (no image encoder run). */
export async function rescoreAll(signal?: AbortSignal): Promise<{ ms: number; count: number }> {
  // Lot scores depend on neither prompts nor references.
  if (useApp.getState().settings.lotMode) return refreshLot(signal);
  const ids = useApp
    .getState()
    .images.filter((im) => im.status === 'done')
    .map((im) => im.id);
  if (ids.length === 0) return { ms: 0, count: 0 };
  const basis = scoringBasis(useApp.getState());
  const r = await engineJobs.run(() => engine().rescore(signal, ids, setupScoreOptions()));
  const scores = new Map<string, ImageScore>();
  for (const s of r.results) {
    scores.set(s.key, {
      score: s.score,
      mode: s.mode,
      bank: s.bank,
      mapMin: s.mapMin,
      mapMax: s.mapMax,
      thumbMap: s.thumbMap,
    });
  }
  noteRescored(scores.keys(), basis);
  applyScores(scores);
  return { ms: r.ms, count: r.results.length };
}

export function removeImages(ids: string[]): void {
  const set = new Set(ids);
  const removed = useApp.getState().images.filter((im) => set.has(im.id));
  dropPrefetched(set);
  useApp.setState((s) => {
    const images = s.images.filter((im) => !set.has(im.id));
    const selectedGone = s.ui.selectedId !== null && set.has(s.ui.selectedId);
    return {
      images,
      ui: selectedGone ? { ...s.ui, selectedId: null, detailOpen: false } : s.ui,
    };
  });
  if (useApp.getState().settings.lotMode)
    void removeFromLot(removed.map((im) => im.id)).catch(() => undefined);
  for (const im of removed) {
    im.thumb?.close();
    if (im.status === 'done')
      void engine()
        .forget(im.id)
        .catch(() => undefined);
  }
}
