/**
 * The few-shot reference bank: normal shots are stored (IndexedDB), encoded into the engine's bank
 * once a model is ready, and every change re-scores all images from their cached features.
 * An empty bank means zero-shot (WinCLIP); one or more ready shots mean few-shot (WinCLIP+).
 */

import { errorText, isAbortError } from '../../core/errors';
import { useInspectionSetup } from '../state/inspection-setup';
import { notify, updateReference, useApp } from '../state/store';
import type { ReferenceShot } from '../state/types';
import { EngineRestartedError } from '../worker-client/worker-client';
import { engine, engineJobs, refreshStats } from './engine-service';
import { notAnImage, rescoreAll } from './inspection-service';
import { workerHasModel } from './model-presence';
import { deleteAllReferences, deleteReference, saveReferences } from './persistence';
import { referenceCrop } from './reference-roi';
import { makeThumbnail } from './thumbs';

const REF_THUMB_SIDE = 200;
let encoding = false;

function modelReady(): boolean {
  const s = useApp.getState();
  return s.model.phase === 'ready' && s.promptStatus.applied && workerHasModel();
}

async function rescoreAfterBankChange(): Promise<void> {
  try {
    await rescoreAll();
  } catch (err) {
    if (!isAbortError(err) && !(err instanceof EngineRestartedError)) {
      notify('error', `Re-scoring failed: ${errorText(err)}`);
    }
  }
  void refreshStats();
}

/** Shots of these files, pending; files that are not images are reported and skipped. */
async function shotsOf(files: File[]): Promise<ReferenceShot[]> {
  const t = Date.now();
  const added: ReferenceShot[] = [];
  for (const [i, file] of files.entries()) {
    const problem = await notAnImage(file);
    if (problem) {
      notify('error', problem);
      continue;
    }
    const shot: ReferenceShot = {
      id: crypto.randomUUID(),
      name: file.name || `reference-${t}-${i}.png`,
      blob: file,
      addedAt: t + i,
      status: 'pending',
      error: null,
      thumb: null,
      width: null,
      height: null,
    };
    added.push(shot);
  }
  return added;
}

/** Adds shots to the bank (persisted); encodes them now if a model is ready. */
export async function addReferences(files: File[]): Promise<void> {
  const added = await shotsOf(files);
  if (added.length === 0) return;
  useApp.setState((s) => ({ references: [...s.references, ...added] }));
  await saveReferences(added);
  await Promise.all(added.map(loadThumb));
  await encodePending();
}

/** Shots restored from storage: thumbnails now, encoding when a model is ready. */
export async function restoreReferences(shots: ReferenceShot[]): Promise<void> {
  useApp.setState({ references: shots });
  await Promise.all(shots.map(loadThumb));
}

async function loadThumb(shot: ReferenceShot): Promise<void> {
  try {
    const thumb = await makeThumbnail(shot.blob, shot.name, REF_THUMB_SIDE);
    updateReference(shot.id, { thumb });
  } catch (err) {
    updateReference(shot.id, { status: 'error', error: errorText(err) });
    notify('error', errorText(err));
  }
}

/** Encodes every pending shot into the engine's bank, then re-scores once (unless `rescore` is false). */
async function encodePending(rescore = true): Promise<void> {
  if (encoding || !modelReady()) return;
  encoding = true;
  let changed = false;
  try {
    for (;;) {
      const shot = useApp.getState().references.find((r) => r.status === 'pending');
      if (!shot || !modelReady()) break;
      updateReference(shot.id, { status: 'encoding' });
      try {
        const crop = await referenceCrop(shot.blob, useInspectionSetup.getState().setup.roi);
        const r = await engineJobs.run(() =>
          engine().addReferenceStored(undefined, shot.id, shot.blob, crop.roi),
        );
        if (crop.note) notify('info', `Reference ${shot.name}: ${crop.note}.`, 8_000);
        if (useApp.getState().references.some((x) => x.id === shot.id)) {
          updateReference(shot.id, { status: 'ready', width: r.width, height: r.height });
          changed = true;
        } else {
          await engineJobs.run(() => engine().removeReference(shot.id));
        }
      } catch (err) {
        if (err instanceof EngineRestartedError) {
          updateReference(shot.id, { status: 'pending' });
          return;
        }
        const message = errorText(err);
        updateReference(shot.id, { status: 'error', error: message });
        notify('error', message);
      }
    }
  } finally {
    encoding = false;
  }
  if (changed && rescore) await rescoreAfterBankChange();
}

/** After a model (re)load the engine's bank is empty: encode every shot again. */
export async function encodeAllReferences(opts: { rescore?: boolean } = {}): Promise<void> {
  useApp.setState((s) => ({
    references: s.references.map((r) => (r.status === 'error' ? r : { ...r, status: 'pending' })),
  }));
  await encodePending(opts.rescore ?? true);
}

export async function removeReference(id: string): Promise<void> {
  const shot = useApp.getState().references.find((r) => r.id === id);
  if (!shot) return;
  useApp.setState((s) => ({ references: s.references.filter((r) => r.id !== id) }));
  shot.thumb?.close();
  await deleteReference(id);
  if (shot.status === 'ready' && modelReady()) {
    await engineJobs.run(() => engine().removeReference(id));
    await rescoreAfterBankChange();
  }
}

/**
 * Replaces the whole bank with these files (a recipe's shots). Stored in one transaction with the
 * removal of the old shots, so a page closed meanwhile keeps the old bank or the new one, never none.
 */
export async function replaceReferences(files: File[]): Promise<void> {
  const added = await shotsOf(files);
  const old = useApp.getState().references;
  useApp.setState({ references: added });
  for (const s of old) s.thumb?.close();
  await saveReferences(added, { replace: true });
  const hadReady = old.some((s) => s.status === 'ready');
  if (hadReady && modelReady()) await engineJobs.run(() => engine().clearReferences());
  await Promise.all(added.map(loadThumb));
  await encodePending(false);
  // One re-score for the whole change (the old shots gone, the new ones in).
  if (modelReady() && (hadReady || useApp.getState().references.some((r) => r.status === 'ready')))
    await rescoreAfterBankChange();
}

export async function clearReferences(): Promise<void> {
  const shots = useApp.getState().references;
  if (shots.length === 0) return;
  useApp.setState({ references: [] });
  for (const s of shots) s.thumb?.close();
  await deleteAllReferences();
  if (shots.some((s) => s.status === 'ready') && modelReady()) {
    await engineJobs.run(() => engine().clearReferences());
    await rescoreAfterBankChange();
  }
}
