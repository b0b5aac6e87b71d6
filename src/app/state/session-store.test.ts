import { describe, expect, it } from 'vitest';
import { formatEta } from '../progress-text';
import { folderOf, inFolder } from './session-store';

describe('folders of relative paths', () => {
  it('takes the folder part of a path, empty for a bare name', () => {
    expect(folderOf('lot7/good/000.png')).toBe('lot7/good');
    expect(folderOf('000.png')).toBe('');
  });

  it('filters by folder, sub-folders included; "/" picks images without one', () => {
    const names = ['lot7/good/000.png', 'lot7/bad/000.png', 'lot7/bad/deep/1.png', 'loose.png'];
    expect(names.filter((n) => inFolder(n, ''))).toEqual(names);
    expect(names.filter((n) => inFolder(n, 'lot7/bad'))).toEqual(['lot7/bad/000.png', 'lot7/bad/deep/1.png']);
    expect(names.filter((n) => inFolder(n, 'lot7/b'))).toEqual([]);
    expect(names.filter((n) => inFolder(n, '/'))).toEqual(['loose.png']);
  });
});

describe('formatEta', () => {
  it('words seconds, minutes and hours', () => {
    expect(formatEta(12.4)).toBe('12 s');
    expect(formatEta(245)).toBe('4 min 05 s');
    expect(formatEta(3720)).toBe('1 h 02 min');
    expect(formatEta(Number.POSITIVE_INFINITY)).toBe('–');
    expect(formatEta(-1)).toBe('–');
  });
});
