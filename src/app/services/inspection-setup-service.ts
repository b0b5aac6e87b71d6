/**
 * Applying the inspection region and don't-care areas: a new ROI changes what is encoded, so the
 * reference bank is encoded again (cropped by the same ROI) and every gallery image is scored again
 * from its file; don't-care areas alone only change how maps are read, so the gallery is re-scored
 * from its features. The setup is saved (it survives a reload) and travels with the session.
 */
import { errorText } from '../../core/errors';
import type { InspectionSetup } from '../../core/inspection-region';
import { parseInspectionSetup } from '../../core/inspection-setup-format';
import { sameRoi, sameSetup } from '../../core/region-editing';
import { useInspectionSetup, WHOLE_IMAGE } from '../state/inspection-setup';
import { notify, useApp } from '../state/store';
import { engine, engineJobs } from './engine-service';
import { idbGet, idbPut, KV_STORE } from './idb';
import { requeueAll, rescoreAll } from './inspection-service';
import { workerHasModel } from './model-presence';
import { encodeAllReferences } from './reference-service';

const STORE_KEY = 'inspection';
let saving: Promise<void> = Promise.resolve();

/** Reads the saved setup; a damaged one is reported and the whole image is inspected. */
export async function hydrateInspectionSetup(): Promise<void> {
  const stored = await idbGet<Record<string, unknown>>(KV_STORE, STORE_KEY).catch(() => undefined);
  if (!stored) return;
  const parsed = parseInspectionSetup(stored, 'saved inspection region: ');
  if (parsed.ok) useInspectionSetup.setState({ setup: parsed.setup });
  else notify('error', `${parsed.message}; the whole image is inspected.`);
}

function save(setup: InspectionSetup): void {
  const write = () =>
    idbPut(KV_STORE, setup, STORE_KEY).catch((err: unknown) =>
      notify('error', `The inspection region could not be saved (${errorText(err)}).`),
    );
  saving = saving.then(write, write);
}

/** Resolves when the last setup change is written (tests, page unload). */
export function flushInspectionSetup(): Promise<void> {
  return saving;
}

function modelReady(): boolean {
  const s = useApp.getState();
  return s.model.phase === 'ready' && s.promptStatus.applied && workerHasModel();
}

/** Puts a setup in place (a session opened, a recipe read) without scoring: the caller re-scores. */
export function putInspectionSetup(setup: InspectionSetup | undefined): void {
  const next = setup ?? WHOLE_IMAGE;
  if (sameSetup(useInspectionSetup.getState().setup, next)) return;
  useInspectionSetup.setState({ setup: next });
  save(next);
}

/**
 * Makes `next` the setup and scores the gallery with it: a changed ROI re-encodes the references and
 * every image (their features were the old crop's), changed areas alone re-score from features.
 */
export async function applyInspectionSetup(next: InspectionSetup): Promise<void> {
  const prev = useInspectionSetup.getState().setup;
  if (sameSetup(prev, next)) return;
  putInspectionSetup(next);
  if (!modelReady()) return;
  useInspectionSetup.setState({ applying: true });
  try {
    if (sameRoi(prev, next)) {
      await rescoreAll();
      return;
    }
    await engineJobs.run(() => engine().clearReferences());
    await encodeAllReferences({ rescore: false });
    const done = useApp.getState().images.filter((im) => im.result !== null || im.status === 'done');
    // The worker holds each image's features under its id: forgotten, so the new crop is encoded.
    await Promise.all(done.map((im) => engine().forget(im.id)));
    // Images the old ROI did not fit (or that failed) are tried again with the new one.
    useApp.setState((s) => ({
      images: s.images.map((im) => (im.status === 'error' ? { ...im, status: 'queued', error: null } : im)),
    }));
    requeueAll({ keepResults: false });
  } catch (err) {
    notify('error', `The inspection region was saved but scoring with it failed: ${errorText(err)}`);
  } finally {
    useInspectionSetup.setState({ applying: false });
  }
}
