/**
 * The one interface of a feature store: encoded image features (what the image encoder would otherwise
 * recompute) kept outside memory under a key, with their byte size. Backends: the disk cache of
 * `winclip eval` (src/eval/feature-cache.ts, Node) and IndexedDB in the browser
 * (workers/feature-store-idb.ts). Losing an entry costs time, never results.
 */
import type { EncodedImage } from './api';

export interface FeatureStore {
  /** The stored features, or null when absent (or unreadable: a damaged entry is re-encoded). */
  get(key: string): Promise<EncodedImage | null>;
  /** Stores features and returns the bytes they take; throws when they cannot be stored (disk or quota full). */
  put(key: string, encoded: EncodedImage): Promise<number>;
  has(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
}

/** Float32 bytes held by one encoded image (what a stored copy costs, give or take its framing). */
export function encodedBytes(enc: EncodedImage): number {
  let n = 0;
  for (const t of enc.tiles) {
    n += t.imageEmbedding.byteLength + t.patchEmbeddings.byteLength;
    for (const w of t.windowEmbeddings.values()) n += w.byteLength;
  }
  return n;
}
