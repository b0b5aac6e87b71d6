import { describe, expect, it } from 'vitest';
import { classifyEngineError } from '../../../workers/errors';
import { OutOfMemoryError } from '../errors';
import { browserLotBudget, lotBytes, lotCapacity, lotFootprint, lotFullMessage } from './lot-memory';

const GiB = 2 ** 30;
// ViT-B-16-plus-240 at S = 240, blocks [2, 5, 8, 11], r [1, 3, 5]: F = 12, P = 225, C = 896, E = 640.
const vitB = lotFootprint(
  { size: 240, layers: [2, 5, 8, 11], rList: [1, 3, 5] },
  { patchSize: 16, visionWidth: 896, embedDim: 640 },
);

describe('lot memory', () => {
  it('counts features, class token and pair distances, hand-worked', () => {
    // (12·225·896 + 640)·4 and 12·225·4.
    expect(vitB).toEqual({ imageBytes: 9_679_360, pairBytes: 10_800 });
    // The tiny fixture's lot of 6 (F = 6, C = 64, E = 32), as MuscLot.bytes() reports it in musc-lot.test.ts.
    const tiny = lotFootprint(
      { size: 240, layers: [0, 1], rList: [1, 3, 5] },
      { patchSize: 16, visionWidth: 64, embedDim: 32 },
    );
    expect(lotBytes(6, tiny)).toBe(6 * 4 * (6 * 225 * 64 + 32 + 5 * 6 * 225));
    expect(lotBytes(1, vitB)).toBe(9_679_360);
    expect(lotBytes(0, vitB)).toBe(0);
  });

  it('fits the most images under a budget, exactly at the boundary', () => {
    // 99 images: 99·9 679 360 + 99·98·10 800 = 1 063 038 240 ≤ 1 GiB < 1 074 856 000 for 100.
    expect(lotBytes(99, vitB)).toBe(1_063_038_240);
    expect(lotBytes(100, vitB)).toBe(1_074_856_000);
    expect(lotCapacity(GiB, vitB)).toBe(99);
    expect(lotCapacity(1_063_038_240, vitB)).toBe(99);
    expect(lotCapacity(1_063_038_239, vitB)).toBe(98);
    expect(lotCapacity(9_679_360, vitB)).toBe(1);
    expect(lotCapacity(9_679_359, vitB)).toBe(0);
    for (const budget of [GiB / 2, 2 * GiB, 5e9]) {
      const n = lotCapacity(budget, vitB);
      expect(lotBytes(n, vitB)).toBeLessThanOrEqual(budget);
      expect(lotBytes(n + 1, vitB)).toBeGreaterThan(budget);
    }
  });

  it('gives the browser a quarter of the device memory, between 512 MiB and 2 GiB', () => {
    expect(browserLotBudget(undefined)).toBe(GiB);
    expect(browserLotBudget(4)).toBe(GiB);
    expect(browserLotBudget(8)).toBe(2 * GiB);
    expect(browserLotBudget(32)).toBe(2 * GiB);
    expect(browserLotBudget(1)).toBe(GiB / 2);
    expect(browserLotBudget(0)).toBe(GiB);
  });

  it('says how many images fit and why, and is not taken for an out-of-memory fault', () => {
    const msg = lotFullMessage(99, vitB, GiB);
    expect(msg).toBe(
      'Lot mode holds at most 99 images of this model in this browser: each image keeps 9.2 MiB of ' +
        'features and 10.5 KiB of distances per other image, and a lot may use 1024.0 MiB. Remove images ' +
        'from the gallery, or score larger lots with the command-line tool (winclip score --method musc).',
    );
    const classified = classifyEngineError(new Error(msg), 'adding a.png to the lot');
    expect(classified).not.toBeInstanceOf(OutOfMemoryError);
    expect(classified.message).toBe(msg);
  });
});
