import { describe, expect, it } from 'vitest';
import { explainImage, regionCells, regionEmbedding, windowsTouching } from './explain';
import { tileBoxes } from './tiling';
import type { TileFeatures } from './types';

// Grid 3, one window scale k = 2: 4 windows (top-left corners (0,0), (1,0), (0,1), (1,1)), E = 2.
const geom = { grid: 3, embedDim: 2, scales: [2] };
function tile(windows: number[][], image: number[] = [1, 0]): TileFeatures {
  return {
    imageEmbedding: Float32Array.from(image),
    patchEmbeddings: new Float32Array(0),
    windowEmbeddings: new Map([[2, Float32Array.from(windows.flat())]]),
  };
}

describe('region → cells → windows', () => {
  it('maps map pixels to tile cells, also through a smaller map and across overlapping tiles', () => {
    // 6×6 image, one tile: cells are 2×2 pixels. Region 1 at (0,0),(1,0) → cell 0; region 2 at (5,5) → cell 8.
    const labels = new Int32Array(36);
    labels[0] = 1;
    labels[1] = 1;
    labels[35] = 2;
    const enc = { width: 6, height: 6, boxes: tileBoxes(6, 6) };
    const c = regionCells(labels, 2, 6, 6, enc, 3);
    expect([...c[1][0]].flatMap((v, i) => (v ? [i] : []))).toEqual([0]);
    expect([...c[2][0]].flatMap((v, i) => (v ? [i] : []))).toEqual([8]);
    // A 3×3 map of the same image: pixel (1,1) has its centre at (3,3) in the image → cell 4.
    const small = new Int32Array(9);
    small[4] = 1;
    expect([...regionCells(small, 1, 3, 3, enc, 3)[1][0]].flatMap((v, i) => (v ? [i] : []))).toEqual([4]);
    // 10×6: tiles [0,0,6,6] and [4,0,10,6]; column 5 lies in both (cell x 2 of the first, 0 of the second).
    const wide = { width: 10, height: 6, boxes: tileBoxes(10, 6) };
    expect(wide.boxes).toEqual([
      [0, 0, 6, 6],
      [4, 0, 10, 6],
    ]);
    const lw = new Int32Array(60);
    lw[5] = 1;
    const cw = regionCells(lw, 1, 10, 6, wide, 3);
    expect([...cw[1][0]].flatMap((v, i) => (v ? [i] : []))).toEqual([2]);
    expect([...cw[1][1]].flatMap((v, i) => (v ? [i] : []))).toEqual([0]);
  });

  it('windows touching cells', () => {
    const cells = (...idx: number[]) => {
      const m = new Uint8Array(9);
      for (const i of idx) m[i] = 1;
      return m;
    };
    expect(windowsTouching(cells(0), 3, 2)).toEqual([0]);
    expect(windowsTouching(cells(8), 3, 2)).toEqual([3]);
    expect(windowsTouching(cells(4), 3, 2)).toEqual([0, 1, 2, 3]);
    expect(windowsTouching(cells(1), 3, 2)).toEqual([0, 1]);
    expect(windowsTouching(cells(4), 3, 3)).toEqual([0]);
  });

  it('region embedding: mean of the unit window embeddings', () => {
    const t = tile([
      [1, 0],
      [0, 2],
      [3, 4],
      [0, -1],
    ]);
    const cells = new Uint8Array(9);
    cells[0] = 1;
    cells[8] = 1;
    expect(Array.from(regionEmbedding([cells], [t], geom)!)).toEqual([0.5, -0.5]);
    expect(regionEmbedding([new Uint8Array(9)], [t], geom)).toBeNull();
  });
});

describe('explainImage', () => {
  it('finds each region and the state word its windows match', () => {
    // Hot spots at pixel (0,0) (windows 0 only → [1, 0]) and at (5,5) (window 3 → [0, −1]).
    const map = new Float32Array(36).fill(0.1);
    map[0] = 0.7;
    map[35] = 0.9;
    const enc = {
      width: 6,
      height: 6,
      boxes: tileBoxes(6, 6),
      tiles: [
        tile([
          [1, 0],
          [0, 2],
          [3, 4],
          [0, -1],
        ]),
      ],
    };
    const states = [
      { state: 'ok', cls: 'normal' as const, embedding: Float64Array.from([1, 0]) },
      { state: 'scratch', cls: 'anomalous' as const, embedding: Float64Array.from([1, 0]) },
      { state: 'dent', cls: 'anomalous' as const, embedding: Float64Array.from([0, -1]) },
    ];
    const e = explainImage(enc, { width: 6, height: 6, anomalyMap: map }, 0.5, states, geom, 1);
    expect(e.regions.map((r) => [r.box, r.area, r.peak, r.state?.state])).toEqual([
      [[5, 5, 6, 6], 1, Math.fround(0.9), 'dent'],
      [[0, 0, 1, 1], 1, Math.fround(0.7), 'scratch'],
    ]);
    expect(e.regions[1].state?.similarity).toBeCloseTo(1, 14);
    expect(e.regions[0].normalState?.state).toBe('ok');
    expect(e.regions[0].anomalousStates.map((s) => s.state)).toEqual(['dent', 'scratch']);
    // Image embedding [1, 0]: 'ok' and 'scratch' tie (cos 1), 'dent' cos 0; shares at τ 1 = e/(2e + 1).
    expect(e.imageStates[0].share).toBeCloseTo(Math.E / (2 * Math.E + 1), 14);
    expect(e.imageStates[2]).toMatchObject({ state: 'dent', similarity: 0 });
  });
});
