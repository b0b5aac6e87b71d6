/**
 * IndexedDB of inspection sessions (database `winclip-sessions`, separate from the settings database so
 * the two evolve independently): session records, image metadata and results (small, rewritten on
 * every re-score), and image files with their stored thumbnails (large, written once per image).
 */
import type { ImageScore, InspectedImage, PromptConfig, Thresholds } from '../state/types';

const DB_NAME = 'winclip-sessions';
const DB_VERSION = 1;
export const SESSIONS = 'sessions';
export const IMAGES = 'images';
export const BLOBS = 'blobs';
export const META = 'meta';

export interface StoredReferenceShot {
  id: string;
  name: string;
  blob: Blob;
  addedAt: number;
}

/** The prompt/reference setup and thresholds a session's images were scored with. */
export interface SessionSetup {
  prompts: PromptConfig;
  thresholds: Thresholds;
  references: StoredReferenceShot[];
}

export interface SessionRecord {
  id: string;
  name: string;
  part: string;
  lot: string;
  station: string;
  createdAt: number;
  updatedAt: number;
  /** Null until the session is left for another one (the live setup is the app's current one). */
  setup: SessionSetup | null;
}

/** An image's serialisable state: everything of InspectedImage but the file and the decoded thumbnail. */
export type StoredImageState = Omit<InspectedImage, 'file' | 'thumb'>;

export interface ImageRecord {
  id: string;
  session: string;
  /** Optional fields (labels and later additions) travel inside `image` as they are. */
  image: StoredImageState;
  contentHash: string | null;
  /** Identity of the model the result was computed with. */
  modelId: string | null;
  fileBytes: number;
  thumbBytes: number;
  featureBytes: number;
}

export interface BlobRecord {
  id: string;
  session: string;
  file: File;
  thumb: Blob | null;
}

export type { ImageScore };

let dbPromise: Promise<IDBDatabase> | null = null;

export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export function txDone(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

export function openSessionDb(): Promise<IDBDatabase> {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, DB_VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        db.createObjectStore(SESSIONS, { keyPath: 'id' });
        db.createObjectStore(IMAGES, { keyPath: 'id' }).createIndex('session', 'session');
        db.createObjectStore(BLOBS, { keyPath: 'id' }).createIndex('session', 'session');
        db.createObjectStore(META);
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new Error('IndexedDB is blocked by another tab of this app'));
    });
    dbPromise.catch(() => {
      dbPromise = null;
    });
  }
  return dbPromise;
}

export async function getAll<T>(store: string): Promise<T[]> {
  const db = await openSessionDb();
  return request(db.transaction(store, 'readonly').objectStore(store).getAll() as IDBRequest<T[]>);
}

export async function getBySession<T>(store: string, session: string): Promise<T[]> {
  const db = await openSessionDb();
  const idx = db.transaction(store, 'readonly').objectStore(store).index('session');
  return request(idx.getAll(session) as IDBRequest<T[]>);
}

export async function getOne<T>(store: string, key: IDBValidKey): Promise<T | undefined> {
  const db = await openSessionDb();
  return request(db.transaction(store, 'readonly').objectStore(store).get(key) as IDBRequest<T | undefined>);
}

export async function putMany(store: string, values: unknown[], key?: IDBValidKey): Promise<void> {
  if (values.length === 0) return;
  const db = await openSessionDb();
  const tx = db.transaction(store, 'readwrite');
  const s = tx.objectStore(store);
  for (const v of values) s.put(v, key);
  await txDone(tx);
}

export async function deleteMany(store: string, keys: IDBValidKey[]): Promise<void> {
  if (keys.length === 0) return;
  const db = await openSessionDb();
  const tx = db.transaction(store, 'readwrite');
  const s = tx.objectStore(store);
  for (const k of keys) s.delete(k);
  await txDone(tx);
}

/** Deletes a session's images and files (and the session record when `record`). */
export async function deleteSessionData(session: string, record: boolean): Promise<void> {
  const db = await openSessionDb();
  const tx = db.transaction([SESSIONS, IMAGES, BLOBS], 'readwrite');
  for (const store of [IMAGES, BLOBS]) {
    const idx = tx.objectStore(store).index('session');
    const req = idx.openKeyCursor(IDBKeyRange.only(session));
    req.onsuccess = () => {
      const c = req.result;
      if (!c) return;
      tx.objectStore(store).delete(c.primaryKey);
      c.continue();
    };
  }
  if (record) tx.objectStore(SESSIONS).delete(session);
  await txDone(tx);
}

export async function clearAllSessions(): Promise<void> {
  const db = await openSessionDb();
  const tx = db.transaction([SESSIONS, IMAGES, BLOBS, META], 'readwrite');
  for (const s of [SESSIONS, IMAGES, BLOBS, META]) tx.objectStore(s).clear();
  await txDone(tx);
}

export function isQuotaError(err: unknown): boolean {
  return (
    (err instanceof DOMException && err.name === 'QuotaExceededError') ||
    (err instanceof Error && err.name === 'QuotaExceededError')
  );
}
