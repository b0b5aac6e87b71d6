/**
 * Feature residency in the worker: which images' features are in the engine's memory. Stored features
 * (those with a content hash bound and a copy in the feature store) form a working set of at most
 * FEATURE_WORKING_SET images, least recently used first; older ones are dropped from memory and reloaded
 * from the store on demand. References are pinned in memory, and so are features that could not be stored.
 */
import { errorText } from '../src/core/errors';
import type { EncodedImage } from '../src/engine/api';
import { encodedBytes, type FeatureStore } from '../src/engine/feature-store';
import { WorkingSet } from '../src/engine/working-set';
import type { FeatureMemory, StoredInfo } from './protocol';

/** Images whose stored features stay in memory (references and unsaved features come on top). */
const FEATURE_WORKING_SET = 64;

/** What residency needs from the engine (WinclipEngine has it). */
export interface ResidentEngine {
  getEncoded(key: string): EncodedImage | undefined;
  putEncoded(key: string, encoded: EncodedImage): void;
  forget(key: string): void;
  referenceKeys(): string[];
}

export type FeatureSource = Omit<StoredInfo, 'contentHash'>;

export class FeatureResidency {
  private engine: ResidentEngine | null = null;
  private store: FeatureStore | null = null;
  /** Content hash per image key, for keys whose features may live in the store. */
  private readonly bindings = new Map<string, string>();
  /** Image keys with stored features in memory, least recently used first. */
  private readonly workingSet: WorkingSet<string>;
  /** Image keys whose features could not be stored: never dropped. */
  private readonly unsaved = new Set<string>();

  constructor(
    /** Called for each key whose features leave memory (the host drops its results for it). */
    private readonly onDropped: (key: string) => void = () => undefined,
    readonly capacity = FEATURE_WORKING_SET,
  ) {
    this.workingSet = new WorkingSet({ maxItems: capacity });
  }

  /** A new model: its engine and its store (null without a model identity); earlier bindings are forgotten. */
  attach(engine: ResidentEngine, store: FeatureStore | null): void {
    this.engine = engine;
    this.store = store;
    this.bindings.clear();
    this.workingSet.clear();
    this.unsaved.clear();
  }

  private requireEngine(): ResidentEngine {
    if (!this.engine) throw new Error('No model is loaded');
    return this.engine;
  }

  /** Registers `key`'s content: its features can be loaded from the store when a call needs them. */
  bind(key: string, contentHash: string): void {
    this.bindings.set(key, contentHash);
  }

  forget(key: string): void {
    this.bindings.delete(key);
    this.workingSet.delete(key);
    this.unsaved.delete(key);
  }

  /** Makes sure the engine holds `key`'s features, loading them from the store if they were dropped. */
  async ensureLoaded(key: string): Promise<boolean> {
    const engine = this.requireEngine();
    if (engine.getEncoded(key)) {
      this.markUsed(key);
      return true;
    }
    const hash = this.bindings.get(key);
    if (!hash || !this.store) return false;
    const stored = await this.store.get(hash).catch(() => null);
    if (!stored) return false;
    engine.putEncoded(key, stored);
    this.markUsed(key);
    return true;
  }

  /**
   * Puts `key`'s features (content `hash`) into the engine: from the store when it has them, or `encode`
   * runs (it leaves them in the engine) and they are stored. A failed save keeps them in memory.
   */
  async featuresFor(key: string, hash: string, encode: () => Promise<void>): Promise<FeatureSource> {
    const engine = this.requireEngine();
    this.bindings.set(key, hash);
    const stored = this.store ? await this.store.get(hash).catch(() => null) : null;
    if (stored) {
      engine.putEncoded(key, stored);
      this.unsaved.delete(key);
      return { fromStore: true, featureBytes: encodedBytes(stored), saveError: null };
    }
    await encode();
    const encoded = engine.getEncoded(key);
    if (!encoded) throw new Error(`internal: encoding ${key} left no features`);
    if (!this.store) return { fromStore: false, featureBytes: 0, saveError: 'no model identity' };
    try {
      const featureBytes = await this.store.put(hash, encoded);
      this.unsaved.delete(key);
      return { fromStore: false, featureBytes, saveError: null };
    } catch (err) {
      this.unsaved.add(key);
      const full = err instanceof DOMException && err.name === 'QuotaExceededError';
      return { fromStore: false, featureBytes: 0, saveError: full ? 'storage is full' : errorText(err) };
    }
  }

  /**
   * Marks `key` as just used and drops the least recently used stored features beyond the working set.
   * Unbound keys, unsaved features and references are not in the working set: they never leave memory.
   */
  markUsed(key: string): void {
    const engine = this.requireEngine();
    if (this.unsaved.has(key) || !this.bindings.has(key)) return;
    if (engine.referenceKeys().includes(key)) return;
    for (const out of this.workingSet.touch(key)) {
      engine.forget(out);
      this.onDropped(out);
    }
  }

  /** `key` became a reference: pinned in memory from now on. */
  pin(key: string): void {
    this.workingSet.delete(key);
  }

  /** Keys in the working set, least recently used first. */
  residentKeys(): string[] {
    return this.workingSet.keys();
  }

  memory(): FeatureMemory {
    const engine = this.engine;
    let inMemory = 0;
    let unsaved = 0;
    let bytes = 0;
    if (engine) {
      const refs = new Set(engine.referenceKeys());
      for (const key of new Set([...this.bindings.keys(), ...refs])) {
        const enc = engine.getEncoded(key);
        if (!enc) continue;
        bytes += encodedBytes(enc);
        if (refs.has(key)) continue;
        inMemory++;
        if (this.unsaved.has(key)) unsaved++;
      }
    }
    return { inMemory, unsaved, workingSet: this.capacity, bytes };
  }
}
