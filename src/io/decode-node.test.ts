import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR, manifest } from '../../test/fixture';
import { decodeImageBytes, decodeImageFile } from './decode-node';

const tmp = mkdtempSync(join(tmpdir(), 'decode-test-'));

describe('decodeImageFile / decodeImageBytes', () => {
  it('decodes every fixture image to 8-bit RGB at its size', async () => {
    for (const image of manifest.images) {
      const img = await decodeImageFile(join(FIXTURE_DIR, image.file));
      expect([img.width, img.height]).toEqual([image.width, image.height]);
      expect(img.data.length).toBe(image.width * image.height * 3);
    }
  });

  it('replicates a greyscale image into three equal channels', async () => {
    const grey = manifest.images.find((im) => im.mode === 'L')!;
    const img = await decodeImageFile(join(FIXTURE_DIR, grey.file));
    const distinct = new Set<number>();
    let unequal = 0;
    for (let i = 0; i < img.width * img.height; i++) {
      const [r, g, b] = img.data.subarray(i * 3, i * 3 + 3);
      if (g !== r || b !== r) unequal++;
      distinct.add(r);
    }
    expect(unequal).toBe(0);
    expect(distinct.size).toBeGreaterThan(10);
  });

  it('drops alpha without premultiplying', async () => {
    const rgba = await sharp(Buffer.from([10, 20, 30, 0, 200, 100, 50, 128]), {
      raw: { width: 2, height: 1, channels: 4 },
    })
      .png()
      .toBuffer();
    const img = await decodeImageBytes(new Uint8Array(rgba), 'rgba.png');
    expect([...img.data]).toEqual([10, 20, 30, 200, 100, 50]);
  });

  it('reduces 16-bit samples to their high byte', async () => {
    const px = new Uint16Array([0, 65535, 300, 40000, 256, 511]);
    const png = await sharp(px, { raw: { width: 2, height: 1, channels: 3 } })
      .toColourspace('rgb16')
      .png()
      .toBuffer();
    expect((await sharp(png).metadata()).depth).toBe('ushort');
    const img = await decodeImageBytes(new Uint8Array(png));
    expect([...img.data]).toEqual([0, 255, 1, 156, 1, 1]);
  });

  it('does not apply EXIF orientation', async () => {
    const jpeg = await sharp(Buffer.alloc(4 * 2 * 3, 128), { raw: { width: 4, height: 2, channels: 3 } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    expect((await sharp(jpeg).metadata()).orientation).toBe(6);
    // The tag is effective: an orienting decoder would swap the sides.
    expect((await sharp(jpeg).autoOrient().raw().toBuffer({ resolveWithObject: true })).info.width).toBe(2);
    const img = await decodeImageBytes(new Uint8Array(jpeg), 'rotated.jpg');
    expect([img.width, img.height]).toEqual([4, 2]);
  });

  it('reports a truncated PNG as corrupt', async () => {
    const bytes = readFileSync(join(FIXTURE_DIR, 'test_c.png'));
    const path = join(tmp, 'truncated.png');
    writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    await expect(decodeImageFile(path)).rejects.toThrow('truncated.png: corrupt or truncated image data');
  });

  it('reports a PNG missing its last 40 bytes (end chunk and some pixel data) as corrupt', async () => {
    const bytes = readFileSync(join(FIXTURE_DIR, 'test_a.png'));
    await expect(
      decodeImageBytes(new Uint8Array(bytes.subarray(0, bytes.length - 40)), 'cut.png'),
    ).rejects.toThrow('cut.png: corrupt or truncated image data');
  });

  it('reports a text file as not an image', async () => {
    const path = join(tmp, 'notes.txt');
    writeFileSync(path, 'this is not an image\n');
    await expect(decodeImageFile(path)).rejects.toThrow(
      'notes.txt: not an image (unsupported or unknown format)',
    );
    await expect(decodeImageBytes(new Uint8Array(0), 'empty.png')).rejects.toThrow(
      'empty.png: not an image (unsupported or unknown format)',
    );
  });
});
