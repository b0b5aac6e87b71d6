import { describe, expect, it } from 'vitest';
import type { RecipeModel } from '../../core/recipe';
import { initialModelState } from './store';
import {
  bindToModel,
  calibrationApplies,
  carryOver,
  type ModeThresholds,
  promptsBasis,
  thresholdStateOf,
} from './threshold-decisions';

const PROMPTS = {
  objectName: 'bottle',
  normalStates: ['{}'],
  anomalousStates: ['broken {}'],
  templates: ['{}'],
};
const P = promptsBasis(PROMPTS);

function entry(source: ModeThresholds['source'], image: number, model: string | null = 'm1'): ModeThresholds {
  return { image, pixel: 0.6, source, model, prompts: P };
}

function state(identity: string | null, phase: 'ready' | 'building' = 'ready') {
  return { model: { ...initialModelState, phase, identity }, prompts: PROMPTS };
}

describe('whose thresholds win', () => {
  it('a calibration replaces only a calibrated or missing entry', () => {
    expect(calibrationApplies(undefined)).toBe(true);
    expect(calibrationApplies(entry('reference-bank', 0.3))).toBe(true);
    for (const s of ['manual', 'labels', 'recipe'] as const)
      expect(calibrationApplies(entry(s, 0.3))).toBe(false);
  });

  it('staleness is the model identity and the prompts, not known while no model is ready', () => {
    const e = entry('labels', 0.2698);
    expect(thresholdStateOf(e, state('m1'))).toBe('labels');
    expect(thresholdStateOf(e, state('m2'))).toBe('stale');
    expect(thresholdStateOf(e, state(null, 'building'))).toBe('labels');
    expect(thresholdStateOf(e, { ...state('m1'), prompts: { ...PROMPTS, objectName: 'cap' } })).toBe('stale');
    expect(thresholdStateOf(undefined, state('m1'))).toBe('uncalibrated');
  });

  it("carries the user's threshold between few-shot K, never across kinds or over the user's own", () => {
    const byMode = { 'few-shot:2': entry('manual', 0.3), 'few-shot:3': entry('reference-bank', 0.343) };
    expect(carryOver(byMode, 'few-shot:2', 'few-shot:3')?.['few-shot:3']).toEqual(entry('manual', 0.3));
    expect(carryOver(byMode, 'few-shot:2', 'few-shot:4')?.['few-shot:4']).toEqual(entry('manual', 0.3));
    expect(carryOver(byMode, 'few-shot:3', 'few-shot:2')).toBeNull();
    expect(carryOver(byMode, 'few-shot:2', 'zero-shot')).toBeNull();
    expect(carryOver({ 'zero-shot': entry('manual', 0.5) }, 'zero-shot', 'few-shot:1')).toBeNull();
    expect(
      carryOver({ ...byMode, 'few-shot:3': entry('labels', 0.31) }, 'few-shot:2', 'few-shot:3'),
    ).toBeNull();
  });

  it("binds unbound thresholds to the loaded model, and a recipe's only to the recipe's model", () => {
    const want: RecipeModel = {
      source: { kind: 'local' },
      label: 'open_clip_model (kept)',
      weightsBytes: 10,
      weightsFingerprint: 'sampled-sha256-v1:aa',
    };
    const byMode: Record<string, ModeThresholds> = {
      'zero-shot': entry('manual', 0.5, null),
      'few-shot:2': { ...entry('recipe', 0.27, null), awaits: want },
      'few-shot:3': entry('labels', 0.3, 'm0'),
    };
    const other = { ...want, label: 'x (local)', weightsFingerprint: 'sampled-sha256-v1:bb' };
    const a = bindToModel(byMode, 'm1', other);
    expect(a['zero-shot'].model).toBe('m1');
    expect(a['few-shot:2']).toEqual(byMode['few-shot:2']);
    expect(a['few-shot:3'].model).toBe('m0');
    const b = bindToModel(byMode, 'm1', { ...want, label: 'open_clip_model (local)' });
    expect(b['few-shot:2']).toEqual(entry('recipe', 0.27, 'm1'));
    expect(bindToModel({ 'few-shot:3': entry('labels', 0.3) }, 'm1', null)).toEqual({
      'few-shot:3': entry('labels', 0.3),
    });
  });
});
