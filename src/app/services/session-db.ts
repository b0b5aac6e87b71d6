/**
 * The sessions database (`winclip-sessions`, layout and upgrade steps in `src/io/app-databases.ts`),
 * typed with the app's records: session records, image metadata and results (small, rewritten on every
 * re-score), image files and their stored thumbnails (large, written once per image), and keyed values.
 */

import type { InspectionSetup } from '../../core/inspection-region';
import {
  type BlobRecord,
  type SessionImageRecordOf,
  type SessionRecordOf,
  type SessionsSchema,
  sessionsDatabase,
} from '../../io/app-databases';
import type { SessionSummary } from '../state/session-store';
import type { ThresholdSource } from '../state/threshold-decisions';
import type { InspectedImage, PromptConfig, Thresholds } from '../state/types';

export const SESSIONS = 'sessions';
export const IMAGES = 'images';
export const BLOBS = 'blobs';
const META = 'meta';

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
  /** The inspection region and don't-care areas; absent in sessions saved before they existed. */
  inspection?: InspectionSetup;
  /**
   * The mode the thresholds belong to and where they came from (absent in older records; null
   * source: none was set for that mode, the defaults showed).
   */
  mode?: string;
  source?: ThresholdSource | null;
}

/** An image's serialisable state: everything of InspectedImage but the file and the decoded thumbnail. */
export type StoredImageState = Omit<InspectedImage, 'file' | 'thumb'>;

export type SessionRecord = SessionRecordOf<SessionSetup>;
export type SessionImageRecord = SessionImageRecordOf<StoredImageState>;
export type { BlobRecord };

type Schema = SessionsSchema<StoredImageState, SessionSetup>;
type KeyedStore = typeof SESSIONS | typeof IMAGES | typeof BLOBS;
type Value<N extends KeyedStore> = Schema[N]['value'];

const db = sessionsDatabase<StoredImageState, SessionSetup>();

/** The key of a stored thumbnail in BLOBS (the file's key is the image id). */
export const thumbKey = (id: string): string => `${id}#thumb`;

export async function getAll<N extends KeyedStore>(store: N): Promise<Value<N>[]> {
  return (await db.open()).getAll(store);
}

export async function getBySession<N extends typeof IMAGES | typeof BLOBS>(
  store: N,
  session: string,
): Promise<Value<N>[]> {
  return (await db.open()).getAllFromIndex(store, 'session', IDBKeyRange.only(session));
}

export async function getOne<N extends KeyedStore>(store: N, key: string): Promise<Value<N> | undefined> {
  return (await db.open()).get(store, key);
}

export async function putMany<N extends KeyedStore>(store: N, values: Value<N>[]): Promise<void> {
  if (values.length === 0) return;
  const tx = (await db.open()).transaction(store, 'readwrite');
  for (const v of values) void tx.store.put(v);
  await tx.done;
}

export async function deleteMany(store: typeof IMAGES | typeof BLOBS, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  const tx = (await db.open()).transaction(store, 'readwrite');
  for (const k of keys) void tx.store.delete(k);
  await tx.done;
}

/** A keyed value of META ('active': the active session id; 'keptLocalModel'), as the caller's type. */
export async function getMeta<T>(key: string): Promise<T | undefined> {
  return (await (await db.open()).get(META, key)) as T | undefined;
}

export async function putMeta(key: string, value: unknown): Promise<void> {
  await (await db.open()).put(META, value, key);
}

/**
 * Stores a new session as the active one in one transaction: a page closed meanwhile reopens either
 * the session before or the new one, never an orphan empty session beside the old active one.
 */
export async function createActiveSession(rec: SessionRecord, activeKey: string): Promise<void> {
  const tx = (await db.open()).transaction([SESSIONS, META], 'readwrite');
  void tx.objectStore(SESSIONS).put(rec);
  void tx.objectStore(META).put(rec.id, activeKey);
  await tx.done;
}

/**
 * Read-modify-write of one session record in a single transaction, so writes never start from the
 * same old record (a rename and an autosave's counts, or two renames, cannot undo each other).
 * Returns the record written, or undefined when the session no longer exists.
 */
export async function updateSession(
  id: string,
  change: (rec: SessionRecord) => SessionRecord,
): Promise<SessionRecord | undefined> {
  const tx = (await db.open()).transaction(SESSIONS, 'readwrite');
  const rec = await tx.store.get(id);
  const next = rec && change(rec);
  if (next) void tx.store.put(next);
  await tx.done;
  return next;
}

/** One autosave batch of a session: what it writes, what it deletes, and the record's new counts. */
export interface SessionBatch {
  session: string;
  blobs: BlobRecord[];
  records: SessionImageRecord[];
  /** Image ids whose records, files and thumbnails go. */
  deletes: string[];
  /** Counts and time of change for the session record (null: the record is not touched). */
  counts: Pick<SessionRecord, 'images' | 'bytes' | 'updatedAt'> | null;
}

/**
 * Writes a batch in one transaction: an interrupted write (page closed, storage full) leaves the
 * session as it was before the batch or after it, never an image without its file or a count that
 * disagrees with the records. Returns the session record written, if counts were given.
 */
export async function writeSessionBatch(b: SessionBatch): Promise<SessionRecord | undefined> {
  const tx = (await db.open()).transaction([SESSIONS, IMAGES, BLOBS], 'readwrite');
  const blobs = tx.objectStore(BLOBS);
  const images = tx.objectStore(IMAGES);
  for (const v of b.blobs) void blobs.put(v);
  for (const v of b.records) void images.put(v);
  for (const id of b.deletes) {
    void images.delete(id);
    void blobs.delete(id);
    void blobs.delete(thumbKey(id));
  }
  let next: SessionRecord | undefined;
  if (b.counts) {
    const rec = await tx.objectStore(SESSIONS).get(b.session);
    next = rec && { ...rec, ...b.counts };
    if (next) void tx.objectStore(SESSIONS).put(next);
  }
  await tx.done;
  return next;
}

/** Deletes a session's images and files (and the session record when `record`). */
export async function deleteSessionData(session: string, record: boolean): Promise<void> {
  const tx = (await db.open()).transaction([SESSIONS, IMAGES, BLOBS], 'readwrite');
  const deletes: Promise<void>[] = [];
  for (const store of [IMAGES, BLOBS] as const) {
    const index = tx.objectStore(store).index('session');
    for (const key of await index.getAllKeys(session)) deletes.push(tx.objectStore(store).delete(key));
  }
  if (record) deletes.push(tx.objectStore(SESSIONS).delete(session));
  await Promise.all([...deletes, tx.done]);
}

export async function clearAllSessions(): Promise<void> {
  const tx = (await db.open()).transaction([SESSIONS, IMAGES, BLOBS, META], 'readwrite');
  await Promise.all([
    ...([SESSIONS, IMAGES, BLOBS, META] as const).map((s) => tx.objectStore(s).clear()),
    tx.done,
  ]);
}

export function summaryOf(rec: SessionRecord): SessionSummary {
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

export function isQuotaError(err: unknown): boolean {
  return (
    (err instanceof DOMException && err.name === 'QuotaExceededError') ||
    (err instanceof Error && err.name === 'QuotaExceededError')
  );
}
