/** Node decoding of generated BMPs, CMYK JPEGs and refused inputs (huge, vector, TIFF, text). */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { BMP_CASES, REFUSED_IMAGE_CASES } from '../../test/fuzz/image-cases';
import { cmykJpeg, PILLOW_CMYK_COLOURS } from '../../test/fuzz/jpeg-cmyk';
import { decodeImageBytes } from './decode-node';
import { readImageHeader } from './image-header';

describe('BMP', () => {
  it.each(BMP_CASES.map((c) => [c.name, c] as const))('%s decodes to the exact pixels', async (_n, c) => {
    const img = await decodeImageBytes(c.bytes(), c.file);
    expect([img.width, img.height]).toEqual([c.pixels!.width, c.pixels!.height]);
    expect(Buffer.from(img.data).equals(Buffer.from(c.pixels!.data))).toBe(true);
  });
});

describe('refused images', () => {
  it.each(REFUSED_IMAGE_CASES.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    await expect(decodeImageBytes(c.bytes(), c.file)).rejects.toThrow(c.expect!);
  });

  it('reads the size of huge images from their headers alone', () => {
    const sizes = REFUSED_IMAGE_CASES.filter((c) => c.file.startsWith('huge')).map((c) => {
      const h = readImageHeader(c.bytes());
      return [h?.format, h?.width, h?.height];
    });
    expect(sizes).toEqual([
      ['png', 60000, 60000],
      ['jpeg', 20000, 16000],
      ['webp', 16384, 16384],
      ['bmp', 30000, 10000],
      ['tiff', 40000, 20000],
    ]);
  });
});

describe('CMYK JPEG', () => {
  it.each([
    ['with', true],
    ['without', false],
  ])('%s an Adobe marker gives Pillow’s RGB values', async (_l, adobe) => {
    const { bytes, width, height } = await cmykJpeg(adobe);
    expect((await sharp(bytes).metadata()).space).toBe('cmyk');
    const img = await decodeImageBytes(bytes, 'cmyk.jpg');
    expect([img.width, img.height]).toEqual([width, height]);
    // One 8×8 block per colour; flat blocks at quality 100 survive JPEG exactly.
    const got = PILLOW_CMYK_COLOURS.map((_c, i) => [...img.data.subarray(i * 8 * 3, i * 8 * 3 + 3)]);
    expect(got).toEqual(PILLOW_CMYK_COLOURS.map((c) => c.rgb));
  });
});

describe('GIF and AVIF', () => {
  it('decode through sharp like the browser does (GIF: its first frame)', async () => {
    const raw = { width: 8, height: 6, channels: 3 } as const;
    const flat = Buffer.alloc(8 * 6 * 3, 50);
    const gif = await decodeImageBytes(new Uint8Array(await sharp(flat, { raw }).gif().toBuffer()), 'a.gif');
    expect([gif.width, gif.height, ...gif.data.subarray(0, 3)]).toEqual([8, 6, 50, 50, 50]);
    const avif = await decodeImageBytes(
      new Uint8Array(await sharp(flat, { raw }).avif().toBuffer()),
      'a.avif',
    );
    expect([avif.width, avif.height]).toEqual([8, 6]);
  });
});
