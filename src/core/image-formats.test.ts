import { describe, expect, it } from 'vitest';
import { hasImageExtension, IMAGE_ACCEPT, IMAGE_EXTENSIONS, SUPPORTED_FORMATS_TEXT } from './image-formats';

describe('image formats (one list for the CLI, the eval datasets and the app)', () => {
  it('names, extensions and the picker accept list agree', () => {
    expect(SUPPORTED_FORMATS_TEXT).toBe('PNG, JPEG, WebP, BMP, GIF, AVIF or TIFF');
    expect(IMAGE_EXTENSIONS).toEqual([
      '.png',
      '.jpg',
      '.jpeg',
      '.webp',
      '.bmp',
      '.gif',
      '.avif',
      '.tif',
      '.tiff',
    ]);
    // The picker offers what the drop zone takes: every MIME type and every extension.
    expect(IMAGE_ACCEPT.split(',')).toEqual([
      'image/png',
      '.png',
      'image/jpeg',
      '.jpg',
      '.jpeg',
      'image/webp',
      '.webp',
      'image/bmp',
      '.bmp',
      'image/gif',
      '.gif',
      'image/avif',
      '.avif',
      'image/tiff',
      '.tif',
      '.tiff',
    ]);
  });

  it('matches extensions in any case, and only at the end', () => {
    expect(['a.TIF', 'b.tiff', 'c.Png', 'd.jpeg'].map(hasImageExtension)).toEqual([true, true, true, true]);
    expect(['notes.txt', 'tif', 'a.tif.txt', 'archive.tar'].map(hasImageExtension)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});
