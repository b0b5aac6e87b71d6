import { describe, expect, it } from 'vitest';
import { fixturePrompts } from '../../test/fixture';
import {
  buildPromptSet,
  DEFAULT_ANOMALOUS_STATES,
  DEFAULT_NORMAL_STATES,
  DEFAULT_OBJECT_NAME,
  DEFAULT_TEMPLATES,
  LEGACY_21_TEMPLATES,
} from './prompts';

describe('prompt ensemble', () => {
  it('has the paper’s 7 + 4 states and 22 distinct templates', () => {
    expect(DEFAULT_NORMAL_STATES.length).toBe(7);
    expect(DEFAULT_ANOMALOUS_STATES.length).toBe(4);
    expect(DEFAULT_TEMPLATES.length).toBe(22);
    expect(new Set(DEFAULT_TEMPLATES).size).toBe(22);
    expect(DEFAULT_TEMPLATES.slice(0, 4)).toEqual([
      'a cropped photo of the {}.',
      'a cropped photo of a {}.',
      'a close-up photo of a {}.',
      'a close-up photo of the {}.',
    ]);
    expect(DEFAULT_OBJECT_NAME).toBe('object');
  });

  it('the legacy 21-template list differs from the paper’s exactly as documented', () => {
    expect(LEGACY_21_TEMPLATES.length).toBe(21);
    expect(LEGACY_21_TEMPLATES.filter((t) => t === 'a jpeg corrupted photo of the {}.').length).toBe(2);
    const missing = DEFAULT_TEMPLATES.filter((t) => !LEGACY_21_TEMPLATES.includes(t));
    expect(missing).toEqual(['a cropped photo of a {}.', 'a jpeg corrupted photo of a {}.']);
  });

  it('reproduces the fixture prompts.json exactly with the legacy list and "bottle"', () => {
    const set = buildPromptSet({ objectName: fixturePrompts.class_name, templates: LEGACY_21_TEMPLATES });
    expect(set.normal).toEqual(fixturePrompts.normal);
    expect(set.anomalous).toEqual(fixturePrompts.anomalous);
  });

  it('orders prompts "for each state, for each template" with the defaults', () => {
    const set = buildPromptSet({ objectName: 'screw' });
    expect(set.normal.length).toBe(7 * 22);
    expect(set.anomalous.length).toBe(4 * 22);
    expect(set.normal[0]).toBe('a cropped photo of the screw.');
    expect(set.normal[22]).toBe('a cropped photo of the flawless screw.');
    expect(set.normal[22 * 4 + 1]).toBe('a cropped photo of a screw without flaw.');
    expect(set.anomalous[21]).toBe('a photo of a damaged screw for anomaly detection.');
    expect(set.anomalous[22]).toBe('a cropped photo of the screw with flaw.');
  });

  it('custom states and templates; names are inserted literally', () => {
    const set = buildPromptSet({
      objectName: 'p$&cb',
      normalStates: ['{}'],
      anomalousStates: ['{} with a scratch', 'missing screw'],
      templates: ['{}', 'a photo of {}!'],
    });
    expect(set.normal).toEqual(['p$&cb', 'a photo of p$&cb!']);
    expect(set.anomalous).toEqual([
      'p$&cb with a scratch',
      'a photo of p$&cb with a scratch!',
      'missing screw',
      'a photo of missing screw!',
    ]);
  });
});
