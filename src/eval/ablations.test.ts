import { describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES } from '../core/prompts';
import { ABLATION_NAMES, ablation, oneClassScore } from './ablations';

describe('ablations', () => {
  it('build the prompt sets of Table 3', () => {
    const full = ablation('full').prompts('metal nut');
    expect(full.normal).toHaveLength(7 * DEFAULT_TEMPLATES.length);
    expect(full.anomalous).toHaveLength(4 * DEFAULT_TEMPLATES.length);
    expect(ablation('two-class').prompts('metal nut')).toEqual({
      normal: ['a photo of a normal metal nut.'],
      anomalous: ['a photo of an anomalous metal nut.'],
    });
    const states = ablation('state-ensemble').prompts('pill');
    expect(states.normal).toHaveLength(7);
    expect(states.anomalous).toEqual([
      'a photo of a damaged pill.',
      'a photo of a pill with flaw.',
      'a photo of a pill with defect.',
      'a photo of a pill with damage.',
    ]);
  });

  it('map Table 8 rows to score options', () => {
    expect(ablation('no-image-scale').options).toEqual({ useImageScale: false });
    expect(ablation('no-mid-scale').options).toEqual({ scales: [2] });
    expect(ablation('no-small-scale').options).toEqual({ scales: [3] });
    // The scale ablations start from the engine's window scales.
    expect(ablation('no-mid-scale', [2, 3, 4]).options).toEqual({ scales: [2, 4] });
    expect(() => ablation('no-mid-scale', [2])).toThrow(
      "ablation 'no-mid-scale' removes the scale-3 windows",
    );
    expect(ablation('no-harmonic').options).toEqual({ aggregation: 'arithmetic' });
    for (const n of ABLATION_NAMES) expect(ablation(n).name).toBe(n);
    expect(ablation('one-class')).toMatchObject({ imageScore: 'one-class', pixel: false, fewShot: false });
  });

  it('scores one-class as the mean negative cosine to the normal prototype', () => {
    const t = new Float32Array([1, 0]);
    // cos = 1 and cos = 0 → −(1 + 0)/2
    expect(oneClassScore([new Float32Array([2, 0]), new Float32Array([0, 3])], t)).toBeCloseTo(-0.5, 12);
    expect(oneClassScore([new Float32Array([-1, 0])], t)).toBeCloseTo(1, 12);
  });
});
