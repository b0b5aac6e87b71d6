/**
 * The lot mode's side of the queue (MuSc): each gallery image joins the worker's lot (its tokens, then
 * only its pairs with the images already there), and the whole lot is scored again, since every
 * image's score is relative to the others. Below the lot's minimum the images wait without a score.
 * The inspection setup goes with every call: the worker crops each image to the ROI before it joins
 * the lot (as the CLI's `--method musc --roi`), and reads the maps without the don't-care areas.
 */
import type { LotSummary } from '../../../workers/protocol';
import { useInspectionSetup } from '../state/inspection-setup';
import { applyScores, patchLot, updateImage, useApp } from '../state/store';
import type { ImageScore, InspectedImage } from '../state/types';
import { engine, engineJobs } from './engine-service';
import { noteScored } from './stored-meta';

/** Scores as the gallery keeps them; images the lot does not hold keep theirs. */
function lotScores(s: Extract<LotSummary, { ready: true }>): Map<string, ImageScore> {
  const out = new Map<string, ImageScore>();
  for (const r of s.images)
    out.set(r.key, {
      score: r.score,
      lotScore: r.lotScore,
      mode: r.mode,
      bank: r.bank,
      mapMin: r.mapMin,
      mapMax: r.mapMax,
      thumbMap: r.thumbMap,
    });
  return out;
}

/** Asks the worker for every lot image's score and shows them (or how many more images are needed). */
export async function refreshLot(signal?: AbortSignal): Promise<{ ms: number; count: number }> {
  const t0 = performance.now();
  const setup = useInspectionSetup.getState().setup;
  const s = await engineJobs.run(() => engine().lotScores(signal, { setup }));
  if (s.ready) {
    patchLot({ n: s.n, need: s.need, more: 0, ready: true });
    applyScores(lotScores(s));
    return { ms: performance.now() - t0, count: s.images.length };
  }
  patchLot({ n: s.n, need: s.need, more: s.more, ready: false });
  // A lot too small has no scores: none of the earlier ones still holds.
  useApp.setState((st) => ({
    images: st.images.map((im) => (im.result?.mode === 'lot' ? { ...im, result: null } : im)),
  }));
  return { ms: performance.now() - t0, count: 0 };
}

/** Adds one queued image to the lot and re-scores the lot. */
export async function addToLot(image: InspectedImage, signal: AbortSignal, thumbSide: number): Promise<void> {
  const setup = useInspectionSetup.getState().setup;
  const r = await engineJobs.run(() => engine().lotAdd(signal, image.id, image.file, thumbSide, { setup }));
  // A lot's scores depend on neither prompts nor references.
  noteScored(image.id, r, null);
  if (!useApp.getState().settings.lotMode) {
    // Lot mode was switched off meanwhile (the lot is dropped): scored the usual way on its next turn.
    r.thumb.close();
    updateImage(image.id, { status: 'queued' });
    return;
  }
  if (!useApp.getState().images.some((im) => im.id === image.id)) {
    // Removed while it was being added.
    r.thumb.close();
    await removeFromLot([image.id]);
    return;
  }
  updateImage(image.id, {
    status: 'done',
    width: r.width,
    height: r.height,
    tiles: 1,
    thumb: r.thumb,
    result: null,
    encodeMs: r.encodeMs,
  });
  await refreshLot(signal);
}

/** Drops images from the lot; the rest is scored again. */
export async function removeFromLot(ids: string[]): Promise<void> {
  const n = await engineJobs.run(() => engine().lotRemove(ids));
  if (n > 0) await refreshLot();
}

/** Empties the worker's lot (before the gallery is added to it again, or when leaving lot mode). */
export function clearLot(): Promise<void> {
  patchLot({ n: 0, ready: false });
  return engineJobs.run(() => engine().lotClear());
}
