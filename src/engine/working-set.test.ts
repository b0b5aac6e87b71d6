import { describe, expect, it } from 'vitest';
import { WorkingSet } from './working-set';

describe('working set', () => {
  it('evicts the least recently used beyond the item limit, oldest first', () => {
    const ws = new WorkingSet<string>({ maxItems: 2 });
    expect(ws.touch('a')).toEqual([]);
    expect(ws.touch('b')).toEqual([]);
    expect(ws.touch('a')).toEqual([]); // a is now the most recent
    expect(ws.touch('c')).toEqual(['b']);
    expect(ws.keys()).toEqual(['a', 'c']);
  });

  it('keeps the byte total within the limit and counts sizes exactly', () => {
    const ws = new WorkingSet<string>({ maxBytes: 100 });
    ws.touch('a', 40);
    ws.touch('b', 40);
    expect(ws.bytes).toBe(80);
    expect(ws.touch('c', 50)).toEqual(['a']);
    expect(ws.bytes).toBe(90);
    // A touch without a size keeps the known one.
    ws.touch('b');
    expect(ws.bytes).toBe(90);
    expect(ws.touch('d', 70)).toEqual(['c', 'b']);
    expect(ws.keys()).toEqual(['d']);
    // Larger than the whole limit: evicted itself.
    expect(ws.touch('huge', 101)).toEqual(['d', 'huge']);
    expect(ws.size).toBe(0);
    expect(ws.bytes).toBe(0);
  });

  it('deletes and clears with their bytes, and refuses a negative limit', () => {
    const ws = new WorkingSet<number>({ maxItems: 5 });
    ws.touch(1, 10);
    ws.touch(2, 20);
    expect(ws.delete(1)).toBe(true);
    expect(ws.delete(1)).toBe(false);
    expect(ws.bytes).toBe(20);
    ws.clear();
    expect([ws.size, ws.bytes]).toEqual([0, 0]);
    expect(() => new WorkingSet({ maxItems: -1 })).toThrow(
      'working set: maxItems must be a number >= 0, got -1',
    );
  });
});
