import { describe, expect, it } from 'vitest';
import { heatmapRgba, OUTLINE_RGBA, outlineLayer, outlineThickness } from './layers';

describe('heatmapRgba', () => {
  it('maps the range ends to the first and last colour and the middle to grey 128', () => {
    const rgba = heatmapRgba(new Float32Array([0.2, 0.6, 1.0, 0.4]), { colormap: 'gray', range: [0.2, 1.0] });
    // (0.6 - 0.2) / 0.8 * 255 = 127.5 → 128; 0.4 → 63.75 → 64.
    expect(Array.from(rgba)).toEqual([0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255, 64, 64, 64, 255]);
  });
});

describe('outlineLayer', () => {
  it('draws the border of the region above the threshold and leaves the rest transparent', () => {
    // 4×4 map with a 2×2 block of 0.9 in the middle: every block pixel touches the outside, so all are outline.
    const map = new Float32Array(16);
    for (const i of [5, 6, 9, 10]) map[i] = 0.9;
    const { rgba, regions } = outlineLayer(map, 4, 4, 0.5);
    expect(regions.regions).toBe(1);
    expect(regions.areaAbove).toBe(4 / 16);
    for (let i = 0; i < 16; i++) {
      const px = Array.from(rgba.subarray(i * 4, i * 4 + 4));
      expect(px).toEqual([5, 6, 9, 10].includes(i) ? [...OUTLINE_RGBA] : [0, 0, 0, 0]);
    }
  });

  it('thickens the outline with the image size', () => {
    expect(outlineThickness(400, 300)).toBe(1);
    expect(outlineThickness(4000, 3000)).toBe(10);
  });
});
