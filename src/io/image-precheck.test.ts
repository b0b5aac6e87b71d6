/** Drop-time image checks and truncation, on generated files (Blob exists in Node). */
import { describe, expect, it } from 'vitest';
import { encodeBmp, floatTiff, pngHeaderOnly } from '../../test/fuzz/image-cases';
import { imageProblem, truncatedImageProblem, truncationProblem } from './image-precheck';

const blob = (b: Uint8Array) => new Blob([b as Uint8Array<ArrayBuffer>]);
describe('imageProblem', () => {
  it('names empty files, non-images, refused formats and huge headers', async () => {
    expect(await imageProblem(blob(new Uint8Array(0)), 'a.png')).toBe('a.png: the file is empty');
    expect(await imageProblem(blob(new TextEncoder().encode('%PDF-1.7\n')), 'r.jpg')).toBe(
      'r.jpg: not an image (a PDF document); use PNG, JPEG, WebP, BMP, GIF, AVIF or TIFF',
    );
    expect(await imageProblem(blob(new TextEncoder().encode('<svg width="8"/>')), 's.png')).toContain(
      's.png: an SVG (vector) image',
    );
    expect(await imageProblem(blob(pngHeaderOnly(20000, 20000)), 'h.png')).toContain(
      'h.png: 20000×20000 pixels (400.00 megapixels) is over the limit',
    );
  });

  it('names HEIC photos as such', async () => {
    const heic = Uint8Array.of(0, 0, 0, 24, ...new TextEncoder().encode('ftypheic\0\0\0\0mif1heic'));
    expect(await imageProblem(blob(heic), 'IMG_1.HEIC')).toBe(
      'IMG_1.HEIC: a HEIC/HEIF image (as phones save photos), which browsers cannot decode; use PNG, JPEG, WebP, BMP, GIF, AVIF or TIFF',
    );
  });

  it('refuses a TIFF whose header states a layout the decoder does not read, and passes one it reads', async () => {
    expect(await imageProblem(blob(floatTiff(3, 3)), 'f.tif')).toBe(
      'f.tif: 32-bit float TIFF is not supported (8-bit grey/RGB/RGBA, 16-bit grey or 16-bit RGB/RGBA only)',
    );
    const grey8 = floatTiff(3, 3);
    const v = new DataView(grey8.buffer);
    v.setUint16(10 + 12 * 2 + 8, 8, true); // BitsPerSample 8
    v.setUint16(10 + 12 * 9 + 8, 1, true); // SampleFormat unsigned
    expect(await imageProblem(blob(grey8), 'g.tif')).toBeNull();
    expect(await imageProblem(blob(floatTiff(40000, 20000, false)), 'h.tif')).toContain(
      'h.tif: 40000×20000 pixels (800.00 megapixels) is over the limit',
    );
  });

  it('passes a plausible image (truncation is checked after decoding)', async () => {
    expect(await imageProblem(blob(pngHeaderOnly(64, 64)), 'ok.png')).toBeNull();
  });
});

describe('truncation', () => {
  it('PNG: a file without its IEND chunk is cut short', async () => {
    const png = pngHeaderOnly(4, 4); // ends with IEND
    expect(await truncatedImageProblem(blob(png), 'p.png')).toBeNull();
    expect(await truncatedImageProblem(blob(png.subarray(0, png.length - 12)), 'p.png')).toBe(
      'p.png: truncated PNG (the file ends before its IEND chunk); copy or export it again',
    );
  });

  it('JPEG: no end-of-image marker in the tail', () => {
    const head = Uint8Array.of(0xff, 0xd8, 0xff, 0xe0);
    expect(truncationProblem('jpeg', head, Uint8Array.of(1, 2, 3, 0xff, 0xd9), 100)).toBeNull();
    expect(truncationProblem('jpeg', head, Uint8Array.of(1, 2, 3, 0xff), 100)).toBe(
      'the file ends before its end-of-image marker',
    );
  });

  it('BMP and WebP: fewer bytes than the header declares', async () => {
    const bmp = encodeBmp({ width: 4, height: 4, bpp: 24, rgb: new Uint8Array(48) });
    expect(await truncatedImageProblem(blob(bmp), 'b.bmp')).toBeNull();
    expect(await truncatedImageProblem(blob(bmp.subarray(0, 60)), 'b.bmp')).toBe(
      `b.bmp: truncated BMP (the file has 60 of the ${bmp.length} bytes its header declares); copy or export it again`,
    );
    const webp = new Uint8Array(30);
    webp.set(new TextEncoder().encode('RIFF'), 0);
    new DataView(webp.buffer).setUint32(4, 100, true);
    webp.set(new TextEncoder().encode('WEBP'), 8);
    expect(truncationProblem('webp', webp, webp, webp.length)).toBe(
      'the file has 30 of the 108 bytes its header declares',
    );
  });
});
