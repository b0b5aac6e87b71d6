import { describe, expect, it } from 'vitest';
import { muscFlagsGiven, parseMuscFlags } from './musc-flags';

const VIT_L = { blocks: 24, imageSize: 336, patchSize: 14 };

describe('lot-mode flags', () => {
  it('gives the defaults, then a command preset, then the flags', () => {
    expect(parseMuscFlags('eval', {}, VIT_L)).toEqual({
      layers: [5, 11, 17, 23],
      size: 336,
      rList: [1, 3, 5],
      interval: [0, 0.3],
      rscinK: [1, 2, 3],
    });
    const s = parseMuscFlags(
      'eval',
      { layers: '23, 5', size: '518', 'r-list': '1', interval: '0.2,0.7' },
      VIT_L,
      { rscinK: [1, 8, 9] },
    );
    expect(s).toEqual({ layers: [5, 23], size: 518, rList: [1], interval: [0.2, 0.7], rscinK: [1, 8, 9] });
    expect(parseMuscFlags('eval', { 'rscin-k': '1,2' }, VIT_L, { rscinK: [1, 8, 9] }).rscinK).toEqual([1, 2]);
  });

  it('turns malformed and refused values into usage errors naming the flag', () => {
    expect(() => parseMuscFlags('eval', { layers: '1,,2' }, VIT_L)).toThrow(
      /--layers must be comma-separated numbers/,
    );
    expect(() => parseMuscFlags('eval', { size: '518,1' }, VIT_L)).toThrow(/--size takes one number/);
    expect(() => parseMuscFlags('eval', { interval: '0.3' }, VIT_L)).toThrow(/--interval takes two numbers/);
    expect(() => parseMuscFlags('eval', { size: '500' }, VIT_L)).toThrow(
      /eval: lot mode settings: size must be a positive multiple of the patch size 14, got 500 \(see winclip eval --help\)/,
    );
    expect(() => parseMuscFlags('eval', { layers: '24' }, VIT_L)).toThrow(/integers from 0 to 23/);
  });

  it('lists the lot-mode flags given', () => {
    expect(muscFlagsGiven({ size: '240', 'rscin-k': '1' })).toEqual(['--size', '--rscin-k']);
    expect(muscFlagsGiven({})).toEqual([]);
  });
});
