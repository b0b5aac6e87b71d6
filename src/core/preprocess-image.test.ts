import { describe, expect, it } from 'vitest';
import { preprocessedProblem, preprocessImage, preprocessTile, samePreprocess } from './preprocess';

const cfg = { size: 4, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] };
const img = (w: number, h: number) => ({
  width: w,
  height: h,
  data: Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 37) & 255),
});

describe('preprocessImage', () => {
  it('gives one tensor per tile, each what preprocessTile gives for its box', () => {
    // 10×6: tiles of side 6 along x, n = ceil(4 / 4.8) + 1 = 2, offsets 0 and 4.
    const p = preprocessImage(img(10, 6), cfg);
    expect(p.boxes).toEqual([
      [0, 0, 6, 6],
      [4, 0, 10, 6],
    ]);
    expect(p.pixels.map((t) => t.length)).toEqual([48, 48]);
    expect(p.pixels[1]).toEqual(preprocessTile(img(10, 6), [4, 0, 10, 6], cfg));
    // u = 0 → (0 − 0.5) / 0.25 = −2 exactly: the first byte of the image is 0.
    expect(preprocessImage(img(4, 4), cfg).pixels[0][0]).toBe(-2);
  });

  it('refuses pixels that do not match the stated size', () => {
    expect(() => preprocessImage({ width: 2, height: 2, data: new Uint8Array(11) }, cfg)).toThrow(
      'image: expected 2×2 RGB pixels, got 11 bytes',
    );
  });
});

describe('samePreprocess and preprocessedProblem', () => {
  it('tells configs apart by size, mean and std', () => {
    expect(samePreprocess(cfg, { ...cfg, mean: [0.5, 0.5, 0.5] })).toBe(true);
    expect(samePreprocess(cfg, { ...cfg, size: 5 })).toBe(false);
    expect(samePreprocess(cfg, { ...cfg, std: [0.25, 0.25, 0.26] })).toBe(false);
  });

  it('accepts what preprocessImage made under the config, and names what does not fit', () => {
    const p = preprocessImage(img(10, 6), cfg);
    expect(preprocessedProblem(p, cfg)).toBeNull();
    expect(preprocessedProblem({ ...p, boxes: [p.boxes[0]] }, cfg)).toBe(
      'pre-processed image: tiles do not match a 10×6 image',
    );
    expect(preprocessedProblem(p, { ...cfg, size: 5 })).toBe(
      'pre-processed image: expected 2 tensors of 75 values',
    );
  });
});
