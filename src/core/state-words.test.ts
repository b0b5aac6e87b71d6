import { describe, expect, it } from 'vitest';
import { buildPromptSet } from './prompts';
import {
  groupPrompts,
  imageStates,
  promptGroups,
  rankStates,
  stateEmbeddings,
  stateGroups,
} from './state-words';

const opts = {
  objectName: 'bottle',
  normalStates: ['{}', 'flawless {}'],
  anomalousStates: ['damaged {}'],
  templates: ['a photo of a {}.', '{} on a table'],
};

describe('state words', () => {
  it('groups the ensemble by state, in ensemble order', () => {
    const g = stateGroups(opts);
    expect(g.normal[1]).toEqual({
      state: 'flawless bottle',
      prompts: ['a photo of a flawless bottle.', 'flawless bottle on a table'],
    });
    expect(g.anomalous.map((s) => s.state)).toEqual(['damaged bottle']);
    const set = buildPromptSet(opts);
    expect(g.normal.flatMap((s) => s.prompts)).toEqual(set.normal);
    expect(g.anomalous.flatMap((s) => s.prompts)).toEqual(set.anomalous);
    expect(groupPrompts(g)).toEqual([...set.normal, ...set.anomalous]);
    expect(stateGroups({ objectName: 'nut' }).anomalous).toHaveLength(4);
    expect(promptGroups({ normal: ['a'], anomalous: ['b', 'c'] }).anomalous[1]).toEqual({
      state: 'c',
      prompts: ['c'],
    });
  });

  it('a state embedding is the unit mean of its prompt embeddings', () => {
    const rows: Record<string, number[]> = { p: [1, 0], q: [0, 3], r: [0, -2] };
    const embed = (ps: string[]) => Float32Array.from(ps.flatMap((p) => rows[p]));
    const s = stateEmbeddings(
      { normal: [{ state: 'n', prompts: ['p', 'q'] }], anomalous: [{ state: 'a', prompts: ['r'] }] },
      embed,
      2,
    );
    // mean([1,0],[0,3]) = [0.5, 1.5] → /√2.5.
    expect(s[0].cls).toBe('normal');
    expect(s[0].embedding[0]).toBeCloseTo(0.5 / Math.sqrt(2.5), 14);
    expect(s[0].embedding[1]).toBeCloseTo(1.5 / Math.sqrt(2.5), 14);
    expect(Array.from(s[1].embedding)).toEqual([0, -1]);
  });

  const states = [
    { state: 'a1', cls: 'anomalous' as const, embedding: Float64Array.from([1, 0]) },
    { state: 'a2', cls: 'anomalous' as const, embedding: Float64Array.from([0, 1]) },
  ];

  it('ranks states by cosine, shares a softmax over cos/τ', () => {
    // [0.5, −0.5]: cos 1/√2 with a1, −1/√2 with a2; share of a1 at τ 1 = 1/(1 + e^(−√2)).
    const r = rankStates([0.5, -0.5], states, 1);
    expect(r.map((m) => m.state)).toEqual(['a1', 'a2']);
    expect(r[0].similarity).toBeCloseTo(Math.SQRT1_2, 14);
    expect(r[0].share).toBeCloseTo(0.8044296825069569, 14);
    expect(r[1].share).toBeCloseTo(1 - 0.8044296825069569, 14);
    expect(rankStates([0.5, -0.5], states, 0.5)[0].share).toBeCloseTo(0.9441927807928303, 14);
  });

  it('image states: mean of the per-tile shares', () => {
    // Tile 1 = a1 exactly, tile 2 = a2 exactly: at τ 1 each tile gives 1/(1 + e^−1) to its own state.
    const own = 1 / (1 + Math.exp(-1));
    const r = imageStates(
      [
        [2, 0],
        [0, 5],
      ],
      states,
      1,
    );
    expect(r[0].share).toBeCloseTo(0.5, 14);
    expect(r[0].share + r[1].share).toBeCloseTo(1, 14);
    expect(imageStates([[2, 0]], states, 1)[0]).toMatchObject({ state: 'a1', similarity: 1 });
    expect(imageStates([[2, 0]], states, 1)[0].share).toBeCloseTo(own, 14);
  });
});
