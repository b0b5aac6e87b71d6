/**
 * The few-shot reference bank: which encoded images are references, the memory built over their
 * tiles (lazily, reused), and each image's association results, which stay valid until the bank or
 * the association's own parameters change (prompt edits keep them).
 */
import type { ScoringParameters } from '../core/score-options';
import { buildMemory, type FewShotTile, type Memory } from '../core/scoring';
import type { TileFeatures } from '../core/types';

export class ReferenceBank {
  private readonly keys: string[] = [];
  private memory: Memory | null = null;
  /** Bumped whenever the bank changes; keys the association cache. */
  private version = 0;
  private readonly associations = new Map<
    string,
    { version: number; optsKey: string; tiles: FewShotTile[] }
  >();

  constructor(
    private readonly visionWidth: number,
    private readonly embedDim: number,
    /** The encoded tiles of an image key (references are always encoded). */
    private readonly tilesOf: (key: string) => TileFeatures[] | undefined,
  ) {}

  get size(): number {
    return this.keys.length;
  }

  has(key: string): boolean {
    return this.keys.includes(key);
  }

  list(): string[] {
    return [...this.keys];
  }

  add(key: string): void {
    if (!this.tilesOf(key)) throw new Error(`reference '${key}' is not encoded`);
    if (!this.keys.includes(key)) {
      this.keys.push(key);
      this.invalidate();
    }
  }

  remove(key: string): void {
    const i = this.keys.indexOf(key);
    if (i >= 0) {
      this.keys.splice(i, 1);
      this.invalidate();
    }
  }

  clear(): void {
    this.keys.length = 0;
    this.invalidate();
  }

  /** An image's features changed (or it is gone): its associations are stale, and so is the memory if it is a reference. */
  featuresChanged(key: string): void {
    this.associations.delete(key);
    if (this.keys.includes(key)) this.invalidate();
  }

  private invalidate(): void {
    this.memory = null;
    this.version++;
  }

  /** Memories over every tile of every reference, in bank order; null when the bank is empty. */
  currentMemory(): Memory | null {
    if (this.keys.length === 0) return null;
    if (!this.memory) this.memory = this.memoryOf(this.keys);
    return this.memory;
  }

  /** A memory over the given keys only (e.g. every other reference, for leave-one-out). */
  memoryOf(keys: string[]): Memory {
    const tiles = keys.flatMap((k) => {
      const t = this.tilesOf(k);
      if (!t) throw new Error(`bank image '${k}' is not encoded`);
      return t;
    });
    return buildMemory(tiles, this.visionWidth, this.embedDim);
  }

  /** The parameters the association depends on (the maps' other parameters do not invalidate it). */
  private static optsKey(params: ScoringParameters): string {
    return `${params.aggregation}|${params.scales.join(',')}`;
  }

  cached(key: string | undefined, params: ScoringParameters): FewShotTile[] | undefined {
    const hit = key ? this.associations.get(key) : undefined;
    return hit && hit.version === this.version && hit.optsKey === ReferenceBank.optsKey(params)
      ? hit.tiles
      : undefined;
  }

  store(key: string | undefined, params: ScoringParameters, tiles: FewShotTile[]): void {
    if (key)
      this.associations.set(key, { version: this.version, optsKey: ReferenceBank.optsKey(params), tiles });
  }
}
