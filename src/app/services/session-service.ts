/**
 * Persistent inspection sessions. Every gallery image (file, stored thumbnail, status, result and any
 * optional field such as a label) is saved as it changes, under the active session; a reload shows the
 * whole gallery at once from storage, and images whose result came from the loaded model are bound to
 * their stored features (nothing is re-encoded). Sessions are named records (part, lot, station) that
 * keep their own images and the prompt/reference setup and thresholds they were scored with.
 * When storage is full, images stay in memory and the user is told which were not saved.
 */

import { errorText } from '../../core/errors';
import { formatBytes } from '../model-loading/catalogue';
import { deleteKeptModels } from '../model-loading/kept-local-model';
import { patchSessions, type SessionSummary, useSessions } from '../state/session-store';
import type { AppState } from '../state/store';
import { notify, useApp } from '../state/store';
import type { InspectedImage, ReferenceShot } from '../state/types';
import { engine, engineJobs } from './engine-service';
import { cancelQueue, requeueAll } from './inspection-service';
import { deleteAllReferences, saveReference } from './persistence';
import { applyPrompts } from './prompt-service';
import { encodeAllReferences, restoreReferences } from './reference-service';
import {
  BLOBS,
  clearAllSessions,
  deleteMany,
  deleteSessionData,
  getAll,
  getBySession,
  getOne,
  IMAGES,
  type ImageRecord,
  isQuotaError,
  META,
  putMany,
  SESSIONS,
  type SessionRecord,
  type SessionSetup,
  type StoredImageState,
} from './session-db';
import { currentModelId, dropMeta, metaOf, setCurrentModelId, setMeta } from './stored-meta';

interface BlobRecord {
  id: string;
  session: string;
  blob: Blob;
}

const THUMB_KEY = (id: string) => `${id}#thumb`;
const SAVE_DEBOUNCE_MS = 150;

/** While a session is swapped in or out, gallery changes are not saved (nor deleted). */
let suppress = 0;
const pendingMeta = new Map<string, InspectedImage>();
const pendingDelete = new Set<string>();
const fileSaved = new Set<string>();
const thumbSaved = new Set<string>();
let timer: ReturnType<typeof setTimeout> | null = null;
let writing: Promise<void> = Promise.resolve();

function activeId(): string {
  const id = useSessions.getState().activeId;
  if (!id) throw new Error('internal: no active session');
  return id;
}

function newRecord(name: string, from?: Partial<SessionRecord>): SessionRecord {
  const now = Date.now();
  return {
    id: crypto.randomUUID(),
    name,
    part: from?.part ?? '',
    lot: from?.lot ?? '',
    station: from?.station ?? '',
    createdAt: now,
    updatedAt: now,
    setup: null,
  };
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

function sessionBytes(): { images: number; bytes: number } {
  let bytes = 0;
  const images = useApp.getState().images;
  for (const im of images) {
    const m = metaOf(im.id);
    bytes += m.fileBytes + m.thumbBytes + m.featureBytes;
  }
  return { images: images.length, bytes };
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

async function writeBatch(): Promise<void> {
  const session = useSessions.getState().activeId;
  if (!session) return;
  const images = [...pendingMeta.values()];
  const deletes = [...pendingDelete];
  pendingMeta.clear();
  pendingDelete.clear();
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
        blobs.push({ id: THUMB_KEY(im.id), session, blob });
        m.thumbBytes = blob.size;
      }
    }
  }
  const records: ImageRecord[] = images.map((im) => {
    const m = metaOf(im.id);
    return { id: im.id, session, image: stateOf(im), ...m };
  });
  try {
    await putMany(BLOBS, blobs);
    for (const b of blobs)
      (b.id.endsWith('#thumb') ? thumbSaved : fileSaved).add(b.id.replace(/#thumb$/, ''));
    await putMany(IMAGES, records);
    markUnsaved(
      images.map((im) => im.id),
      true,
    );
  } catch (err) {
    const ids = images.map((im) => im.id);
    markUnsaved(ids, false);
    if (isQuotaError(err)) noticeQuota();
    else
      notify('error', `Could not save ${ids.length} image${ids.length === 1 ? '' : 's'}: ${errorText(err)}`);
  }
  if (deletes.length > 0) {
    await deleteMany(IMAGES, deletes).catch(() => undefined);
    await deleteMany(BLOBS, [...deletes, ...deletes.map(THUMB_KEY)]).catch(() => undefined);
    for (const id of deletes) {
      fileSaved.delete(id);
      thumbSaved.delete(id);
    }
    markUnsaved(deletes, true);
  }
  await touchSession();
}

let quotaTimer: ReturnType<typeof setTimeout> | null = null;
/** Unsaved images the last notice told about: a later failure of the same images says nothing new. */
let noticedUnsaved = 0;

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

async function touchSession(): Promise<void> {
  const id = useSessions.getState().activeId;
  if (!id) return;
  const rec = await getOne<SessionRecord>(SESSIONS, id).catch(() => undefined);
  if (!rec) return;
  const { images, bytes } = sessionBytes();
  const summary: SessionSummary = { ...summaryOf(rec), images, bytes };
  patchSessions({
    sessions: useSessions.getState().sessions.map((s) => (s.id === id ? summary : s)),
  });
  await putMany(SESSIONS, [{ ...rec, updatedAt: Date.now(), images, bytes }]).catch(() => undefined);
}

function summaryOf(rec: SessionRecord & { images?: number; bytes?: number }): SessionSummary {
  return {
    id: rec.id,
    name: rec.name,
    part: rec.part,
    lot: rec.lot,
    station: rec.station,
    createdAt: rec.createdAt,
    updatedAt: rec.updatedAt,
    images: rec.images ?? 0,
    bytes: rec.bytes ?? 0,
  };
}

function schedule(): void {
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => {
    timer = null;
    writing = writing.then(writeBatch, writeBatch);
  }, SAVE_DEBOUNCE_MS);
}

