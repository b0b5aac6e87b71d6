/**
 * The prompt side of the engine: embeddings cached per prompt string (so an edit embeds only new
 * prompts), the current prompt set and its class prototypes.
 */
import { type ClassPrototypes, classPrototypes } from '../core/scoring';
import type { PromptSet } from '../core/types';

/** Embeds texts (un-normalised, [n, E] as n rows); the engine's text encoder. */
export type EmbedTexts = (texts: string[]) => Promise<Float32Array[]>;

export class PromptCache {
  private readonly embeddings = new Map<string, Float32Array>();
  private prompts: PromptSet | null = null;
  private protos: ClassPrototypes | null = null;
  /** Prompts embedded by the text encoder so far (not those imported). */
  embedded = 0;

  constructor(
    private readonly embedDim: number,
    private readonly embedTexts: EmbedTexts,
  ) {}

  /** Makes `prompts` current; returns how many were new and the time it took. */
  async set(prompts: PromptSet): Promise<{ embedded: number; ms: number }> {
    if (prompts.normal.length === 0 || prompts.anomalous.length === 0) {
      throw new Error('prompts: both the normal and the anomalous list need at least one prompt');
    }
    const t0 = performance.now();
    const fresh = await this.embedMissing([...prompts.normal, ...prompts.anomalous]);
    this.prompts = { normal: [...prompts.normal], anomalous: [...prompts.anomalous] };
    this.protos = classPrototypes(this.stack(prompts.normal), this.stack(prompts.anomalous), this.embedDim);
    return { embedded: fresh, ms: performance.now() - t0 };
  }

  /** Embeddings of prompts, stacked [n, E]; embeds (and caches) only those not seen before. */
  async embed(prompts: string[]): Promise<Float32Array> {
    await this.embedMissing(prompts);
    return this.stack(prompts);
  }

  private async embedMissing(prompts: string[]): Promise<number> {
    const fresh = [...new Set(prompts)].filter((p) => !this.embeddings.has(p));
    if (fresh.length > 0) {
      const emb = await this.embedTexts(fresh);
      for (const [i, p] of fresh.entries()) this.embeddings.set(p, emb[i]);
      this.embedded += fresh.length;
    }
    return fresh.length;
  }

  /** Cached embeddings of those prompts that have one (for a persistent cache outside the engine). */
  export(prompts: string[]): [string, Float32Array][] {
    const out: [string, Float32Array][] = [];
    for (const p of new Set(prompts)) {
      const e = this.embeddings.get(p);
      if (e) out.push([p, e]);
    }
    return out;
  }

  /** Seeds the cache with embeddings computed earlier by this model; wrong sizes are refused. */
  import(entries: [string, Float32Array][]): number {
    let n = 0;
    for (const [p, e] of entries) {
      if (e.length !== this.embedDim)
        throw new Error(`prompt embedding of "${p}" has ${e.length} values, expected ${this.embedDim}`);
      if (!this.embeddings.has(p)) n++;
      this.embeddings.set(p, e);
    }
    return n;
  }

  current(): PromptSet | null {
    return this.prompts ? { normal: [...this.prompts.normal], anomalous: [...this.prompts.anomalous] } : null;
  }

  prototypes(): ClassPrototypes {
    if (!this.protos) throw new Error('no prompts set: call setPrompts first');
    return this.protos;
  }

  hasPrototypes(): boolean {
    return this.protos !== null;
  }

  /** Cached embeddings of prompts, stacked [n, E]. */
  stack(prompts: string[]): Float32Array {
    const E = this.embedDim;
    const out = new Float32Array(prompts.length * E);
    prompts.forEach((p, i) => {
      const e = this.embeddings.get(p);
      if (!e) throw new Error(`internal: prompt not embedded: ${p}`);
      out.set(e, i * E);
    });
    return out;
  }
}
