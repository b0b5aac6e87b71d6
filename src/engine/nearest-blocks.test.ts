import { describe, expect, it } from 'vitest';
import { PackBuffer } from './nearest-blocks';

describe('PackBuffer', () => {
  it('lends one buffer at a time and keeps the larger one given back', () => {
    const pool = new PackBuffer();
    const a = pool.take(10);
    // A second call in flight gets its own buffer, never the one lent out.
    const b = pool.take(10);
    expect(b).not.toBe(a);
    pool.give(a);
    expect(pool.take(8)).toBe(a);
    pool.give(a);
    pool.give(new Float32Array(4));
    expect(pool.take(10)).toBe(a);
    // Too small for the request: a new one, which then replaces the spare.
    pool.give(a);
    const big = pool.take(20);
    expect(big).not.toBe(a);
    expect(big.length).toBe(20);
    pool.give(big);
    expect(pool.take(12)).toBe(big);
  });
});