/** Resolves once every queued image change is written (tests, page unload, session switch). */
export async function flushSession(): Promise<void> {
  if (timer) {
    clearTimeout(timer);
    timer = null;
    writing = writing.then(writeBatch, writeBatch);
  }
  await writing;
}

/** Saves gallery changes of the active session as they happen. */
export function startSessionAutosave(): () => void {
  return useApp.subscribe((s: AppState, prev: AppState) => {
    if (!s.hydrated || suppress > 0 || s.images === prev.images) return;
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

interface ReadImages {
  images: InspectedImage[];
  /** Stored thumbnails by image id, decoded after the gallery is shown. */
  thumbs: Map<string, Blob>;
}

async function readImages(session: string): Promise<ReadImages> {
  const [records, blobs] = await Promise.all([
    getBySession<ImageRecord>(IMAGES, session),
    getBySession<BlobRecord>(BLOBS, session),
  ]);
  const blobOf = new Map(blobs.map((b) => [b.id, b.blob]));
  const out: InspectedImage[] = [];
  const thumbs = new Map<string, Blob>();
  for (const r of records.sort((a, b) => a.image.addedAt - b.image.addedAt)) {
    const file = blobOf.get(r.id);
    if (!(file instanceof File)) continue;
    const thumbData = blobOf.get(THUMB_KEY(r.id));
    fileSaved.add(r.id);
    if (thumbData) {
      thumbSaved.add(r.id);
      thumbs.set(r.id, thumbData);
    }
    setMeta(r.id, {
      contentHash: r.contentHash,
      modelId: r.modelId,
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
async function showImages({ images, thumbs }: ReadImages): Promise<void> {
  suppress++;
  try {
    useApp.setState({ images });
  } finally {
    suppress--;
  }
  const ids = images.map((im) => im.id).filter((id) => thumbs.has(id));
  const CHUNK = 48;
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const bitmaps = await Promise.all(
      chunk.map((id) => createImageBitmap(thumbs.get(id)!).catch(() => null)),
    );
    const byId = new Map(chunk.map((id, j) => [id, bitmaps[j]]));
    const used = new Set<string>();
    suppress++;
    try {
      useApp.setState((s) => ({
        images: s.images.map((im) => {
          const b = byId.get(im.id);
          if (!b || im.thumb) return im;
          used.add(im.id);
          return { ...im, thumb: b };
        }),
      }));
    } finally {
      suppress--;
    }
    // Bitmaps nobody took (the image left, or has a fresh thumbnail meanwhile) are released.
    for (const [id, b] of byId) if (b && !used.has(id)) b.close();
  }
}

async function listSessions(): Promise<SessionSummary[]> {
  const all = await getAll<SessionRecord & { images?: number; bytes?: number }>(SESSIONS);
  return all.map(summaryOf).sort((a, b) => a.createdAt - b.createdAt);
}

export async function refreshStorage(): Promise<void> {
  const est = await navigator.storage?.estimate?.().catch(() => null);
  if (est) patchSessions({ storage: { usage: est.usage ?? 0, quota: est.quota ?? 0 } });
}

/** Start-up: opens the last active session (or a first one) and shows its gallery from storage. */
export async function restoreActiveSession(): Promise<void> {
  try {
    let sessions = await listSessions();
    let active = await getOne<string>(META, 'active');
    if (!active || !sessions.some((s) => s.id === active)) {
      if (sessions.length === 0) {
        const rec = newRecord('Session 1');
        await putMany(SESSIONS, [rec]);
        sessions = await listSessions();
        active = rec.id;
      } else active = sessions[sessions.length - 1].id;
      await putMany(META, [active], 'active');
    }
    patchSessions({ activeId: active, sessions });
    void showImages(await readImages(active));
    void refreshStorage();
  } catch (err) {
    notify('error', `Saved sessions could not be read (${errorText(err)}); this visit is not saved.`);
  }
}

/**
 * After a model is loaded: images scored by this very model keep their results and are bound to their
 * stored features; the returned ids need no re-scoring. Others are scored again by the caller.
 */
export async function adoptStoredImages(): Promise<Set<string>> {
  const id = await engine()
    .modelIdentity()
    .catch(() => null);
  setCurrentModelId(id);
  const keep = new Set<string>();
  if (!id) return keep;
  const bindings: { key: string; contentHash: string }[] = [];
  for (const im of useApp.getState().images) {
    const m = metaOf(im.id);
    if (im.status === 'done' && im.result && m.modelId === id && m.contentHash) {
      keep.add(im.id);
      bindings.push({ key: im.id, contentHash: m.contentHash });
    }
  }
  if (bindings.length > 0) await engine().bindStored(bindings);
  return keep;
}

function currentSetup(): SessionSetup {
  const s = useApp.getState();
  return {
    prompts: s.prompts,
    thresholds: s.thresholds,
    references: s.references.map((r) => ({ id: r.id, name: r.name, blob: r.blob, addedAt: r.addedAt })),
  };
}

/** Unloads the gallery of the active session from memory (its records stay) and saves its setup. */
async function leaveActive(): Promise<void> {
  cancelQueue();
  await flushSession();
  const id = activeId();
  const rec = await getOne<SessionRecord>(SESSIONS, id);
  const { images, bytes } = sessionBytes();
  if (rec) await putMany(SESSIONS, [{ ...rec, setup: currentSetup(), updatedAt: Date.now(), images, bytes }]);
  const old = useApp.getState().images;
  suppress++;
  try {
    useApp.setState((s) => ({ images: [], ui: { ...s.ui, selectedId: null, detailOpen: false } }));
  } finally {
    suppress--;
  }
  for (const im of old) {
    im.thumb?.close();
    dropMeta(im.id);
    fileSaved.delete(im.id);
    thumbSaved.delete(im.id);
    void engine()
      .forget(im.id)
      .catch(() => undefined);
  }
  noticedUnsaved = 0;
  patchSessions({ unsaved: [], folder: '', cleared: null });
}

/** Puts a session's setup (prompts, thresholds, reference bank) in place without re-scoring. */
async function applySetup(setup: SessionSetup): Promise<void> {
  const refs: ReferenceShot[] = setup.references.map((r) => ({
    ...r,
    status: 'pending',
    error: null,
    thumb: null,
    width: null,
    height: null,
  }));
  for (const r of useApp.getState().references) r.thumb?.close();
  useApp.setState({ prompts: setup.prompts, thresholds: setup.thresholds, references: refs });
  await deleteAllReferences();
  for (const r of refs) await saveReference(r);
  await restoreReferences(refs);
  if (useApp.getState().model.phase !== 'ready') return;
  await engineJobs.run(() => engine().clearReferences());
  await applyPrompts().catch(() => false);
  await encodeAllReferences({ rescore: false });
}

async function enter(id: string, setup: SessionSetup | null): Promise<void> {
  await putMany(META, [id], 'active');
  patchSessions({ activeId: id, sessions: await listSessions() });
  if (setup) await applySetup(setup);
  await showImages(await readImages(id));
  if (useApp.getState().model.phase === 'ready') {
    const keep = await adoptStoredImages();
    requeueAll({ keepResults: false, skip: keep });
  }
  void refreshStorage();
}

async function exclusive(fn: () => Promise<void>): Promise<void> {
  if (useSessions.getState().busy) return;
  patchSessions({ busy: true });
  try {
    await fn();
  } catch (err) {
    notify('error', `Session: ${errorText(err)}`);
  } finally {
    patchSessions({ busy: false });
  }
}

/** Starts an empty session with the current setup and the given name (part, lot, station kept). */
export function newSession(name: string): Promise<void> {
  return exclusive(async () => {
    const cur = await getOne<SessionRecord>(SESSIONS, activeId());
    await leaveActive();
    const n = useSessions.getState().sessions.length + 1;
    const rec = newRecord(name.trim() || `Session ${n}`, cur);
    await putMany(SESSIONS, [rec]);
    await enter(rec.id, null);
  });
}

/** Reopens an earlier session: its images, results, thresholds and prompt/reference setup. */
export function openSession(id: string): Promise<void> {
  return exclusive(async () => {
    if (id === useSessions.getState().activeId) return;
    const rec = await getOne<SessionRecord>(SESSIONS, id);
    if (!rec) throw new Error('that session no longer exists');
    await leaveActive();
    await enter(id, rec.setup);
  });
}

/** Renames run one after another: each reads the record the previous one wrote (two quick edits, e.g.
 * name then lot, would otherwise both read the old record and the second would undo the first). */
let renames: Promise<void> = Promise.resolve();

export async function renameSession(
  patch: Partial<Pick<SessionRecord, 'name' | 'part' | 'lot' | 'station'>>,
): Promise<void> {
  // The session being edited now, even if another is opened before this rename runs.
  const id = activeId();
  const run = renames.then(() => renameNow(id, patch));
  renames = run.catch(() => undefined);
  return run;
}

async function renameNow(
  id: string,
  patch: Partial<Pick<SessionRecord, 'name' | 'part' | 'lot' | 'station'>>,
): Promise<void> {
  const rec = await getOne<SessionRecord>(SESSIONS, id);
  if (!rec) return;
  const next = { ...rec, ...patch, updatedAt: Date.now() };
  await putMany(SESSIONS, [next]).catch((err) => notify('error', `Could not rename: ${errorText(err)}`));
  patchSessions({
    sessions: useSessions.getState().sessions.map((s) => (s.id === id ? { ...s, ...patch } : s)),
  });
}

/** Content hashes still used by any stored image or reference, across sessions. */
async function hashesInUse(): Promise<Set<string>> {
  const recs = await getAll<ImageRecord>(IMAGES);
  return new Set(recs.map((r) => r.contentHash).filter((h): h is string => h !== null));
}

/** Deletes an inactive session with its images and their features (where no other session uses them). */
export function deleteSession(id: string): Promise<void> {
  return exclusive(async () => {
    if (id === useSessions.getState().activeId)
      throw new Error('open another session before deleting this one');
    const hashes = (await getBySession<ImageRecord>(IMAGES, id))
      .map((r) => r.contentHash)
      .filter((h): h is string => h !== null);
    await deleteSessionData(id, true);
    const inUse = await hashesInUse();
    await engine()
      .deleteStoredFeatures(hashes.filter((h) => !inUse.has(h)))
      .catch(() => undefined);
    patchSessions({ sessions: await listSessions() });
    await refreshStorage();
  });
}

/** Deletes every session, image, stored feature, prompt embedding and kept local model; a fresh session starts. */
export function clearAllStorage(): Promise<void> {
  return exclusive(async () => {
    cancelQueue();
    await flushSession();
    const old = useApp.getState().images;
    suppress++;
    try {
      useApp.setState((s) => ({ images: [], ui: { ...s.ui, selectedId: null, detailOpen: false } }));
    } finally {
      suppress--;
    }
    for (const im of old) {
      im.thumb?.close();
      dropMeta(im.id);
      void engine()
        .forget(im.id)
        .catch(() => undefined);
    }
    fileSaved.clear();
    thumbSaved.clear();
    await clearAllSessions();
    await deleteKeptModels();
    await engine()
      .clearStoredFeatures()
      .catch(() => undefined);
    const rec = newRecord('Session 1');
    await putMany(SESSIONS, [rec]);
    noticedUnsaved = 0;
    patchSessions({ unsaved: [], cleared: null, folder: '' });
    await enter(rec.id, null);
    notify('success', 'Stored sessions, images and features were deleted.');
  });
}

/** Wording of the storage line: used and quota. */
export function storageText(): string {
  const st = useSessions.getState().storage;
  if (!st) return 'Storage use unknown';
  return `${formatBytes(st.usage)} used of ${formatBytes(st.quota)}`;
}

export { currentModelId };
