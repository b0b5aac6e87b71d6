/**
 * Autosave of the active session: every gallery change (an image added, scored, labelled, removed) is
 * queued and written a moment later, in batches, one batch after another. Each queued change is
 * written under the session it happened in, even if the batch runs later. When storage is full, images
 * stay in memory and the user is told which were not saved.
 */

import { errorText } from '../../core/errors';
import { patchSessions, useSessions } from '../state/session-store';
import type { AppState } from '../state/store';
import { notify, useApp } from '../state/store';
import type { InspectedImage } from '../state/types';
import {
  type BlobRecord,
  isQuotaError,
  type SessionImageRecord,
  type SessionRecord,
  type StoredImageState,
  summaryOf,
  thumbKey,
  writeSessionBatch,
} from './session-db';
import { metaOf } from './stored-meta';

const SAVE_DEBOUNCE_MS = 150;

/** Gallery changes not yet written, and the session they belong to. */
const pendingMeta = new Map<string, InspectedImage>();
const pendingDelete = new Set<string>();
let pendingSession: string | null = null;
/** Images whose file or thumbnail is in storage already (written once, never again). */
const fileSaved = new Set<string>();
const thumbSaved = new Set<string>();
let timer: ReturnType<typeof setTimeout> | null = null;
let writing: Promise<void> = Promise.resolve();
/** True while `withoutAutosave` runs: the gallery is being swapped, not edited. */
let paused = false;

/**
 * Runs a gallery update that is not an edit of the session (a session loaded into or taken out of
 * memory, stored thumbnails decoded): nothing of it is saved or deleted. `fn` is synchronous, so
 * exactly the store updates it makes are skipped.
 */
export function withoutAutosave(fn: () => void): void {
  const was = paused;
  paused = true;
  try {
    fn();
  } finally {
    paused = was;
  }
}

/** Notes images read from storage: their file and thumbnail are not written again. */
export function markStored(id: string, thumb: boolean): void {
  fileSaved.add(id);
  if (thumb) thumbSaved.add(id);
}

/** Forgets what is stored of these images (the gallery was unloaded), or of all with no argument. */
export function forgetStored(ids?: string[]): void {
  if (!ids) {
    fileSaved.clear();
    thumbSaved.clear();
    return;
  }
  for (const id of ids) {
    fileSaved.delete(id);
    thumbSaved.delete(id);
  }
}

/**
 * The gallery images whose records are stored, with `batch` written and `deletes` gone, and the bytes
 * their stored copies take: what the session record may say once that write is done. Not the whole
 * gallery: images dropped after a batch was taken go with a later one, and a count written before
 * their records would disagree with storage if the page died in between. (A record is written with its
 * file, so a stored file marks a stored record.)
 */
export function storedCounts(
  batch: string[] = [],
  deletes: string[] = [],
): { images: number; bytes: number } {
  const will = new Set(batch);
  const gone = new Set(deletes);
  let images = 0;
  let bytes = 0;
  for (const im of useApp.getState().images) {
    if (gone.has(im.id) || !(will.has(im.id) || fileSaved.has(im.id))) continue;
    const m = metaOf(im.id);
    images += 1;
    bytes += m.fileBytes + m.thumbBytes + m.featureBytes;
  }
  return { images, bytes };
}

async function thumbBlob(bitmap: ImageBitmap): Promise<Blob> {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
  return canvas.convertToBlob({ type: 'image/webp', quality: 0.9 });
}

function stateOf(im: InspectedImage): StoredImageState {
  const { file: _f, thumb: _t, ...rest } = im;
  return rest;
}

let quotaTimer: ReturnType<typeof setTimeout> | null = null;
/** Unsaved images the last notice told about: a later failure of the same images says nothing new. */
let noticedUnsaved = 0;

/** The gallery was unloaded: no image of it is unsaved any more, and no notice is owed. */
export function resetUnsaved(): void {
  noticedUnsaved = 0;
  patchSessions({ unsaved: [] });
}

function markUnsaved(ids: string[], saved: boolean): void {
  const cur = new Set(useSessions.getState().unsaved);
  const before = cur.size;
  for (const id of ids) {
    if (saved) cur.delete(id);
    else cur.add(id);
  }
  if (cur.size !== before) patchSessions({ unsaved: [...cur] });
  if (cur.size < noticedUnsaved) noticedUnsaved = cur.size;
}

/** One notice per burst of failed writes that leaves more images unsaved, with the count once it is over. */
function noticeQuota(): void {
  if (quotaTimer) clearTimeout(quotaTimer);
  quotaTimer = setTimeout(() => {
    quotaTimer = null;
    const n = useSessions.getState().unsaved.length;
    if (n <= noticedUnsaved) return;
    noticedUnsaved = n;
    notify(
      'error',
      `Storage is full: ${n} image${n === 1 ? '' : 's'} of this session ${n === 1 ? 'is' : 'are'} not saved. ` +
        'They stay here until the page is closed; free space under Sessions → Storage.',
      20_000,
    );
  }, 1000);
}

