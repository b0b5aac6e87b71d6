/**
 * The IndexedDB backend of the feature store (src/engine/feature-store.ts): one model's features in
 * the worker's database, keyed by image content hash.
 */
import type { EncodedImage } from '../src/engine/api';
import type { FeatureStore } from '../src/engine/feature-store';
import type { FeatureDatabase } from './feature-store';

export class IdbFeatureStore implements FeatureStore {
  constructor(
    private readonly db: FeatureDatabase,
    /** Model identity (src/io/model-identity.ts): features of other models are never seen. */
    readonly model: string,
  ) {}

  get(hash: string): Promise<EncodedImage | null> {
    return this.db.getFeatures(this.model, hash);
  }

  /** Throws the browser's error (QuotaExceededError when storage is full). */
  put(hash: string, encoded: EncodedImage): Promise<number> {
    return this.db.putFeatures(this.model, hash, encoded);
  }

  has(hash: string): Promise<boolean> {
    return this.db.hasFeatures(this.model, hash);
  }

  /** Deletes this content's features for every model: the image is gone, whichever model encoded it. */
  delete(hash: string): Promise<void> {
    return this.db.deleteFeatures([hash]);
  }
}
