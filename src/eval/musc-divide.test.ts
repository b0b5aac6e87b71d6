import { describe, expect, it } from 'vitest';
import { anomalyTypeOf, divideLot } from './musc-divide';

const files = [
  ...Array.from({ length: 7 }, (_, i) => `test/broken/00${i}.png`),
  ...Array.from({ length: 9 }, (_, i) => `test/good/00${i}.png`),
  ...Array.from({ length: 4 }, (_, i) => `test/hole/00${i}.png`),
];
const p = (t: string, ids: number[]) => ids.map((i) => `test/${t}/00${i}.png`);

// Expected subsets printed by MuSc's sub_datasets (datasets/mvtec.py) run in CPython 3 on these paths.
describe('divideLot (MuSc divide_num, seed 42)', () => {
  it('splits into 2 subsets as the official code does', () => {
    expect(divideLot(files, anomalyTypeOf, 2)).toEqual([
      [...p('broken', [1, 4, 6, 5]), ...p('good', [3, 8, 4, 5, 2]), ...p('hole', [1, 3])],
      [...p('broken', [3, 2, 0]), ...p('good', [7, 0, 6, 1]), ...p('hole', [2, 0])],
    ]);
  });

  it('splits into 3 subsets as the official code does', () => {
    expect(divideLot(files, anomalyTypeOf, 3)).toEqual([
      [...p('broken', [1, 2, 5]), ...p('good', [3, 0, 5]), ...p('hole', [1, 0])],
      [...p('broken', [3, 6]), ...p('good', [7, 4, 1]), ...p('hole', [2])],
      [...p('broken', [4, 0]), ...p('good', [8, 6, 2]), ...p('hole', [3])],
    ]);
  });

  it('keeps the order unshuffled for 1 and refuses splits it cannot make', () => {
    expect(divideLot(files, anomalyTypeOf, 1)).toEqual([files]);
    expect(() => divideLot(files.slice(0, 3), anomalyTypeOf, 4)).toThrow(/subset 4 empty/);
    expect(() => divideLot(files, anomalyTypeOf, 0)).toThrow(/integer >= 1/);
  });

  it('takes the anomaly type from the parent folder, as path.split("/")[-2]', () => {
    expect(anomalyTypeOf('test/good/000.png')).toBe('good');
    expect(anomalyTypeOf('Data/Images/Anomaly/000.JPG')).toBe('Anomaly');
    expect(anomalyTypeOf('x.png')).toBe('');
  });
});
