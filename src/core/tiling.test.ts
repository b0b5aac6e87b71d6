import { describe, expect, it } from 'vitest';
import { manifest } from '../../test/fixture';
import { meanTileScore, mergeTileMaps, roundHalfEven, tileBoxes } from './tiling';

describe('tileBoxes', () => {
  it('reproduces every tile box of the fixture', () => {
    for (const image of manifest.images) {
      expect(tileBoxes(image.width, image.height)).toEqual(image.tiles.map((t) => t.box));
    }
  });

  it('square image: one tile', () => {
    expect(tileBoxes(300, 300)).toEqual([[0, 0, 300, 300]]);
  });

  it('rounds a half offset to even (94.5 → 94) and another up (95.5 → 96)', () => {
    // Ls = 200, span 189: n = ceil(189/160) + 1 = 3, middle offset 189/2 = 94.5.
    expect(tileBoxes(389, 200)).toEqual([
      [0, 0, 200, 200],
      [94, 0, 294, 200],
      [189, 0, 389, 200],
    ]);
    expect(tileBoxes(391, 200).map((b) => b[0])).toEqual([0, 96, 191]);
  });

  it('portrait images tile downwards', () => {
    expect(tileBoxes(200, 389)).toEqual([
      [0, 0, 200, 200],
      [0, 94, 200, 294],
      [0, 189, 200, 389],
    ]);
  });

  it('span exactly 0.8·Ls needs 2 tiles, one pixel more needs 3', () => {
    expect(tileBoxes(360, 200).map((b) => b[0])).toEqual([0, 160]);
    expect(tileBoxes(361, 200).map((b) => b[0])).toEqual([0, 80, 161]);
  });

  it('many tiles for a very long image', () => {
    const boxes = tileBoxes(1000, 100);
    // n = ceil(900/80) + 1 = 13, offsets i·75.
    expect(boxes.length).toBe(13);
    expect(boxes.map((b) => b[0])).toEqual(Array.from({ length: 13 }, (_, i) => i * 75));
    expect(boxes[12]).toEqual([900, 0, 1000, 100]);
  });

  it('roundHalfEven', () => {
    expect([0.5, 1.5, 2.5, -0.5, 2.4999, 2.5001].map(roundHalfEven)).toEqual([0, 2, 2, 0, 2, 3]);
  });
});

describe('mergeTileMaps', () => {
  it('averages overlapping tiles per pixel', () => {
    // Two 2×2 tiles of a 3×2 image at x = 0 and x = 1; constant maps 1 and 3 (map side 4 → box side 2).
    const boxes: [number, number, number, number][] = [
      [0, 0, 2, 2],
      [1, 0, 3, 2],
    ];
    const maps = [new Float32Array(16).fill(1), new Float32Array(16).fill(3)];
    expect([...mergeTileMaps(3, 2, boxes, maps, 4)]).toEqual([1, 2, 3, 1, 2, 3]);
  });

  it('resizes each tile map to its box bilinearly', () => {
    const map = new Float32Array([0, 1, 2, 3]);
    const out = mergeTileMaps(4, 4, [[0, 0, 4, 4]], [map], 2);
    const f = [0, 0.25, 0.75, 1];
    expect([...out]).toEqual(f.flatMap((fy) => f.map((fx) => fx + 2 * fy)));
    expect(() => mergeTileMaps(4, 4, [[1, 0, 5, 4]], [map], 2)).toThrow();
  });

  it('meanTileScore', () => {
    expect(meanTileScore([0.2, 0.4])).toBeCloseTo(0.3, 12);
    expect(() => meanTileScore([])).toThrow();
  });
});
