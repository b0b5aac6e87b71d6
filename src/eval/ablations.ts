/**
 * The paper's ablations as evaluation settings.
 *
 * Table 3 (zero-shot classification, Section 4.1 / 5.4), rows (a)–(c):
 *  - 'one-class': only the normal prompt s− = "normal [o]" exists; the anomaly score is −⟨f(x), g(s−)⟩
 *    (negative cosine to the normal text embedding; the paper's inner product of normalised CLIP
 *    embeddings). Computed here from the image embeddings and the engine's normal prototype. It is a
 *    classification baseline only: no anomaly map, so no pixel metrics, and zero-shot only.
 *  - 'two-class': CLIP-AC, the two class prompts "normal [o]" vs "anomalous [o]" in CLIP's single
 *    zero-shot template ("a photo of a [c].", article fixed to "an anomalous").
 *  - 'state-ensemble': row (b), the state-word lists of CPE (7 normal, 4 anomalous) with that same single template.
 *  - 'full': row (c), the compositional prompt ensemble (states × the 22 templates) — the default.
 *    Row (d) "+ multi-crop" is not part of the pipeline pinned in METHOD.md and is not offered.
 * Table 8 (zero-shot segmentation), full prompts with ScoreOptions:
 *  - 'no-image-scale': the image-level score is left out of the multi-scale harmonic mean.
 *  - 'no-mid-scale': without the 3×3-patch windows (the paper's mid scale, 48 px on ViT-B/16+).
 *  - 'no-small-scale': without the 2×2-patch windows (small scale, 32 px).
 *    Both drop that one kernel from the window scales the engine runs with (method settings).
 *  - 'no-harmonic': arithmetic instead of harmonic means (window→cell pooling and map combination).
 * Table 8's "Patch-token" and "Image tiling" rows are other methods, not ablations of WinCLIP.
 */
import { WINDOW_SCALES } from '../core/method-settings';
import { buildPromptSet } from '../core/prompts';
import type { ScoreOptions } from '../core/score-options';
import type { PromptSet } from '../core/types';

export const ABLATION_NAMES = [
  'full',
  'one-class',
  'two-class',
  'state-ensemble',
  'no-image-scale',
  'no-mid-scale',
  'no-small-scale',
  'no-harmonic',
] as const;

export type AblationName = (typeof ABLATION_NAMES)[number];

/** CLIP's plain zero-shot template, used by the single-template rows of Table 3. */
const SINGLE_TEMPLATE = 'a photo of a {}.';

export interface Ablation {
  name: AblationName;
  prompts(objectName: string): PromptSet;
  options: ScoreOptions;
  /** 'one-class' scores images itself from the normal prototype; everything else uses the engine's score. */
  imageScore: 'engine' | 'one-class';
  /** Whether the setting produces anomaly maps (pixel metrics). */
  pixel: boolean;
  /** Whether few-shot (k > 0) runs make sense. */
  fewShot: boolean;
}

const twoClass = (o: string): PromptSet => ({
  normal: [`a photo of a normal ${o}.`],
  anomalous: [`a photo of an anomalous ${o}.`],
});
const cpe = (o: string): PromptSet => buildPromptSet({ objectName: o });

export function isAblationName(s: string): s is AblationName {
  return (ABLATION_NAMES as readonly string[]).includes(s);
}

/** The window scales without kernel k; an ablation that removes nothing (or everything) is refused. */
function without(k: number, name: AblationName, scales: readonly number[]): number[] {
  const rest = scales.filter((s) => s !== k);
  if (rest.length === scales.length || rest.length === 0)
    throw new Error(
      `ablation '${name}' removes the scale-${k} windows, but the engine's window scales are [${scales.join(', ')}]`,
    );
  return rest;
}

/** The setting `name`; `windowScales` are the scales the engine encodes (its method settings). */
export function ablation(name: AblationName, windowScales: readonly number[] = WINDOW_SCALES): Ablation {
  const base = { name, options: {}, imageScore: 'engine' as const, pixel: true, fewShot: true };
  switch (name) {
    case 'full':
      return { ...base, prompts: cpe };
    case 'one-class':
      // The engine needs an anomalous list to build prototypes; only the normal prototype is used.
      return { ...base, prompts: twoClass, imageScore: 'one-class', pixel: false, fewShot: false };
    case 'two-class':
      return { ...base, prompts: twoClass };
    case 'state-ensemble':
      return { ...base, prompts: (o) => buildPromptSet({ objectName: o, templates: [SINGLE_TEMPLATE] }) };
    case 'no-image-scale':
      return { ...base, prompts: cpe, options: { useImageScale: false } };
    case 'no-mid-scale':
      return { ...base, prompts: cpe, options: { scales: without(3, name, windowScales) } };
    case 'no-small-scale':
      return { ...base, prompts: cpe, options: { scales: without(2, name, windowScales) } };
    case 'no-harmonic':
      return { ...base, prompts: cpe, options: { aggregation: 'arithmetic' } };
  }
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

/** One-class score of an image: mean over its tiles of −cos(image embedding, normal prototype). */
export function oneClassScore(tileEmbeddings: Float32Array[], normalPrototype: Float32Array): number {
  let s = 0;
  for (const e of tileEmbeddings) s -= cosine(e, normalPrototype);
  return s / tileEmbeddings.length;
}
