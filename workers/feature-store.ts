/**
 * The worker's persistent caches in IndexedDB (database `winclip-features`): encoded image features
 * keyed by (image content hash, model identity), and prompt embeddings keyed by (model identity,
 * prompt string). Both are what the engine would otherwise recompute (image encoder, text encoder), so
 * losing them costs time, never results. Values are stored as structured clones (typed arrays and the
 * per-scale Map survive as they are). Features reach the host through the one feature-store
 * interface (src/engine/feature-store.ts), as `IdbFeatureStore` (workers/feature-store-idb.ts).
 */

import type { IDBPDatabase } from 'idb';
import type { EncodedImage } from '../src/engine/api';
import { encodedBytes } from '../src/engine/feature-store';
import type { MuscTokens } from '../src/engine/musc-api';
import { type FeatureRecordOf, type FeaturesSchema, featuresDatabase } from '../src/io/app-databases';

const FEATURES = 'features';
const PROMPTS = 'prompts';

/** WinCLIP features, or the lot mode's block tokens (stored under a model key of their own). */
type Stored = EncodedImage | MuscTokens;
type FeatureRecord = FeatureRecordOf<Stored>;

/** Bytes of one image's lot tokens. */
export function lotTokenBytes(t: MuscTokens): number {
  return t.patchTokens.reduce((a, p) => a + p.byteLength, t.classToken.byteLength);
}

function isTokens(v: Stored): v is MuscTokens {
  return 'patchTokens' in v;
}

export class FeatureDatabase {
  /** Layout and upgrade steps: `src/io/app-databases.ts`. */
  private readonly db = featuresDatabase<Stored>();

  /** False where IndexedDB is missing (then nothing persists and every call is a cheap no-op). */
  static available(): boolean {
    return typeof indexedDB !== 'undefined';
  }

  /** Opens the database in the background, so the first read after a model load need not wait for it. */
  prepare(): void {
    if (FeatureDatabase.available()) this.open().catch(() => undefined);
  }

  private open(): Promise<IDBPDatabase<FeaturesSchema<Stored>>> {
    return this.db.open();
  }

  async getFeatures(model: string, hash: string): Promise<EncodedImage | null> {
    if (!FeatureDatabase.available()) return null;
    const rec = await (await this.open()).get(FEATURES, [hash, model]);
    return rec && !isTokens(rec.encoded) ? rec.encoded : null;
  }

  /** The lot mode's tokens of this content under `model` (a key from lotStoreKey), or null. */
  async getLotTokens(model: string, hash: string): Promise<MuscTokens | null> {
    if (!FeatureDatabase.available()) return null;
    const rec = await (await this.open()).get(FEATURES, [hash, model]);
    return rec && isTokens(rec.encoded) ? rec.encoded : null;
  }

  /** Writes lot tokens; throws the browser's error (QuotaExceededError when storage is full). */
  async putLotTokens(model: string, hash: string, tokens: MuscTokens): Promise<number> {
    if (!FeatureDatabase.available()) throw new Error('IndexedDB is not available');
    const bytes = lotTokenBytes(tokens);
    const rec: FeatureRecord = { hash, model, encoded: tokens, bytes, savedAt: Date.now() };
    await (await this.open()).put(FEATURES, rec);
    return bytes;
  }

  async hasFeatures(model: string, hash: string): Promise<boolean> {
    if (!FeatureDatabase.available()) return false;
    return (await (await this.open()).count(FEATURES, [hash, model])) > 0;
  }

  /** Writes features; throws the browser's error (QuotaExceededError when storage is full). */
  async putFeatures(model: string, hash: string, encoded: EncodedImage): Promise<number> {
    if (!FeatureDatabase.available()) throw new Error('IndexedDB is not available');
    const db = await this.open();
    const bytes = encodedBytes(encoded);
    const rec: FeatureRecord = { hash, model, encoded, bytes, savedAt: Date.now() };
    await db.put(FEATURES, rec);
    return bytes;
  }

  /** Deletes the features of these image contents, for every model. */
  async deleteFeatures(hashes: string[]): Promise<void> {
    if (!FeatureDatabase.available() || hashes.length === 0) return;
    const tx = (await this.open()).transaction(FEATURES, 'readwrite');
    // Every model's features of each image, whole and under any ROI (stored as `${hash}@roi:…`).
    const deletes = hashes.map((h) => tx.store.delete(IDBKeyRange.bound([h, ''], [`${h}\uffff`, ''])));
    await Promise.all([...deletes, tx.done]);
  }

  async getPrompts(model: string, prompts: string[]): Promise<[string, Float32Array][]> {
    if (!FeatureDatabase.available() || prompts.length === 0) return [];
    // Every prompt stored for the model in one request (an array key sorts after every string): a few
    // hundred single gets cost tens of ms more after a reload, when all of them are there.
    const all = await (await this.open()).getAll(PROMPTS, IDBKeyRange.bound([model], [model, []]));
    const wanted = new Set(prompts);
    return all.filter((r) => wanted.has(r.prompt)).map((r) => [r.prompt, r.embedding]);
  }

  async putPrompts(model: string, entries: [string, Float32Array][]): Promise<void> {
    if (!FeatureDatabase.available() || entries.length === 0) return;
    const tx = (await this.open()).transaction(PROMPTS, 'readwrite');
    const puts = entries.map(([prompt, embedding]) => tx.store.put({ model, prompt, embedding }));
    await Promise.all([...puts, tx.done]);
  }

  async clearAll(): Promise<void> {
    if (!FeatureDatabase.available()) return;
    const tx = (await this.open()).transaction([FEATURES, PROMPTS], 'readwrite');
    await Promise.all([tx.objectStore(FEATURES).clear(), tx.objectStore(PROMPTS).clear(), tx.done]);
  }

  /** Closes the connection (tests); the next call reopens it. */
  close(): Promise<void> {
    return this.db.close();
  }
}
