/** Engine glue for explanations: state-word embeddings from the engine's prompt cache, then the pure core. */
import { type Explanation, explainImage } from '../core/explain';
import { groupPrompts, type StateEmbedding, type StateGroups, stateEmbeddings } from '../core/state-words';
import type { Geometry, ImageResult } from '../core/types';
import type { EncodedImage } from './api';

export interface ExplainEngine {
  readonly geometry: Geometry;
  readonly settings: { readonly windowScales: readonly number[]; readonly temperature: number };
  embedPrompts(prompts: string[]): Promise<Float32Array>;
  getEncoded(key: string): EncodedImage | undefined;
}

/** One embedding per state word; embeds only prompts the engine has not seen (none after setPrompts). */
export async function stateVocabulary(engine: ExplainEngine, groups: StateGroups): Promise<StateEmbedding[]> {
  const prompts = groupPrompts(groups);
  const E = engine.geometry.embedDim;
  const stacked = await engine.embedPrompts(prompts);
  const row = new Map(prompts.map((p, i) => [p, i]));
  return stateEmbeddings(
    groups,
    (ps) => {
      const out = new Float32Array(ps.length * E);
      ps.forEach((p, i) => {
        const r = row.get(p)!;
        out.set(stacked.subarray(r * E, (r + 1) * E), i * E);
      });
      return out;
    },
    E,
  );
}

/**
 * Regions above `pixelThreshold` with their state words, and the image's state words; with a care mask
 * (src/core/care-mask.ts) the regions are made of the pixels outside don't-care areas only.
 */
export function explain(
  engine: ExplainEngine,
  key: string,
  result: ImageResult,
  pixelThreshold: number,
  vocabulary: readonly StateEmbedding[],
  temperature = engine.settings.temperature,
  care: Uint8Array | null = null,
): Explanation {
  const enc = engine.getEncoded(key);
  if (!enc) throw new Error(`image '${key}' is not encoded`);
  const geom = { ...engine.geometry, scales: engine.settings.windowScales };
  return explainImage(enc, result, pixelThreshold, vocabulary, geom, temperature, care);
}
