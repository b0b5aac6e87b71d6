/**
 * The app's three IndexedDB databases: their typed layouts and upgrade steps (see `idb-database.ts`).
 * Version 1 of each is the layout the app has written since it first stored anything; a layout change
 * appends a step and bumps nothing else. Record payloads that belong to the app or the engine (an
 * image's state, a session's setup, encoded features) are type parameters, so this layer stays I/O.
 *
 * - `winclip-inspector` (page): settings and view choices by key, and the reference bank.
 * - `winclip-sessions` (page): sessions, their images' state and results, their files and thumbnails,
 *   and a few keyed values (the active session, the kept local model).
 * - `winclip-features` (worker): encoded image features and prompt embeddings, both recomputable.
 */
import type { DBSchema } from 'idb';
import { Database } from './idb-database';

// --- winclip-inspector ------------------------------------------------------------------------------

const SETTINGS_DB = 'winclip-inspector';

export interface SettingsSchema<Ref extends { id: string } = { id: string }> extends DBSchema {
  /** Out-of-line keys: 'settings', 'prompts', 'thresholds', 'view', 'lastModel', calibration keys. */
  kv: { key: string; value: unknown };
  references: { key: string; value: Ref };
}

export function settingsDatabase<Ref extends { id: string }>(): Database<SettingsSchema<Ref>> {
  return new Database<SettingsSchema<Ref>>({
    name: SETTINGS_DB,
    steps: [
      (db) => {
        db.createObjectStore('kv');
        db.createObjectStore('references', { keyPath: 'id' });
      },
    ],
  });
}

// --- winclip-sessions -------------------------------------------------------------------------------

const SESSIONS_DB = 'winclip-sessions';

export interface SessionRecordOf<Setup> {
  id: string;
  name: string;
  part: string;
  lot: string;
  station: string;
  createdAt: number;
  updatedAt: number;
  /** Null until the session is left for another one (the live setup is the app's current one). */
  setup: Setup | null;
  /** Image count and stored bytes as of the last save (absent on records never saved with images). */
  images?: number;
  bytes?: number;
}

export interface SessionImageRecordOf<Image> {
  id: string;
  session: string;
  /** Optional fields (labels and later additions) travel inside `image` as they are. */
  image: Image;
  contentHash: string | null;
  /** Identity of the model the result was computed with. */
  modelId: string | null;
  /** The prompts and reference bank it was computed under (the app's hash); absent in older records. */
  basis?: string | null;
  fileBytes: number;
  thumbBytes: number;
  featureBytes: number;
}

/** An image's file (key: the image id) or its stored thumbnail (key: `<image id>#thumb`). */
export interface BlobRecord {
  id: string;
  session: string;
  blob: Blob;
}

export interface SessionsSchema<Image = unknown, Setup = unknown> extends DBSchema {
  sessions: { key: string; value: SessionRecordOf<Setup> };
  images: { key: string; value: SessionImageRecordOf<Image>; indexes: { session: string } };
  blobs: { key: string; value: BlobRecord; indexes: { session: string } };
  /** Out-of-line keys: 'active' (a session id), 'keptLocalModel'. */
  meta: { key: string; value: unknown };
}

export function sessionsDatabase<Image, Setup>(): Database<SessionsSchema<Image, Setup>> {
  return new Database<SessionsSchema<Image, Setup>>({
    name: SESSIONS_DB,
    steps: [
      (db) => {
        db.createObjectStore('sessions', { keyPath: 'id' });
        db.createObjectStore('images', { keyPath: 'id' }).createIndex('session', 'session');
        db.createObjectStore('blobs', { keyPath: 'id' }).createIndex('session', 'session');
        db.createObjectStore('meta');
      },
    ],
  });
}

// --- winclip-features -------------------------------------------------------------------------------

const FEATURES_DB = 'winclip-features';

export interface FeatureRecordOf<Encoded> {
  hash: string;
  model: string;
  encoded: Encoded;
  bytes: number;
  savedAt: number;
}

export interface PromptRecord {
  model: string;
  prompt: string;
  embedding: Float32Array;
}

export interface FeaturesSchema<Encoded = unknown> extends DBSchema {
  /** Key: [image content hash, model identity]. */
  features: { key: [string, string]; value: FeatureRecordOf<Encoded> };
  /** Key: [model identity, prompt string]. */
  prompts: { key: [string, string]; value: PromptRecord };
}

export function featuresDatabase<Encoded>(): Database<FeaturesSchema<Encoded>> {
  return new Database<FeaturesSchema<Encoded>>({
    name: FEATURES_DB,
    steps: [
      (db) => {
        db.createObjectStore('features', { keyPath: ['hash', 'model'] });
        db.createObjectStore('prompts', { keyPath: ['model', 'prompt'] });
      },
    ],
  });
}
