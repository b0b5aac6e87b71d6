/** Compositional prompt ensemble (METHOD.md §2): state words × templates. */
import type { PromptSet } from './types';

export const DEFAULT_OBJECT_NAME = 'object';

export const DEFAULT_NORMAL_STATES: string[] = [
  '{}',
  'flawless {}',
  'perfect {}',
  'unblemished {}',
  '{} without flaw',
  '{} without defect',
  '{} without damage',
];

export const DEFAULT_ANOMALOUS_STATES: string[] = [
  'damaged {}',
  '{} with flaw',
  '{} with defect',
  '{} with damage',
];

/** The paper's 22 templates (Fig. 6), in its order. */
export const DEFAULT_TEMPLATES: string[] = [
  'a cropped photo of the {}.',
  'a cropped photo of a {}.',
  'a close-up photo of a {}.',
  'a close-up photo of the {}.',
  'a bright photo of a {}.',
  'a bright photo of the {}.',
  'a dark photo of the {}.',
  'a dark photo of a {}.',
  'a jpeg corrupted photo of a {}.',
  'a jpeg corrupted photo of the {}.',
  'a blurry photo of the {}.',
  'a blurry photo of a {}.',
  'a photo of a {}.',
  'a photo of the {}.',
  'a photo of a small {}.',
  'a photo of the small {}.',
  'a photo of a large {}.',
  'a photo of the large {}.',
  'a photo of the {} for visual inspection.',
  'a photo of a {} for visual inspection.',
  'a photo of the {} for anomaly detection.',
  'a photo of a {} for anomaly detection.',
];

/**
 * The 21-template list of a widely used re-implementation (METHOD.md §6): it repeats
 * "a jpeg corrupted photo of the {}." and lacks two of the paper's templates. Parity fixtures use it.
 */
export const LEGACY_21_TEMPLATES: string[] = DEFAULT_TEMPLATES.filter(
  (t) => t !== 'a cropped photo of a {}.',
).map((t) => (t === 'a jpeg corrupted photo of a {}.' ? 'a jpeg corrupted photo of the {}.' : t));

export interface PromptSetOptions {
  objectName: string;
  normalStates?: readonly string[];
  anomalousStates?: readonly string[];
  templates?: readonly string[];
}

/** Replaces the first `{}`; a function replacement keeps `$&`-style sequences in names literal. */
function fill(pattern: string, value: string): string {
  return pattern.replace('{}', () => value);
}

function expand(states: readonly string[], templates: readonly string[], objectName: string): string[] {
  const out: string[] = [];
  for (const state of states) {
    const phrase = fill(state, objectName);
    for (const template of templates) out.push(fill(template, phrase));
  }
  return out;
}

/** All prompts, ordered "for each state, for each template" (the order the prototype means use). */
export function buildPromptSet(opts: PromptSetOptions): PromptSet {
  const templates = opts.templates ?? DEFAULT_TEMPLATES;
  return {
    normal: expand(opts.normalStates ?? DEFAULT_NORMAL_STATES, templates, opts.objectName),
    anomalous: expand(opts.anomalousStates ?? DEFAULT_ANOMALOUS_STATES, templates, opts.objectName),
  };
}
