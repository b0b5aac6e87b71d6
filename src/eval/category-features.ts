/**
 * Features of one category's images during an evaluation: encoded once (or read from the feature store,
 * the disk cache), then served to every run. They stay in memory within a byte budget (the working set,
 * least recently used first); beyond it they are re-read from the store on use, so memory stays bounded on
 * large categories (VisA: ~200 images × 2 tiles).
 */
import { readFile } from 'node:fs/promises';
import type { RgbImage } from '../core/types';
import type { EncodedImage } from '../engine/api';
import { encodedBytes, type FeatureStore } from '../engine/feature-store';
import { WorkingSet } from '../engine/working-set';
import { decodeImageBytes } from '../io/decode-node';
import { sha256 } from './feature-cache';

/** What the category's features need from the engine. */
export interface Encoder {
  encode(key: string, image: RgbImage): Promise<EncodedImage>;
  forget(key: string): void;
}

export const DEFAULT_FEATURE_MEMORY = 2 * 1024 ** 3;

export class CategoryFeatures {
  private readonly resident = new Map<string, EncodedImage>();
  private readonly hashes = new Map<string, string>();
  private readonly workingSet: WorkingSet<string>;
  encoded = 0;
  fromCache = 0;

  constructor(
    private readonly encoder: Encoder,
    private readonly store: FeatureStore | null,
    budgetBytes = DEFAULT_FEATURE_MEMORY,
  ) {
    // Without a store there is no way back but re-encoding, so everything stays in memory.
    this.workingSet = new WorkingSet(store ? { maxBytes: budgetBytes } : {});
  }

  /** Makes `id` (a name unique here) available, encoding `path` only if the store lacks it. */
  async prepare(id: string, path: string): Promise<'encoded' | 'cached' | 'present'> {
    if (this.hashes.has(id)) return 'present';
    const bytes = new Uint8Array(await readFile(path));
    const hash = sha256(bytes);
    let enc = this.store ? await this.store.get(hash) : null;
    let how: 'encoded' | 'cached' = 'cached';
    if (enc) this.fromCache++;
    else {
      const image = await decodeImageBytes(bytes, path);
      // The engine caches under the key; this class owns the features, so the engine's copy is dropped.
      const key = `eval-encode:${hash}`;
      enc = await this.encoder.encode(key, image);
      this.encoder.forget(key);
      this.encoded++;
      how = 'encoded';
      if (this.store) await this.store.put(hash, enc);
    }
    this.hashes.set(id, hash);
    this.keep(id, enc);
    return how;
  }

  async get(id: string): Promise<EncodedImage> {
    const enc = this.resident.get(id);
    if (enc) {
      this.workingSet.touch(id);
      return enc;
    }
    const hash = this.hashes.get(id);
    if (hash === undefined) throw new Error(`internal: features of '${id}' were not prepared`);
    const loaded = await this.store?.get(hash);
    if (!loaded) throw new Error(`feature cache entry for '${id}' disappeared during the run`);
    this.keep(id, loaded);
    return loaded;
  }

  private keep(id: string, enc: EncodedImage): void {
    this.resident.set(id, enc);
    for (const out of this.workingSet.touch(id, encodedBytes(enc))) this.resident.delete(out);
  }

  clear(): void {
    this.resident.clear();
    this.hashes.clear();
    this.workingSet.clear();
  }
}
