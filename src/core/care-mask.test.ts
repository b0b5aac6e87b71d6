import { describe, expect, it } from 'vitest';
import { careMask, careMax, careValues, insidePolygon, mapCareMask, tileCareMask } from './care-mask';
import type { DontCareArea } from './inspection-region';
import { mapRegions, thresholdRegions } from './map-regions';

/** The mask as rows of '#' (don't care) and '.' (counts), for reading tests at a glance. */
const picture = (m: Uint8Array | null, w: number) =>
  m
    ? Array.from({ length: m.length / w }, (_, y) =>
        [...m.subarray(y * w, (y + 1) * w)].map((v) => (v ? '.' : '#')).join(''),
      )
    : null;

describe('care mask', () => {
  it('no areas: null, so callers take every cell exactly as before', () => {
    expect(careMask([], 4, 3)).toBeNull();
    expect(mapCareMask([], { mapWidth: 4, mapHeight: 3, width: 4, height: 3 })).toBeNull();
  });

  it('a rectangle removes exactly its pixels', () => {
    const rect: DontCareArea = { kind: 'rect', box: { x: 1, y: 1, width: 2, height: 1 } };
    expect(picture(careMask([rect], 4, 3), 4)).toEqual(['....', '.##.', '....']);
  });

  it('a polygon removes the pixels whose centre it holds (even-odd)', () => {
    // A right triangle with its legs on the top and left edges: centres (x+½, y+½) with x + y + 1 < 4.
    const tri: DontCareArea = {
      kind: 'polygon',
      points: [
        [0, 0],
        [4, 0],
        [0, 4],
      ],
    };
    expect(picture(careMask([tri], 4, 4), 4)).toEqual(['###.', '##..', '#...', '....']);
    // A pentagram drawn as one self-crossing line: its centre is wound twice, so even-odd leaves it out,
    // while its tips are in.
    const star = [0, 1, 2, 3, 4].map((k): [number, number] => {
      const a = ((-90 + 144 * k) * Math.PI) / 180;
      return [10 * Math.cos(a), 10 * Math.sin(a)];
    });
    expect(insidePolygon(0, 0, star)).toBe(false);
    expect(insidePolygon(0, -8, star)).toBe(true);
  });

  it('areas in image pixels are moved into the ROI frame; smaller maps take scaled cell centres', () => {
    const rect: DontCareArea = { kind: 'rect', box: { x: 12, y: 10, width: 4, height: 2 } };
    const roi = { x: 10, y: 10, width: 8, height: 4 };
    expect(picture(mapCareMask([rect], { mapWidth: 8, mapHeight: 4, width: 8, height: 4, roi }), 8)).toEqual([
      '..####..',
      '..####..',
      '........',
      '........',
    ]);
    // The same ROI as a 4×2 preview map: cell centres at (1, 1), (3, 1), … of the ROI.
    expect(picture(mapCareMask([rect], { mapWidth: 4, mapHeight: 2, width: 8, height: 4, roi }), 4)).toEqual([
      '.##.',
      '....',
    ]);
  });

  it("a tile's grid cells are taken at their centres in the tile's box", () => {
    // A 2×2 grid on the tile [4, 0, 8, 4]: cell centres (5, 1), (7, 1), (5, 3), (7, 3).
    const rect: DontCareArea = { kind: 'rect', box: { x: 6, y: 0, width: 2, height: 2 } };
    expect(picture(tileCareMask([rect], [4, 0, 8, 4], 2), 2)).toEqual(['.#', '..']);
  });

  it('max, values, regions and area skip the pixels that do not count', () => {
    const map = Float32Array.of(0.1, 0.9, 0.2, 0.8, 0.3, 0.7);
    const care = Uint8Array.of(1, 0, 1, 1, 1, 0);
    expect(careMax(map, care)).toBe(Math.fround(0.8));
    expect(careMax(map, null)).toBe(Math.fround(0.9));
    expect(careMax(map, new Uint8Array(6))).toBe(Number.NEGATIVE_INFINITY);
    expect([...careValues(map, care)]).toEqual([0.1, 0.2, 0.8, 0.3].map(Math.fround));
    expect(careValues(map, null)).toBe(map);
    // 3×2 map, threshold 0.5: without a mask one region of 3 pixels (0.9, 0.8, 0.7 touch diagonally).
    expect(mapRegions(map, 3, 2, 0.5).regions.map((r) => r.area)).toEqual([3]);
    const masked = mapRegions(map, 3, 2, 0.5, care).regions;
    expect(masked.map((r) => [r.area, r.peak, r.box])).toEqual([[1, Math.fround(0.8), [0, 1, 1, 2]]]);
    expect(thresholdRegions(map, 3, 2, 0.5, 1, care).areaAbove).toBe(1 / 6);
    expect(thresholdRegions(map, 3, 2, 0.5, 1).areaAbove).toBe(3 / 6);
  });
});
