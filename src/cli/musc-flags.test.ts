import { describe, expect, it } from 'vitest';
import { cliMuscSettings, muscOverrides, refuseLotFlags } from './musc-flags';

const VIT_L = { blocks: 24, imageSize: 336, patchSize: 14 };

describe('lot-mode flags', () => {
  it('parses lists into overrides of the defaults', () => {
    expect(cliMuscSettings(VIT_L, muscOverrides({}))).toEqual({
      layers: [5, 11, 17, 23],
      size: 336,
      rList: [1, 3, 5],
      interval: [0, 0.3],
      rscinK: [1, 2, 3],
    });
    const o = muscOverrides({
      layers: '23, 5',
      size: '518',
      'r-list': '1',
      interval: '0.2,0.7',
      'rscin-k': '1,8,9',
    });
    expect(cliMuscSettings(VIT_L, o)).toEqual({
      layers: [5, 23],
      size: 518,
      rList: [1],
      interval: [0.2, 0.7],
      rscinK: [1, 8, 9],
    });
  });

  it('turns malformed and refused values into usage errors of the calling command', () => {
    expect(() => muscOverrides({ layers: '1,,2' }, 'eval')).toThrow(
      /^eval: --layers must be a comma-separated list of integers, got '1,,2'/,
    );
    expect(() => muscOverrides({ size: '518,1' }, 'eval')).toThrow(/--size must be one integer/);
    expect(() => muscOverrides({ interval: '0.3' })).toThrow(/^score: --interval must be two numbers/);
    expect(() => cliMuscSettings(VIT_L, { size: 500 }, 'eval')).toThrow(
      /^eval: lot mode settings: size must be a positive multiple of the patch size 14, got 500 \(see winclip eval --help\)/,
    );
    expect(() => refuseLotFlags({ 'rscin-k': '1' }, 'eval')).toThrow(/^eval: --rscin-k needs --method musc/);
    expect(() => refuseLotFlags({})).not.toThrow();
  });
});
