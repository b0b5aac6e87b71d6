import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR, loadF32, manifest, maxAbsDiff } from '../../test/fixture';
import { decodeImageFile } from '../io/decode-node';
import { cropRgb, preprocessTile, shortEdgeSize } from './preprocess';
import type { RgbImage } from './types';

const cfg = {
  size: manifest.preprocess.image_size,
  mean: manifest.preprocess.mean,
  std: manifest.preprocess.std,
};

describe('preprocessTile parity with the fixture', () => {
  for (const image of manifest.images) {
    for (const tile of image.tiles) {
      it(`${image.name}.${tile.name} pixels (${image.mode} ${image.width}×${image.height}, box ${tile.box})`, async () => {
        const img = await decodeImageFile(join(FIXTURE_DIR, image.file));
        expect([img.width, img.height]).toEqual([image.width, image.height]);
        const px = preprocessTile(img, tile.box, cfg);
        const want = loadF32(`${image.name}.${tile.name}.pixels`);
        const diff = maxAbsDiff(px, want);
        expect(diff).toBeLessThanOrEqual(1e-6);
        // Bit-exact is the goal: Pillow's resampler and PyTorch's float32 steps are reproduced.
        expect(diff).toBe(0);
      });
    }
  }
});

function gradientImage(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      data[o] = x % 256;
      data[o + 1] = y % 256;
      data[o + 2] = (x + y) % 256;
    }
  }
  return { width, height, data };
}

describe('crop, resize rule, center crop', () => {
  it('crops a box', () => {
    const img = gradientImage(10, 8);
    const c = cropRgb(img, [2, 3, 6, 7]);
    expect([c.width, c.height]).toEqual([4, 4]);
    expect([...c.data.subarray(0, 3)]).toEqual([2, 3, 5]);
    expect([...c.data.subarray(c.data.length - 3)]).toEqual([5, 6, 11]);
    expect(() => cropRgb(img, [5, 5, 11, 8])).toThrow(/outside/);
  });

  it('resizes the shorter edge and truncates the longer one like torchvision Resize(int)', () => {
    expect(shortEdgeSize(300, 200, 240)).toEqual([360, 240]);
    expect(shortEdgeSize(200, 301, 240)).toEqual([240, 361]);
    expect(shortEdgeSize(400, 400, 240)).toEqual([240, 240]);
  });

  it('center crop rounds a half offset to even (241 wide → left 0), values normalised in float32', () => {
    const img = gradientImage(241, 240);
    const px = preprocessTile(img, [0, 0, 241, 240], { size: 240, mean: [0, 0, 0], std: [1, 1, 1] });
    // Channel 0 holds x/255; with left offset 0 the first column is x = 0 and the last x = 239.
    expect(px[0]).toBe(0);
    expect(px[239]).toBe(Math.fround(239 / 255));
    const img2 = gradientImage(243, 240);
    const px2 = preprocessTile(img2, [0, 0, 243, 240], { size: 240, mean: [0, 0, 0], std: [1, 1, 1] });
    // (243 − 240)/2 = 1.5 → 2.
    expect(px2[0]).toBe(Math.fround(2 / 255));
  });

  it('normalises with float32 mean and std, channel-first', () => {
    const img: RgbImage = { width: 1, height: 1, data: new Uint8Array([255, 0, 128]) };
    const px = preprocessTile(img, [0, 0, 1, 1], { size: 1, mean: [0.5, 0.25, 0.1], std: [0.5, 0.5, 0.3] });
    const f = Math.fround;
    expect(px[0]).toBe(f(f(1 - f(0.5)) / f(0.5)));
    expect(px[1]).toBe(f(f(0 - f(0.25)) / f(0.5)));
    expect(px[2]).toBe(f(f(f(128 / 255) - f(0.1)) / f(0.3)));
  });
});
