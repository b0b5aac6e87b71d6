/**
 * A session's gallery in and out of memory: reading its images from storage and showing them at once
 * (stored thumbnails decoded afterwards), and unloading it (its records stay). Neither is an edit of
 * the session, so autosave skips both.
 */
import { patchSessions } from '../state/session-store';
import { useApp } from '../state/store';
import type { InspectedImage } from '../state/types';
import { engine } from './engine-service';
import { forgetStored, markStored, resetUnsaved, withoutAutosave } from './session-autosave';
import { BLOBS, getBySession, IMAGES, thumbKey } from './session-db';
import { dropMeta, setMeta } from './stored-meta';

export interface ReadImages {
  images: InspectedImage[];
  /** Stored thumbnails by image id, decoded after the gallery is shown. */
  thumbs: Map<string, Blob>;
}

export async function readImages(session: string): Promise<ReadImages> {
  const [records, blobs] = await Promise.all([getBySession(IMAGES, session), getBySession(BLOBS, session)]);
  const blobOf = new Map(blobs.map((b) => [b.id, b.blob]));
  const out: InspectedImage[] = [];
  const thumbs = new Map<string, Blob>();
  for (const r of records.sort((a, b) => a.image.addedAt - b.image.addedAt)) {
    const file = blobOf.get(r.id);
    if (!(file instanceof File)) continue;
    const thumbData = blobOf.get(thumbKey(r.id));
    markStored(r.id, thumbData !== undefined);
    if (thumbData) thumbs.set(r.id, thumbData);
    setMeta(r.id, {
      contentHash: r.contentHash,
      modelId: r.modelId,
      basis: r.basis ?? null,
      fileBytes: r.fileBytes,
      thumbBytes: r.thumbBytes,
      featureBytes: r.featureBytes,
    });
    const done = r.image.status === 'done' && r.image.result !== null;
    const status = done ? 'done' : r.image.status === 'error' ? 'error' : 'queued';
    out.push({ ...r.image, file, thumb: null, status });
  }
  return { images: out, thumbs };
}

/** Shows a restored gallery at once, then decodes its stored thumbnails in parallel chunks. */
export async function showImages({ images, thumbs }: ReadImages): Promise<void> {
  withoutAutosave(() => useApp.setState({ images }));
  const ids = images.map((im) => im.id).filter((id) => thumbs.has(id));
  const CHUNK = 48;
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const bitmaps = await Promise.all(
      chunk.map((id) => createImageBitmap(thumbs.get(id)!).catch(() => null)),
    );
    const byId = new Map(chunk.map((id, j) => [id, bitmaps[j]]));
    const used = new Set<string>();
    withoutAutosave(() =>
      useApp.setState((s) => ({
        images: s.images.map((im) => {
          const b = byId.get(im.id);
          if (!b || im.thumb) return im;
          used.add(im.id);
          return { ...im, thumb: b };
        }),
      })),
    );
    // Bitmaps nobody took (the image left, or has a fresh thumbnail meanwhile) are released.
    for (const [id, b] of byId) if (b && !used.has(id)) b.close();
  }
}

/**
 * Takes the gallery out of memory (its stored records stay): thumbnails, stored-copy bookkeeping and
 * the worker's features of each image are released; the folder filter and the undo of "Clear" end.
 * Synchronous, so a caller that has just flushed autosave leaves no change unsaved in between.
 */
export function unloadGallery(): void {
  const old = useApp.getState().images;
  withoutAutosave(() =>
    useApp.setState((s) => ({ images: [], ui: { ...s.ui, selectedId: null, detailOpen: false } })),
  );
  for (const im of old) {
    im.thumb?.close();
    dropMeta(im.id);
    void engine()
      .forget(im.id)
      .catch(() => undefined);
  }
  forgetStored(old.map((im) => im.id));
  resetUnsaved();
  patchSessions({ folder: '', cleared: null });
}
