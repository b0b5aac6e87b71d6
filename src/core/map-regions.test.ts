import { describe, expect, it } from 'vitest';
import { mapRange, mapRegions, thresholdRegions } from './map-regions';

describe('thresholdRegions', () => {
  // 5×4 map: a 2×2 block and a diagonal pair (one 8-connected region) above 0.5.
  const W = 5;
  const H = 4;
  // prettier-ignore
  const map = Float32Array.from([
    0.9, 0.8, 0.1, 0.1, 0.1, 0.7, 0.6, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.9, 0.1, 0.1, 0.1, 0.1, 0.1, 0.9,
  ]);

  it('counts 8-connected regions and the area at or above the threshold', () => {
    const r = thresholdRegions(map, W, H, 0.5, 1);
    expect(r.regions).toBe(2);
    expect(r.areaAbove).toBeCloseTo(6 / 20, 12);
    // At 0.85 the block shrinks to its corner; the diagonal pair still touches: 2 regions, 3 pixels.
    expect(thresholdRegions(map, W, H, 0.85, 1).regions).toBe(2);
    expect(thresholdRegions(map, W, H, 0.85, 1).areaAbove).toBeCloseTo(3 / 20, 12);
    expect(thresholdRegions(map, W, H, 0.75, 1).regions).toBe(2);
    expect(thresholdRegions(map, W, H, 1, 1).areaAbove).toBe(0);
  });

  it('outlines region borders only, and thickens them', () => {
    const thin = thresholdRegions(map, W, H, 0.5, 1).outline;
    // Every above-threshold pixel of these small regions touches a border.
    expect(Array.from(thin).reduce((a, b) => a + b, 0)).toBe(6);
    expect(thin[2]).toBe(0);
    const thick = thresholdRegions(map, W, H, 0.5, 3).outline;
    expect(thick[2]).toBe(1); // dilated by one pixel
    expect(Array.from(thick).reduce((a, b) => a + b, 0)).toBeGreaterThan(6);
  });

  it('mapRange gives min and max', () => {
    expect(mapRange(map)).toEqual({ min: Math.fround(0.1), max: Math.fround(0.9) });
  });

  it('mapRegions: box, area and peak of each region, highest peak first', () => {
    const { labels, regions } = mapRegions(map, W, H, 0.5);
    // The diagonal pair (0.9 at (3,2) and (4,3)) ties the block's 0.9 at (0,0); label order breaks it.
    expect(regions).toEqual([
      { label: 1, box: [0, 0, 2, 2], area: 4, areaFraction: 0.2, peak: Math.fround(0.9), peakAt: [0, 0] },
      { label: 2, box: [3, 2, 5, 4], area: 2, areaFraction: 0.1, peak: Math.fround(0.9), peakAt: [3, 2] },
    ]);
    expect(labels[0]).toBe(1);
    expect(labels[19]).toBe(2);
    expect(labels[2]).toBe(0);
    // The region count agrees with thresholdRegions at every threshold.
    for (const t of [0.5, 0.65, 0.75, 0.85, 1])
      expect(mapRegions(map, W, H, t).regions.length).toBe(thresholdRegions(map, W, H, t, 1).regions);
    const high = mapRegions(map, W, H, 0.65).regions;
    expect(high[0]).toMatchObject({ box: [0, 0, 2, 2], area: 3, peak: Math.fround(0.9) });
    expect(() => mapRegions(map, 4, 4, 0.5)).toThrow(/expected 16/);
  });
});
