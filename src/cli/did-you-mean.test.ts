import { describe, expect, it } from 'vitest';
import { closestName, editDistance } from './did-you-mean';

describe('did you mean', () => {
  it('counts edits, an adjacent swap as one', () => {
    expect(editDistance('model', 'model')).toBe(0);
    expect(editDistance('modle', 'model')).toBe(1);
    expect(editDistance('mdoel', 'model')).toBe(1);
    expect(editDistance('modl', 'model')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'out')).toBe(3);
  });

  const flags = [
    'model',
    'object',
    'prompts',
    'ref',
    'recipe',
    'out',
    'csv',
    'image-threshold',
    'pixel-threshold',
    'temperature',
  ];

  it('suggests the nearest name within a third of the word, or one it starts', () => {
    expect(closestName('modle', flags)).toBe('model');
    expect(closestName('promts', flags)).toBe('prompts');
    expect(closestName('image-treshold', flags)).toBe('image-threshold');
    expect(closestName('recip', flags)).toBe('recipe');
    expect(closestName('rec', flags)).toBe('ref');
    expect(closestName('temp', flags)).toBe('temperature');
    expect(closestName('ou', flags)).toBe('out');
    expect(closestName('scroe', ['score', 'calibrate', 'eval', 'synth'])).toBe('score');
    expect(closestName('calibrat', ['score', 'calibrate', 'eval', 'synth'])).toBe('calibrate');
  });

  it('suggests nothing for a word unlike every name', () => {
    expect(closestName('colour', flags)).toBeUndefined();
    expect(closestName('verbose', flags)).toBeUndefined();
    expect(closestName('x', ['help', 'version'])).toBeUndefined();
  });
});
