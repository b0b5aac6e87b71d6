/**
 * The worker's persistent caches in IndexedDB (database `winclip-features`): encoded image features
 * keyed by (image content hash, model identity), and prompt embeddings keyed by (model identity,
 * prompt string). Both are what the engine would otherwise recompute (image encoder, text encoder), so
 * losing them costs time, never results. Values are stored as structured clones (typed arrays and the
 * per-scale Map survive as they are). Features reach the host through the one feature-store
 * interface (src/engine/feature-store.ts), as `IdbFeatureStore` (workers/feature-store-idb.ts).
 */
import type { EncodedImage } from '../src/engine/api';
import { encodedBytes } from '../src/engine/feature-store';

const DB_NAME = 'winclip-features';
const DB_VERSION = 1;
const FEATURES = 'features';
const PROMPTS = 'prompts';

interface FeatureRecord {
  hash: string;
  model: string;
  encoded: EncodedImage;
  bytes: number;
  savedAt: number;
}

interface PromptRecord {
  model: string;
  prompt: string;
  embedding: Float32Array;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

export class FeatureDatabase {
  private db: Promise<IDBDatabase> | null = null;

  /** False where IndexedDB is missing (then nothing persists and every call is a cheap no-op). */
  static available(): boolean {
    return typeof indexedDB !== 'undefined';
  }

  /** Opens the database in the background, so the first read after a model load need not wait for it. */
  prepare(): void {
    if (FeatureDatabase.available()) this.open().catch(() => undefined);
  }

  private open(): Promise<IDBDatabase> {
    if (!this.db) {
      this.db = new Promise((resolve, reject) => {
        const req = indexedDB.open(DB_NAME, DB_VERSION);
        req.onupgradeneeded = () => {
          const db = req.result;
          if (!db.objectStoreNames.contains(FEATURES))
            db.createObjectStore(FEATURES, { keyPath: ['hash', 'model'] });
          if (!db.objectStoreNames.contains(PROMPTS))
            db.createObjectStore(PROMPTS, { keyPath: ['model', 'prompt'] });
        };
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      this.db.catch(() => {
        this.db = null;
      });
    }
    return this.db;
  }

  async getFeatures(model: string, hash: string): Promise<EncodedImage | null> {
    if (!FeatureDatabase.available()) return null;
    const db = await this.open();
    const tx = db.transaction(FEATURES, 'readonly');
    const rec = (await request(tx.objectStore(FEATURES).get([hash, model]))) as FeatureRecord | undefined;
    return rec?.encoded ?? null;
  }

  async hasFeatures(model: string, hash: string): Promise<boolean> {
    if (!FeatureDatabase.available()) return false;
    const db = await this.open();
    const tx = db.transaction(FEATURES, 'readonly');
    return (await request(tx.objectStore(FEATURES).count([hash, model]))) > 0;
  }

  /** Writes features; throws the browser's error (QuotaExceededError when storage is full). */
  async putFeatures(model: string, hash: string, encoded: EncodedImage): Promise<number> {
    if (!FeatureDatabase.available()) throw new Error('IndexedDB is not available');
    const db = await this.open();
    const tx = db.transaction(FEATURES, 'readwrite');
    const bytes = encodedBytes(encoded);
    const rec: FeatureRecord = { hash, model, encoded, bytes, savedAt: Date.now() };
    tx.objectStore(FEATURES).put(rec);
    await done(tx);
    return bytes;
  }

  /** Deletes the features of these image contents, for every model. */
  async deleteFeatures(hashes: string[]): Promise<void> {
    if (!FeatureDatabase.available() || hashes.length === 0) return;
    const db = await this.open();
    const tx = db.transaction(FEATURES, 'readwrite');
    const store = tx.objectStore(FEATURES);
    for (const h of hashes) store.delete(IDBKeyRange.bound([h, ''], [h, '\uffff']));
    await done(tx);
  }

  async getPrompts(model: string, prompts: string[]): Promise<[string, Float32Array][]> {
    if (!FeatureDatabase.available() || prompts.length === 0) return [];
    const db = await this.open();
    const tx = db.transaction(PROMPTS, 'readonly');
    const store = tx.objectStore(PROMPTS);
    const recs = await Promise.all(
      prompts.map((p) => request(store.get([model, p])) as Promise<PromptRecord | undefined>),
    );
    return recs.filter((r): r is PromptRecord => r !== undefined).map((r) => [r.prompt, r.embedding]);
  }

  async putPrompts(model: string, entries: [string, Float32Array][]): Promise<void> {
    if (!FeatureDatabase.available() || entries.length === 0) return;
    const db = await this.open();
    const tx = db.transaction(PROMPTS, 'readwrite');
    const store = tx.objectStore(PROMPTS);
    for (const [prompt, embedding] of entries) store.put({ model, prompt, embedding } satisfies PromptRecord);
    await done(tx);
  }

  async clearAll(): Promise<void> {
    if (!FeatureDatabase.available()) return;
    const db = await this.open();
    const tx = db.transaction([FEATURES, PROMPTS], 'readwrite');
    tx.objectStore(FEATURES).clear();
    tx.objectStore(PROMPTS).clear();
    await done(tx);
  }
}
