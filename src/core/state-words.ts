/**
 * State words as explanations: each state ("damaged {}", "{} with flaw", …) gets one embedding, the
 * mean of its prompts over the templates (the same mean the class prototypes take over all states),
 * and an image or region embedding is compared with every state by cosine similarity.
 */
import {
  buildPromptSet,
  DEFAULT_ANOMALOUS_STATES,
  DEFAULT_NORMAL_STATES,
  type PromptSetOptions,
} from './prompts';
import type { PromptSet } from './types';

export type StateClass = 'normal' | 'anomalous';

export interface StateGroup {
  /** The state word with the object filled in, e.g. "damaged bottle". */
  state: string;
  /** Its prompts, one per template, in ensemble order. */
  prompts: string[];
}

export interface StateGroups {
  normal: StateGroup[];
  anomalous: StateGroup[];
}

/** The prompts of each state word, built exactly as buildPromptSet builds the ensemble. */
export function stateGroups(opts: PromptSetOptions): StateGroups {
  const group = (states: readonly string[], cls: StateClass): StateGroup[] =>
    states.map((s) => {
      const one = buildPromptSet({
        objectName: opts.objectName,
        templates: opts.templates,
        normalStates: cls === 'normal' ? [s] : [],
        anomalousStates: cls === 'anomalous' ? [s] : [],
      });
      return { state: s.replace('{}', () => opts.objectName), prompts: one[cls] };
    });
  return {
    normal: group(opts.normalStates ?? DEFAULT_NORMAL_STATES, 'normal'),
    anomalous: group(opts.anomalousStates ?? DEFAULT_ANOMALOUS_STATES, 'anomalous'),
  };
}

/** Prompt lists without state structure (a --prompts file): every prompt is its own "state". */
export function promptGroups(prompts: PromptSet): StateGroups {
  const each = (ps: string[]) => ps.map((p) => ({ state: p, prompts: [p] }));
  return { normal: each(prompts.normal), anomalous: each(prompts.anomalous) };
}

/** Every prompt of the groups, normal first, each once (what has to be embedded). */
export function groupPrompts(groups: StateGroups): string[] {
  return [...new Set([...groups.normal, ...groups.anomalous].flatMap((g) => g.prompts))];
}

export interface StateEmbedding {
  state: string;
  cls: StateClass;
  /** Unit-length mean of the state's prompt embeddings [E]. */
  embedding: Float64Array;
}

function unit(v: ArrayLike<number>): Float64Array {
  let ss = 0;
  for (let i = 0; i < v.length; i++) ss += v[i] * v[i];
  const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] * inv;
  return out;
}

/**
 * One embedding per state: the plain mean of its prompts' (un-normalised) embeddings, then unit length.
 * `embed(prompts)` returns them stacked [n, dim].
 */
export function stateEmbeddings(
  groups: StateGroups,
  embed: (prompts: string[]) => Float32Array,
  dim: number,
): StateEmbedding[] {
  const out: StateEmbedding[] = [];
  for (const cls of ['normal', 'anomalous'] as const) {
    for (const g of groups[cls]) {
      if (g.prompts.length === 0) throw new Error(`state '${g.state}' has no prompts`);
      const e = embed(g.prompts);
      if (e.length !== g.prompts.length * dim)
        throw new Error(`state '${g.state}': ${e.length} embedding values for ${g.prompts.length} prompts`);
      const mean = new Float64Array(dim);
      for (let r = 0; r < g.prompts.length; r++) for (let d = 0; d < dim; d++) mean[d] += e[r * dim + d];
      out.push({ state: g.state, cls, embedding: unit(mean) });
    }
  }
  return out;
}

export interface StateMatch {
  state: string;
  cls: StateClass;
  /** cos(embedding, state embedding). */
  similarity: number;
  /** softmax(similarity / τ) over the states compared, as WinCLIP's two-class score does for classes. */
  share: number;
}

/** Cosine similarity of `embedding` [E] with each state, and their softmax shares; best first. */
export function rankStates(
  embedding: ArrayLike<number>,
  states: readonly StateEmbedding[],
  temperature: number,
): StateMatch[] {
  if (states.length === 0) throw new Error('rankStates: no states');
  if (!(temperature > 0)) throw new Error(`rankStates: temperature must be positive, got ${temperature}`);
  const u = unit(embedding);
  const sims = states.map((s) => {
    if (s.embedding.length !== u.length)
      throw new Error(`rankStates: state dim ${s.embedding.length}, embedding dim ${u.length}`);
    let c = 0;
    for (let d = 0; d < u.length; d++) c += u[d] * s.embedding[d];
    return c;
  });
  const top = Math.max(...sims);
  const w = sims.map((c) => Math.exp((c - top) / temperature));
  const z = w.reduce((a, b) => a + b, 0);
  return states
    .map((s, i) => ({ state: s.state, cls: s.cls, similarity: sims[i], share: w[i] / z }))
    .sort((a, b) => b.similarity - a.similarity);
}

/**
 * States of a whole image over all its states (normal and anomalous): shares per tile embedding, then
 * their mean over tiles (as the image score is the mean of tile scores); similarity is also the mean.
 */
export function imageStates(
  tileEmbeddings: readonly ArrayLike<number>[],
  states: readonly StateEmbedding[],
  temperature: number,
): StateMatch[] {
  if (tileEmbeddings.length === 0) throw new Error('imageStates: no tiles');
  const acc = new Map<string, StateMatch>();
  for (const e of tileEmbeddings) {
    for (const m of rankStates(e, states, temperature)) {
      const key = `${m.cls}:${m.state}`;
      const a = acc.get(key) ?? { ...m, similarity: 0, share: 0 };
      a.similarity += m.similarity / tileEmbeddings.length;
      a.share += m.share / tileEmbeddings.length;
      acc.set(key, a);
    }
  }
  return [...acc.values()].sort((a, b) => b.share - a.share);
}