interface Batch {
  session: string;
  images: InspectedImage[];
  deletes: string[];
}

/** Takes the queued changes as one batch (they are queued again from empty). */
function takeBatch(): Batch | null {
  const session = pendingSession;
  if (session !== null && session === useSessions.getState().activeId) {
    // Images a full storage refused go again with the next batch: space may have been freed since.
    const unsaved = new Set(useSessions.getState().unsaved);
    for (const im of useApp.getState().images)
      if (unsaved.has(im.id) && !pendingMeta.has(im.id)) pendingMeta.set(im.id, im);
  }
  const batch = session ? { session, images: [...pendingMeta.values()], deletes: [...pendingDelete] } : null;
  pendingMeta.clear();
  pendingDelete.clear();
  pendingSession = null;
  return batch;
}

async function writeBatch({ session, images, deletes }: Batch): Promise<void> {
  const blobs: BlobRecord[] = [];
  for (const im of images) {
    const m = metaOf(im.id);
    if (!fileSaved.has(im.id)) {
      blobs.push({ id: im.id, session, blob: im.file });
      m.fileBytes = im.file.size;
    }
    if (im.thumb && !thumbSaved.has(im.id)) {
      const blob = await thumbBlob(im.thumb).catch(() => null);
      if (blob) {
        blobs.push({ id: thumbKey(im.id), session, blob });
        m.thumbBytes = blob.size;
      }
    }
  }
  const records: SessionImageRecord[] = images.map((im) => ({
    id: im.id,
    session,
    image: stateOf(im),
    ...metaOf(im.id),
  }));
  const ids = images.map((im) => im.id);
  // Counts come from the gallery, so only while it shows this session.
  const shown = session === useSessions.getState().activeId;
  const counts = (written: string[]) =>
    shown ? { ...storedCounts(written, deletes), updatedAt: Date.now() } : null;
  let rec: SessionRecord | undefined;
  try {
    rec = await writeSessionBatch({ session, blobs, records, deletes, counts: counts(ids) });
    for (const b of blobs)
      (b.id.endsWith('#thumb') ? thumbSaved : fileSaved).add(b.id.replace(/#thumb$/, ''));
    markUnsaved(ids, true);
  } catch (err) {
    markUnsaved(ids, false);
    if (isQuotaError(err)) noticeQuota();
    else
      notify('error', `Could not save ${ids.length} image${ids.length === 1 ? '' : 's'}: ${errorText(err)}`);
    // Removals free space and need none: they are written on their own.
    rec = await writeSessionBatch({ session, blobs: [], records: [], deletes, counts: counts([]) }).catch(
      () => undefined,
    );
  }
  if (deletes.length > 0) {
    forgetStored(deletes);
    markUnsaved(deletes, true);
  }
  if (rec) showSummary(rec);
}

/** Shows a stored session record's counts and time of change in the list. */
function showSummary(rec: SessionRecord): void {
  const summary = summaryOf(rec);
  patchSessions({
    sessions: useSessions.getState().sessions.map((s) => (s.id === rec.id ? summary : s)),
  });
}

/** Queues the pending changes for writing after the batches before them. */
function startBatch(): void {
  if (timer) clearTimeout(timer);
  timer = null;
  const batch = takeBatch();
  if (!batch) return;
  const write = () => writeBatch(batch);
  writing = writing.then(write, write);
}

function schedule(): void {
  if (timer) clearTimeout(timer);
  timer = setTimeout(startBatch, SAVE_DEBOUNCE_MS);
}

/**
 * Resolves once every queued gallery change is written (tests, page unload, session switch); changes
 * queued while it waits are written too, so after it the gallery and storage agree.
 */
export async function flushSession(): Promise<void> {
  do {
    if (timer) startBatch();
    await writing;
  } while (timer);
}

/** Saves gallery changes of the active session as they happen. */
export function startSessionAutosave(): () => void {
  return useApp.subscribe((s: AppState, prev: AppState) => {
    if (!s.hydrated || paused || s.images === prev.images) return;
    const session = useSessions.getState().activeId;
    if (!session) return;
    // Changes of another session still queued (a switch that did not flush) are written first.
    if (pendingSession !== null && pendingSession !== session) startBatch();
    pendingSession = session;
    const before = new Map(prev.images.map((im) => [im.id, im]));
    for (const im of s.images) {
      if (before.get(im.id) !== im) {
        pendingMeta.set(im.id, im);
        pendingDelete.delete(im.id);
      }
      before.delete(im.id);
    }
    for (const id of before.keys()) {
      pendingMeta.delete(id);
      pendingDelete.add(id);
    }
    schedule();
  });
}
