/**
 * Batch actions on the gallery: adding dropped folders with their paths, and "Clear" with undo (the
 * cleared images stay in memory, unsaved, until the undo expires or another clear replaces it).
 */

import { errorText } from '../../core/errors';
import { pathedFilesFromDataTransfer } from '../../io/dropped-entries';
import { patchSessions, useSessions } from '../state/session-store';
import { notify, patchQueue, useApp } from '../state/store';
import { engine } from './engine-service';
import { addImageEntries, cancelQueue, pump, requeueAll } from './inspection-service';
import { clearLot } from './lot-service';
import { metaOf } from './stored-meta';

/** How long a cleared batch can be brought back. */
const UNDO_MS = 60_000;
let undoTimer: ReturnType<typeof setTimeout> | null = null;

/** Adds a drop (files and folders, recursively) to the queue. Call during the drop event. */
export function addDropped(dt: DataTransfer): void {
  pathedFilesFromDataTransfer(dt).then(
    (entries) => void addImageEntries(entries),
    (err) => notify('error', `Could not read the dropped files: ${errorText(err)}`),
  );
}

/** Releases what a cleared batch held (its thumbnails and the worker's features). */
function dropCleared(): void {
  const c = useSessions.getState().cleared;
  if (!c) return;
  const live = new Set(useApp.getState().images.map((im) => im.id));
  for (const im of c.images) {
    if (live.has(im.id)) continue;
    im.thumb?.close();
    void engine()
      .forget(im.id)
      .catch(() => undefined);
  }
  patchSessions({ cleared: null });
}

/** Clears the gallery (the caller has asked for confirmation); `undoClear` brings it all back. */
export function clearWithUndo(): void {
  const images = useApp.getState().images;
  if (images.length === 0) return;
  if (undoTimer) clearTimeout(undoTimer);
  dropCleared();
  cancelQueue();
  // The worker's lot must not keep the cleared images: the next ones form a new lot.
  if (useApp.getState().settings.lotMode) void clearLot().catch(() => undefined);
  patchSessions({ cleared: { images, at: Date.now() } });
  useApp.setState((s) => ({ images: [], ui: { ...s.ui, selectedId: null, detailOpen: false } }));
  undoTimer = setTimeout(() => {
    undoTimer = null;
    dropCleared();
  }, UNDO_MS);
}

/** Restores the last cleared batch: images, results and their stored records (re-saved). */
export function undoClear(): void {
  const c = useSessions.getState().cleared;
  if (!c) return;
  if (undoTimer) clearTimeout(undoTimer);
  undoTimer = null;
  patchSessions({ cleared: null });
  // Images that were waiting go back in the queue; scored ones keep their results and features.
  const restored = c.images.map((im) =>
    im.status === 'processing' ? { ...im, status: 'queued' as const } : im,
  );
  useApp.setState((s) => ({ images: [...restored, ...s.images] }));
  // A lot is scored as a whole: the restored images and any added since join a fresh lot.
  if (useApp.getState().settings.lotMode) {
    requeueAll({ keepResults: false });
    return;
  }
  const bindings = restored
    .filter((im) => im.status === 'done' && metaOf(im.id).contentHash)
    .map((im) => ({ key: im.id, contentHash: metaOf(im.id).contentHash! }));
  if (bindings.length > 0)
    void engine()
      .bindStored(bindings)
      .catch(() => undefined);
  const queued = restored.filter((im) => im.status === 'queued').length;
  if (queued > 0) {
    patchQueue({ running: true, done: 0, total: queued });
    void pump();
  }
}
