import { describe, expect, it } from 'vitest';
import { PythonRandom } from './python-random';

// Expected values printed by CPython 3 (`random.seed(s)` then the calls named in each test).
describe('PythonRandom (CPython random: MT19937, seed, getrandbits, random, shuffle)', () => {
  it('reproduces random.seed(42) outputs', () => {
    const r = new PythonRandom(42);
    expect([r.getrandbits(32), r.getrandbits(32), r.getrandbits(32)]).toEqual([
      2746317213, 478163327, 107420369,
    ]);
    expect(r.random()).toBe(0.7415504997598329);
    expect(new PythonRandom(42).random()).toBe(0.6394267984578837);
    expect(new PythonRandom(0).random()).toBe(0.8444218515250481);
  });

  it('seeds from every 32-bit word of a large seed', () => {
    expect(new PythonRandom(2 ** 40 + 7).getrandbits(32)).toBe(2635837658);
  });

  it('shuffles as random.shuffle does, sharing one stream across calls', () => {
    const r = new PythonRandom(42);
    const lists = [5, 17, 3].map((n) => {
      const l = Array.from({ length: n }, (_, i) => i);
      r.shuffle(l);
      return l;
    });
    expect(lists).toEqual([
      [3, 1, 2, 4, 0],
      [3, 5, 14, 4, 9, 13, 15, 0, 6, 12, 8, 10, 1, 11, 2, 16, 7],
      [1, 0, 2],
    ]);
    const big = Array.from({ length: 1000 }, (_, i) => i);
    new PythonRandom(42).shuffle(big);
    expect(big.slice(0, 5)).toEqual([776, 507, 895, 922, 33]);
    expect(big.reduce((s, v, i) => s + i * v, 0)).toBe(250181598);
  });

  it('rejects seeds and arguments it cannot reproduce', () => {
    expect(() => new PythonRandom(-1)).toThrow(/non-negative integer/);
    expect(() => new PythonRandom(1.5)).toThrow(/non-negative integer/);
    expect(() => new PythonRandom(1).getrandbits(33)).toThrow(/0\.\.32/);
  });
});
