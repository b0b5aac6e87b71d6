/** TIFF decoding against Pillow: every case's RGB equals Pillow's convert('RGB') bytes exactly. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { floatTiff } from '../../test/fuzz/image-cases';
import { makePillowTiffs, NO_PILLOW_REASON } from '../../test/tiff/pillow-tiffs';
import { decodeImageBytes, decodeImageFile } from './decode-node';
import { sniffImageFormat } from './image-header';
import { tiffSamplesToRgb } from './tiff';

const cases = makePillowTiffs();
if (!cases) console.warn(`TIFF-against-Pillow tests skipped: ${NO_PILLOW_REASON}`);

describe.skipIf(!cases)('TIFF decoded as Pillow converts it', () => {
  it.each((cases ?? []).map((c) => [c.name, c.mode, c] as const))(
    '%s (Pillow mode %s)',
    async (_n, _m, c) => {
      const img = await decodeImageFile(c.tif);
      expect([img.width, img.height]).toEqual([c.width, c.height]);
      const diff = img.data.findIndex((v, i) => v !== c.rgb[i]);
      expect(
        diff === -1 ? 'equal' : `first difference at byte ${diff}: ${img.data[diff]} vs ${c.rgb[diff]}`,
      ).toBe('equal');
    },
  );

  it('covers the layouts the decoder claims', () => {
    expect(new Set(cases!.map((c) => c.mode))).toEqual(new Set(['I;16', 'I;16B', 'RGB', 'RGBA', 'L', 'LA']));
    // 16-bit grey clips rather than scales: the cases hold values above 255 and Pillow gives 255 there.
    const grey16 = cases!.find((c) => c.name === 'grey16')!;
    expect(grey16.rgb.includes(255) && grey16.rgb.some((v) => v > 0 && v < 255)).toBe(true);
  });

  it('sniffs TIFF in both byte orders', () => {
    const le = readFileSync(cases!.find((c) => c.name === 'grey16')!.tif);
    const be = readFileSync(cases!.find((c) => c.name === 'grey16-be')!.tif);
    expect([le.subarray(0, 2).toString(), be.subarray(0, 2).toString()]).toEqual(['II', 'MM']);
    expect([sniffImageFormat(le), sniffImageFormat(be)]).toEqual(['tiff', 'tiff']);
  });
});

describe('TIFF rules (Pillow 9.4 and 12.3 give these values)', () => {
  it('clips 16-bit grey, keeps the high byte of 16-bit RGB, inverts 8-bit MinIsWhite', () => {
    const grey = Uint16Array.of(0, 1, 255, 256, 300, 1000, 65535);
    expect([
      ...tiffSamplesToRgb(grey, 7, 1, { bits: 16, spp: 1, photometric: 1, premultiplied: false }),
    ]).toEqual([0, 1, 255, 255, 255, 255, 255].flatMap((v) => [v, v, v]));
    const rgb = Uint16Array.of(0, 1, 255, 256, 300, 1000, 65535, 32768, 513);
    expect([
      ...tiffSamplesToRgb(rgb, 3, 1, { bits: 16, spp: 3, photometric: 2, premultiplied: false }),
    ]).toEqual([0, 0, 0, 1, 1, 3, 255, 128, 2]);
    const white = Uint8Array.of(0, 1, 128, 255);
    expect([
      ...tiffSamplesToRgb(white, 4, 1, { bits: 8, spp: 1, photometric: 0, premultiplied: false }),
    ]).toEqual([255, 254, 127, 0].flatMap((v) => [v, v, v]));
  });

  it('undoes premultiplied alpha with integer division, as Pillow does', () => {
    const rgba = Uint8Array.of(10, 20, 30, 0, 200, 100, 50, 128, 60, 64, 10, 64, 1, 2, 3, 255);
    expect([
      ...tiffSamplesToRgb(rgba, 4, 1, { bits: 8, spp: 4, photometric: 2, premultiplied: true }),
    ]).toEqual([0, 0, 0, 255, 199, 99, 239, 255, 39, 1, 2, 3]);
  });
});

describe('refused TIFFs', () => {
  // floatTiff's IFD entries, in order: 256, 257, 258 (bits), 259 (compression), 262 (photometric), 273, 277,
  // 278, 279, 339 (sample format); entry i starts at 10 + 12·i, its value at + 8.
  const ENTRY = { bits: 2, compression: 3, photometric: 4, sampleFormat: 9 };
  const patched = (shorts: Partial<Record<keyof typeof ENTRY, number>>) => {
    const b = floatTiff(2, 2);
    const v = new DataView(b.buffer);
    for (const [k, value] of Object.entries(shorts))
      v.setUint16(10 + 12 * ENTRY[k as keyof typeof ENTRY] + 8, value, true);
    return b;
  };
  const uint8 = { sampleFormat: 1, bits: 8 };

  it.each([
    [
      'float',
      floatTiff(2, 2),
      '32-bit float TIFF is not supported (8-bit grey/RGB/RGBA, 16-bit grey or 16-bit RGB/RGBA only)',
    ],
    ['32-bit integer', patched({ sampleFormat: 1 }), '32-bit TIFF is not supported'],
    ['JPEG-in-TIFF', patched({ ...uint8, compression: 7 }), 'JPEG-compressed TIFF is not supported'],
    ['palette', patched({ ...uint8, photometric: 3 }), 'palette (indexed colour) TIFF is not supported'],
    ['CMYK', patched({ ...uint8, photometric: 5 }), 'CMYK TIFF is not supported'],
    [
      '16-bit MinIsWhite',
      patched({ sampleFormat: 1, bits: 16, photometric: 0 }),
      '16-bit MinIsWhite grey TIFF is not supported',
    ],
  ])('%s', async (_n, bytes, message) => {
    await expect(decodeImageBytes(bytes, 'x.tif')).rejects.toThrow(`x.tif: ${message}`);
  });

  it('a strip past the end of the file is corrupt', async () => {
    const b = patched(uint8);
    await expect(decodeImageBytes(b.subarray(0, b.length - 8), 'cut.tif')).rejects.toThrow(
      'cut.tif: corrupt or truncated TIFF data',
    );
  });
});
