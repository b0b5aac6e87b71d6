/**
 * Features of one category's images during an evaluation: encoded once (or read from the disk cache),
 * then served to every run. They stay in memory up to a byte budget; beyond it they are re-read from the
 * disk cache on each use, so memory stays bounded on large categories (VisA: ~200 images × 2 tiles).
 */
import { readFile } from 'node:fs/promises';
import type { RgbImage } from '../core/types';
import type { EncodedImage } from '../engine/api';
import { decodeImageBytes } from '../io/decode-node';
import { encodedBytes, type FeatureDiskCache, sha256 } from './feature-cache';

/** What the store needs from the engine. */
export interface Encoder {
  encode(key: string, image: RgbImage): Promise<EncodedImage>;
  forget(key: string): void;
}

export const DEFAULT_FEATURE_MEMORY = 2 * 1024 ** 3;

export class FeatureStore {
  private readonly resident = new Map<string, EncodedImage>();
  private readonly hashes = new Map<string, string>();
  private residentBytes = 0;
  encoded = 0;
  fromCache = 0;

  constructor(
    private readonly encoder: Encoder,
    private readonly cache: FeatureDiskCache | null,
    private readonly budgetBytes = DEFAULT_FEATURE_MEMORY,
  ) {}

  /** Makes `id` (a name unique within the store) available, encoding `path` only if the cache lacks it. */
  async prepare(id: string, path: string): Promise<'encoded' | 'cached' | 'present'> {
    if (this.hashes.has(id)) return 'present';
    const bytes = new Uint8Array(await readFile(path));
    const hash = sha256(bytes);
    let enc = this.cache ? await this.cache.load(hash) : undefined;
    let how: 'encoded' | 'cached' = 'cached';
    if (enc) this.fromCache++;
    else {
      const image = await decodeImageBytes(bytes, path);
      // The engine caches under the key; the store owns the features, so the engine's copy is dropped.
      const key = `eval-encode:${hash}`;
      enc = await this.encoder.encode(key, image);
      this.encoder.forget(key);
      this.encoded++;
      how = 'encoded';
      if (this.cache) await this.cache.save(hash, enc);
    }
    this.hashes.set(id, hash);
    const size = encodedBytes(enc);
    // Without a disk cache there is no way back but re-encoding, so everything stays resident.
    if (!this.cache || this.residentBytes + size <= this.budgetBytes) {
      this.resident.set(id, enc);
      this.residentBytes += size;
    }
    return how;
  }

  async get(id: string): Promise<EncodedImage> {
    const enc = this.resident.get(id);
    if (enc) return enc;
    const hash = this.hashes.get(id);
    if (hash === undefined) throw new Error(`internal: features of '${id}' were not prepared`);
    const loaded = await this.cache?.load(hash);
    if (!loaded) throw new Error(`feature cache entry for '${id}' disappeared during the run`);
    return loaded;
  }

  clear(): void {
    this.resident.clear();
    this.hashes.clear();
    this.residentBytes = 0;
  }
}
