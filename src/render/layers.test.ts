import { describe, expect, it } from 'vitest';
import { colormapLut, splitPosition } from './colormap';
import { heatmapRgba, OUTLINE_RGBA, outlineLayer, outlineThickness, thresholdRange } from './layers';

describe('heatmapRgba', () => {
  it('maps the range ends to the first and last colour and the middle to grey 128', () => {
    const rgba = heatmapRgba(new Float32Array([0.2, 0.6, 1.0, 0.4]), { colormap: 'gray', range: [0.2, 1.0] });
    // (0.6 - 0.2) / 0.8 * 255 = 127.5 → 128; 0.4 → 63.75 → 64.
    expect(Array.from(rgba)).toEqual([0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255, 64, 64, 64, 255]);
  });
});

describe('threshold scale', () => {
  it('puts values below the threshold on the cool band and values from it on the warm band', () => {
    // lo 0.2, t 0.3, hi 0.4: 0.25 is half-way up the cool band [0.05, 0.35] → 0.2; 0.35 half-way up
    // the warm band [0.65, 1] → 0.825; the threshold itself is the first warm colour.
    expect(splitPosition(0.25, 0.2, 0.3, 0.4)).toBeCloseTo(0.2, 12);
    expect(splitPosition(0.35, 0.2, 0.3, 0.4)).toBeCloseTo(0.825, 12);
    expect(splitPosition(0.3, 0.2, 0.3, 0.4)).toBe(0.65);
    expect(splitPosition(0.299999, 0.2, 0.3, 0.4)).toBeLessThanOrEqual(0.35);
    expect(splitPosition(0, 0.2, 0.3, 0.4)).toBe(0.05);
    expect(splitPosition(1, 0.2, 0.3, 0.4)).toBe(1);
  });

  it('colours a map below the threshold in turbo blues (blue over red) and above it in warm colours', () => {
    const lut = colormapLut('turbo');
    const below = heatmapRgba(new Float32Array([0.0, 0.21, 0.29, 0.2999]), {
      colormap: 'turbo',
      range: [0.2, 0.4],
      split: 0.3,
    });
    for (let i = 0; i < 4; i++) expect(below[i * 4 + 2]).toBeGreaterThan(below[i * 4]);
    const above = heatmapRgba(new Float32Array([0.3, 0.35, 0.9]), {
      colormap: 'turbo',
      range: [0.2, 0.4],
      split: 0.3,
    });
    for (let i = 0; i < 3; i++) expect(above[i * 4]).toBeGreaterThan(above[i * 4 + 2]);
    // 0.3 → position 0.65 → LUT entry round(0.65 · 255) = 166.
    expect(Array.from(above.subarray(0, 3))).toEqual(Array.from(lut.subarray(166 * 4, 166 * 4 + 3)));
  });

  it('centres the range on the threshold, down to the normal median when it is known', () => {
    expect(thresholdRange(0.3, 0.25)).toEqual([0.25, 0.35]);
    const [lo, hi] = thresholdRange(0.5, null);
    expect(lo).toBeCloseTo(0.4, 12);
    expect(hi).toBeCloseTo(0.6, 12);
    // A "normal" median at or above the threshold says nothing about the spread: fall back to ±0.1.
    expect(thresholdRange(0.3, 0.31)[0]).toBeCloseTo(0.2, 12);
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
