import { describe, expect, it } from 'vitest';
import { loadArray, manifest } from '../../test/fixture';
import { windowCount, windowIndices } from './windows';

describe('windowIndices', () => {
  it('3×3 grid, k = 2, by hand', () => {
    expect(windowCount(3, 2)).toBe(4);
    expect([...windowIndices(3, 2)]).toEqual([0, 1, 3, 4, 1, 2, 4, 5, 3, 4, 6, 7, 4, 5, 7, 8]);
  });

  it('k = grid is one window, k = 1 is every patch', () => {
    expect([...windowIndices(2, 2)]).toEqual([0, 1, 2, 3]);
    expect([...windowIndices(3, 1)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(() => windowCount(3, 4)).toThrow();
  });

  for (const k of manifest.scales) {
    it(`matches fixture masks.scale${k} (stored transposed [k², nWindows])`, () => {
      const g = manifest.grid_size[0];
      const { data, shape } = loadArray(`masks.scale${k}`);
      const n = windowCount(g, k);
      expect(shape).toEqual([k * k, n]);
      expect(n).toBe((manifest as unknown as { n_windows: Record<string, number> }).n_windows[String(k)]);
      const idx = windowIndices(g, k);
      expect(idx.length).toBe(n * k * k);
      for (let j = 0; j < n; j++) {
        for (let t = 0; t < k * k; t++) expect(idx[j * k * k + t]).toBe(data[t * n + j]);
      }
    });
  }
});
