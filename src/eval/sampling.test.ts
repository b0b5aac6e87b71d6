import { describe, expect, it } from 'vitest';
import { drawShots, parseRefsFile, planRuns } from './sampling';

const train = Array.from({ length: 20 }, (_, i) => `train/good/${String(i).padStart(3, '0')}.png`);

describe('shot draws', () => {
  it('are reproducible, seed-dependent, nested across k, and independent of input order', () => {
    const a = drawShots(train, 4, 0, 'bottle');
    expect(drawShots([...train].reverse(), 4, 0, 'bottle')).toEqual(a);
    expect(new Set(a).size).toBe(4);
    for (const f of a) expect(train).toContain(f);
    expect(drawShots(train, 2, 0, 'bottle')).toEqual(a.slice(0, 2));
    const seeds = Array.from({ length: 5 }, (_, s) => drawShots(train, 4, s, 'bottle').join());
    expect(new Set(seeds).size).toBe(5);
    expect(drawShots(train, 4, 0, 'cable')).not.toEqual(a);
  });

  it('refuses more shots than training images', () => {
    expect(() => drawShots(train.slice(0, 2), 3, 0, 'x')).toThrow(/3 shots/);
  });

  it('plans one zero-shot run and n seeded few-shot runs', () => {
    expect(planRuns('bottle', 0, 5, train, undefined)).toEqual([{ seed: 0, refs: [] }]);
    const runs = planRuns('bottle', 2, 3, train, undefined);
    expect(runs.map((r) => r.seed)).toEqual([0, 1, 2]);
    expect(runs[1].refs).toEqual(drawShots(train, 2, 1, 'bottle'));
  });

  it('takes the draws of a refs file where it covers the category', () => {
    const refs = parseRefsFile(
      { bottle: { '1': { '7': ['train/good/003.png'], '2': ['train/good/010.png'] } } },
      'r.json',
    );
    expect(planRuns('bottle', 1, 5, train, refs)).toEqual([
      { seed: 2, refs: ['train/good/010.png'] },
      { seed: 7, refs: ['train/good/003.png'] },
    ]);
    // Other categories still draw at random.
    expect(planRuns('cable', 1, 2, train, refs)).toHaveLength(2);
    expect(() => planRuns('bottle', 2, 5, train, refs)).toThrow(/no 2-shot draws/);
    const bad = parseRefsFile({ bottle: { '1': { '0': ['train/good/999.png'] } } }, 'r.json');
    expect(() => planRuns('bottle', 1, 5, train, bad)).toThrow(/not in the training split/);
  });

  it('validates the refs file', () => {
    expect(() => parseRefsFile([], 'r.json')).toThrow(/expected an object/);
    expect(() => parseRefsFile({ a: { '2': { '0': ['x'] } } }, 'r.json')).toThrow(
      /lists 1 files, expected 2/,
    );
    expect(() => parseRefsFile({ a: { two: {} } }, 'r.json')).toThrow(/not a positive integer/);
    expect(() => parseRefsFile({ a: { '1': { s: ['x'] } } }, 'r.json')).toThrow(/not an integer/);
  });
});
