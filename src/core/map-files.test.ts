import { describe, expect, it } from 'vitest';
import { mapFileNames, safeRelativePath, uniquePaths } from './map-files';

describe('map file names', () => {
  it('keep the extension, so a.png and a.jpg in one folder stay apart', () => {
    expect(mapFileNames('line1/a.png')).toEqual({
      npy: 'line1/a.png.npy',
      overlay: 'line1/a.png.overlay.png',
    });
    expect(mapFileNames('line1/a.jpg').npy).toBe('line1/a.jpg.npy');
  });

  it('stay inside their folder', () => {
    expect(safeRelativePath('../../etc/x.png')).toBe('etc/x.png');
    expect(safeRelativePath('/abs\\win\\y.png')).toBe('abs/win/y.png');
    expect(safeRelativePath('..')).toBe('image');
  });

  it('number repeats before the extension', () => {
    expect(uniquePaths(['a.png', 'a.png', 'b/a.png', 'a.png', '.hidden', '.hidden'])).toEqual([
      'a.png',
      'a-2.png',
      'b/a.png',
      'a-3.png',
      '.hidden',
      '.hidden-2',
    ]);
  });
});
