import { describe, expect, it } from 'vitest';
import { arrayEntry, loadF32, manifest, maxAbsDiff } from '../../test/fixture';
import { associate, fewShotTile } from './association.test-helpers';
import { bilinearResize } from './resize';
import { type ScoreOptions, scoringParameters } from './score-options';
import {
  anomalyScores,
  buildMemory,
  type ClassPrototypes,
  classPrototypes,
  combineMaps,
  type Memory,
  normalizeRows,
  poolWindowsToGrid,
  scoreTile,
  type TileScore,
} from './scoring';
import { meanTileScore, mergeTileMaps, tileBoxes } from './tiling';
import type { Geometry, TileFeatures } from './types';

const TOL = 1e-5;
const g = manifest.grid_size[0];
const E = arrayEntry('text.text_embeddings').shape[1];
const W = arrayEntry('memory.patch_embeddings').shape[2];
const S = manifest.preprocess.image_size;
const geom: Geometry = { grid: g, imageSize: S, embedDim: E, visionWidth: W };

/** Zero-shot scoring with the method settings, `opts` overriding them. */
const zeroShot = (f: TileFeatures, protos: ClassPrototypes, opts: ScoreOptions = {}): TileScore =>
  scoreTile(f, protos, geom, scoringParameters(opts));

/** Few-shot scoring with the JS reference association (the engine runs it on the device). */
function fewShot(
  f: TileFeatures,
  protos: ClassPrototypes,
  memory: Memory,
  opts: ScoreOptions = {},
): TileScore {
  const params = scoringParameters(opts);
  return scoreTile(f, protos, geom, params, fewShotTile(f, memory, geom, params));
}
const observed: Record<string, number> = {};

function expectClose(
  name: string,
  got: ArrayLike<number> | number,
  want: ArrayLike<number>,
  tol = TOL,
): void {
  const a = typeof got === 'number' ? [got] : got;
  const d = maxAbsDiff(a, want);
  const stage = name.slice(name.lastIndexOf('.') + 1);
  observed[stage] = Math.max(observed[stage] ?? 0, d);
  expect(d, name).toBeLessThanOrEqual(tol);
}

function fixturePrototypes(): ClassPrototypes {
  const t = loadF32('text.text_embeddings');
  return { normal: t.slice(0, E), anomalous: t.slice(E, 2 * E) };
}

function testTileFeatures(tile: string): TileFeatures {
  return {
    imageEmbedding: loadF32(`${tile}.image_embedding`),
    patchEmbeddings: loadF32(`${tile}.patch_embeddings`),
    windowEmbeddings: new Map(manifest.scales.map((k) => [k, loadF32(`${tile}.window_embeddings_s${k}`)])),
  };
}

/** Reference tiles: per-tile rows of the fixture memory arrays, image embeddings from ref_*.t0. */
function referenceTiles(): TileFeatures[] {
  const patches = loadF32('memory.patch_embeddings');
  const windows = new Map(manifest.scales.map((k) => [k, loadF32(`memory.window_embeddings_s${k}`)]));
  return manifest.reference_tiles_in_memory.map((name, i) => {
    const pLen = g * g * W;
    return {
      imageEmbedding: loadF32(`${name}.image_embedding`),
      patchEmbeddings: patches.subarray(i * pLen, (i + 1) * pLen),
      windowEmbeddings: new Map(
        manifest.scales.map((k) => {
          const len = (g - k + 1) ** 2 * E;
          return [k, windows.get(k)!.subarray(i * len, (i + 1) * len)];
        }),
      ),
    };
  });
}

const testImages = manifest.images.filter((im) => im.role === 'test');

describe('fixture parity: text prototypes', () => {
  it('classPrototypes of the prompt embeddings = text.text_embeddings', () => {
    const p = classPrototypes(
      loadF32('text.prompt_embeddings_normal'),
      loadF32('text.prompt_embeddings_anomalous'),
      E,
    );
    const want = loadF32('text.text_embeddings');
    expectClose('text.text_embeddings', p.normal, want.subarray(0, E), 1e-4);
    expectClose('text.text_embeddings', p.anomalous, want.subarray(E), 1e-4);
  });
});

describe('fixture parity: per tile and per image', () => {
  const protos = fixturePrototypes();
  const memory = buildMemory(referenceTiles(), W, E);

  for (const image of testImages) {
    for (const tile of image.tiles) {
      const name = `${image.name}.${tile.name}`;
      it(`${name}: zero-shot stages`, () => {
        const r = zeroShot(testTileFeatures(name), protos, { temperature: manifest.temperature });
        expectClose(`${name}.zs_image_score`, r.zsImageScore, loadF32(`${name}.zs_image_score`));
        for (const k of manifest.scales) {
          expectClose(
            `${name}.zs_window_scores_s${k}`,
            r.zsWindowScores.get(k)!,
            loadF32(`${name}.zs_window_scores_s${k}`),
          );
        }
        expect(r.zsScaleMaps.length).toBe(3);
        const maps = new Float32Array(3 * g * g);
        for (const [i, m] of r.zsScaleMaps.entries()) maps.set(m, i * g * g);
        expectClose(`${name}.zs_scale_maps`, maps, loadF32(`${name}.zs_scale_maps`));
        expectClose(`${name}.zs_grid_map`, r.zsGrid, loadF32(`${name}.zs_grid_map`));
        expect(r.grid).toBe(r.zsGrid);
        expect(r.imageScore).toBe(r.zsImageScore);
        expect(r.fusedGrid).toBeUndefined();
        expectClose(`${name}.zs_map`, bilinearResize(r.zsGrid, g, g, S, S), loadF32(`${name}.zs_map`));
      });

      it(`${name}: few-shot stages`, () => {
        const r = fewShot(testTileFeatures(name), protos, memory);
        expectClose(`${name}.fs_patch_scores`, r.fsPatchScores!, loadF32(`${name}.fs_patch_scores`));
        for (const k of manifest.scales) {
          expectClose(
            `${name}.fs_window_scores_s${k}`,
            r.fsWindowScores!.get(k)!,
            loadF32(`${name}.fs_window_scores_s${k}`),
          );
        }
        const maps = new Float32Array(3 * g * g);
        for (const [i, m] of r.fsScaleMaps!.entries()) maps.set(m, i * g * g);
        expectClose(`${name}.fs_scale_maps`, maps, loadF32(`${name}.fs_scale_maps`));
        expectClose(`${name}.fs_only_grid_map`, r.fsOnlyGrid!, loadF32(`${name}.fs_only_grid_map`));
        expectClose(`${name}.fused_grid_map`, r.fusedGrid!, loadF32(`${name}.fused_grid_map`));
        expect(r.grid).toBe(r.fusedGrid);
        expectClose(`${name}.fused_image_score`, r.imageScore, loadF32(`${name}.fused_image_score`));
        expectClose(`${name}.fused_map`, bilinearResize(r.grid, g, g, S, S), loadF32(`${name}.fused_map`));
        // The zero-shot part is unchanged by the memory.
        expectClose(`${name}.zs_grid_map`, r.zsGrid, loadF32(`${name}.zs_grid_map`));
      });
    }

    it(`${image.name}: final scores and maps after tiling`, () => {
      const feats = image.tiles.map((t) => testTileFeatures(`${image.name}.${t.name}`));
      const zs = feats.map((f) => zeroShot(f, protos));
      const fs = feats.map((f) => fewShot(f, protos, memory));
      const boxes = tileBoxes(image.width, image.height);
      expect(boxes).toEqual(image.tiles.map((t) => t.box));
      const up = (r: TileScore) => bilinearResize(r.grid, g, g, S, S);
      expectClose(
        `${image.name}.final_zs_score`,
        meanTileScore(zs.map((r) => r.imageScore)),
        loadF32(`${image.name}.final_zs_score`),
      );
      expectClose(
        `${image.name}.final_fs_score`,
        meanTileScore(fs.map((r) => r.imageScore)),
        loadF32(`${image.name}.final_fs_score`),
      );
      expectClose(
        `${image.name}.final_zs_map`,
        mergeTileMaps(image.width, image.height, boxes, zs.map(up), S),
        loadF32(`${image.name}.final_zs_map`),
      );
      expectClose(
        `${image.name}.final_fs_map`,
        mergeTileMaps(image.width, image.height, boxes, fs.map(up), S),
        loadF32(`${image.name}.final_fs_map`),
      );
    });
  }

  it('covers every scoring array of the manifest', () => {
    const stages = new Set(Object.keys(observed));
    const scoring = manifest.arrays
      .map((a) => a.name.slice(a.name.lastIndexOf('.') + 1))
      .filter((s) => /^(zs_|fs_|fused_|final_)|^text_embeddings$/.test(s));
    for (const s of scoring) expect(stages.has(s), s).toBe(true);
    // Largest difference per stage, for the record.
    console.info(
      Object.entries(observed)
        .map(([k, v]) => `${k} ${v.toExponential(2)}`)
        .join('\n'),
    );
  });
});

describe('scoring by hand', () => {
  it('harmonic pooling on a 3×3 grid with k = 2', () => {
    // Windows (row-major top-left): w0 covers 0,1,3,4; w1: 1,2,4,5; w2: 3,4,6,7; w3: 4,5,7,8.
    const s = new Float32Array([0.5, 0.25, 0.2, 1]);
    const h = poolWindowsToGrid(s, 3, 2, 'harmonic');
    expect(h[0]).toBeCloseTo(0.5, 7);
    expect(h[1]).toBeCloseTo(2 / (2 + 4), 7);
    expect(h[4]).toBeCloseTo(4 / (2 + 4 + 5 + 1), 7);
    expect(h[8]).toBeCloseTo(1, 7);
    const a = poolWindowsToGrid(s, 3, 2, 'arithmetic');
    expect(a[4]).toBeCloseTo((0.5 + 0.25 + 0.2 + 1) / 4, 7);
    expect(a[3]).toBeCloseTo((0.5 + 0.2) / 2, 7);
  });

  it('a zero window score makes every covered cell 0', () => {
    const h = poolWindowsToGrid(new Float32Array([0, 0.5, 0.5, 0.5]), 3, 2, 'harmonic');
    expect([h[0], h[1], h[3], h[4]]).toEqual([0, 0, 0, 0]);
    expect(h[2]).toBeCloseTo(0.5, 7);
  });

  it('combineMaps harmonic and arithmetic', () => {
    const maps = [new Float32Array([0.5, 0]), new Float32Array([0.25, 1])];
    const h = combineMaps(maps, 'harmonic');
    expect(h[0]).toBeCloseTo(2 / 6, 7);
    expect(h[1]).toBe(0);
    expect([...combineMaps(maps, 'arithmetic')]).toEqual([0.375, 0.5]);
  });

  it('anomalyScores is the two-way softmax at temperature T', () => {
    const protos = { normal: new Float32Array([2, 0]), anomalous: new Float32Array([0, 3]) };
    const emb = new Float32Array([1, 0, 0, 5, 1, 1]);
    const s = anomalyScores(emb, 2, protos, 0.07);
    const sm = (cn: number, ca: number) => Math.exp(ca / 0.07) / (Math.exp(cn / 0.07) + Math.exp(ca / 0.07));
    expect(s[0]).toBeCloseTo(sm(1, 0), 7);
    expect(s[1]).toBeCloseTo(sm(0, 1), 7);
    expect(s[2]).toBeCloseTo(0.5, 7);
    expect(anomalyScores(emb, 2, protos, 1)[0]).toBeCloseTo(1 / (1 + Math.E), 7);
  });

  it('associate: min over all memory rows of (1 − cos)/2, any number of queries', () => {
    const mem = normalizeRows(new Float32Array([1, 0, 0, 1, -1, -1]), 2);
    const q = new Float32Array([2, 0, 1, 1, -1, 0, 0, -3, 3, 3]);
    const a = associate(q, 2, mem);
    expect(a[0]).toBe(0);
    expect(a[1]).toBeCloseTo((1 - Math.SQRT1_2) / 2, 6);
    expect(a[2]).toBeCloseTo((1 - Math.SQRT1_2) / 2, 6);
    expect(a[3]).toBeCloseTo((1 - Math.SQRT1_2) / 2, 6);
    expect(a[4]).toBeCloseTo((1 - Math.SQRT1_2) / 2, 6);
    expect(a.length).toBe(5);
  });

  it('associate equals a brute-force nearest neighbour for odd and even sizes', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5;
    const dim = 5;
    for (const [nq, m] of [
      [1, 1],
      [3, 2],
      [4, 7],
      [9, 8],
    ]) {
      const q = Float32Array.from({ length: nq * dim }, rand);
      const raw = Float32Array.from({ length: m * dim }, rand);
      const got = associate(q, dim, normalizeRows(raw, dim));
      for (let i = 0; i < nq; i++) {
        let best = Number.POSITIVE_INFINITY;
        for (let r = 0; r < m; r++) {
          let dot = 0;
          let nq2 = 0;
          let nr2 = 0;
          for (let d = 0; d < dim; d++) {
            dot += q[i * dim + d] * raw[r * dim + d];
            nq2 += q[i * dim + d] ** 2;
            nr2 += raw[r * dim + d] ** 2;
          }
          best = Math.min(best, (1 - dot / Math.sqrt(nq2 * nr2)) / 2);
        }
        expect(got[i]).toBeCloseTo(best, 6);
      }
    }
  });

  it('classPrototypes are plain means of un-normalised rows; normalizeRows', () => {
    const p = classPrototypes(new Float32Array([1, 2, 3, 6]), new Float32Array([10, 0]), 2);
    expect([...p.normal]).toEqual([2, 4]);
    expect([...p.anomalous]).toEqual([10, 0]);
    expect([...normalizeRows(new Float32Array([3, 4, 0, 0]), 2)]).toEqual([
      Math.fround(0.6),
      Math.fround(0.8),
      0,
      0,
    ]);
  });

  it('buildMemory pools every position of every tile, normalised', () => {
    const tiles = referenceTiles();
    const m = buildMemory(tiles, W, E);
    expect(m.patches.length).toBe(tiles.length * g * g * W);
    for (const k of manifest.scales)
      expect(m.windows.get(k)!.length).toBe(tiles.length * (g - k + 1) ** 2 * E);
    let ss = 0;
    for (let d = 0; d < W; d++) ss += m.patches[W * 300 + d] ** 2;
    expect(ss).toBeCloseTo(1, 5);
    expect(() => buildMemory([], W, E)).toThrow();
  });
});

describe('scoreTile options (ablations)', () => {
  const protos = fixturePrototypes();
  const feats = testTileFeatures('test_c.t1');
  const memory = buildMemory(referenceTiles(), W, E);

  it('without the image scale the zero-shot grid is the harmonic mean of the window maps only', () => {
    const r = zeroShot(feats, protos, { useImageScale: false });
    expect(r.zsScaleMaps.length).toBe(2);
    const full = zeroShot(feats, protos);
    expect(maxAbsDiff(r.zsScaleMaps[0], full.zsScaleMaps[1])).toBe(0);
    expect(maxAbsDiff(r.zsGrid, combineMaps(full.zsScaleMaps.slice(1), 'harmonic'))).toBe(0);
  });

  it('a single window scale', () => {
    const r = fewShot(feats, protos, memory, { scales: [3] });
    expect([...r.zsWindowScores.keys()]).toEqual([3]);
    expect(r.zsScaleMaps.length).toBe(2);
    expect(r.fsScaleMaps!.length).toBe(2);
    const full = fewShot(feats, protos, memory);
    expect(
      maxAbsDiff(r.fsOnlyGrid!, combineMaps([full.fsScaleMaps![0], full.fsScaleMaps![2]], 'arithmetic')),
    ).toBe(0);
  });

  it('arithmetic aggregation replaces every harmonic mean', () => {
    const r = fewShot(feats, protos, memory, { aggregation: 'arithmetic' });
    const s2 = r.zsWindowScores.get(2)!;
    expect(maxAbsDiff(r.zsScaleMaps[1], poolWindowsToGrid(s2, g, 2, 'arithmetic'))).toBe(0);
    expect(maxAbsDiff(r.zsGrid, combineMaps(r.zsScaleMaps, 'arithmetic'))).toBe(0);
    const f3 = r.fsWindowScores!.get(3)!;
    expect(maxAbsDiff(r.fsScaleMaps![2], poolWindowsToGrid(f3, g, 3, 'arithmetic'))).toBe(0);
    const harmonic = fewShot(feats, protos, memory);
    expect(maxAbsDiff(r.zsGrid, harmonic.zsGrid)).toBeGreaterThan(1e-6);
  });

  it('without a few-shot part the result is zero-shot; temperature changes the scores', () => {
    const r = zeroShot(feats, protos);
    expect(r.fsOnlyGrid).toBeUndefined();
    expect(r.imageScore).toBe(r.zsImageScore);
    expect(maxAbsDiff(fewShot(feats, protos, memory).zsGrid, r.zsGrid)).toBe(0);
    const hot = zeroShot(feats, protos, { temperature: 1 });
    expect(Math.abs(hot.zsImageScore - r.zsImageScore)).toBeGreaterThan(1e-4);
  });

  it('the few-shot weight sets the fusion: ½ is the plain mean, 1 keeps only M^W', () => {
    const params = scoringParameters();
    const part = fewShotTile(feats, memory, geom, params);
    const half = scoreTile(feats, protos, geom, params, part);
    const zs = half.zsGrid;
    const fs = part.fsOnlyGrid;
    expect([...half.fusedGrid!]).toEqual(Array.from(zs, (z, i) => Math.fround((z + fs[i]) / 2)));
    const only = scoreTile(feats, protos, geom, { ...params, fewShotWeight: 1 }, part);
    expect([...only.fusedGrid!]).toEqual([...fs]);
    expect(only.imageScore).toBe(Math.max(...fs));
  });

  it("don't-care cells leave the few-shot max term: the max over the cells kept, 0 with none kept", () => {
    const params = scoringParameters();
    const part = fewShotTile(feats, memory, geom, params);
    const fs = part.fsOnlyGrid;
    const all = scoreTile(feats, protos, geom, params, part);
    const top = fs.indexOf(Math.max(...fs));
    const care = new Uint8Array(g * g).fill(1);
    care[top] = 0;
    const masked = scoreTile(feats, protos, geom, params, part, care);
    const rest = Math.max(...fs.filter((_, i) => i !== top));
    expect(masked.imageScore).toBe(0.5 * all.zsImageScore + 0.5 * rest);
    expect(masked.imageScore).toBeLessThan(all.imageScore);
    // The map and the zero-shot score are untouched; only the image score's max term changes.
    expect([...masked.grid]).toEqual([...all.grid]);
    expect(masked.zsImageScore).toBe(all.zsImageScore);
    const none = scoreTile(feats, protos, geom, params, part, new Uint8Array(g * g));
    expect(none.imageScore).toBe(0.5 * all.zsImageScore);
    // Every cell kept is exactly the unmasked score.
    const full = scoreTile(feats, protos, geom, params, part, new Uint8Array(g * g).fill(1));
    expect(full.imageScore).toBe(all.imageScore);
    expect(() => scoreTile(feats, protos, geom, params, part, new Uint8Array(3))).toThrow(/care mask/);
  });

  it('rejects missing scales and mis-sized inputs', () => {
    expect(() => zeroShot(feats, protos, { scales: [4] })).toThrow(/scale-4/);
    expect(() => zeroShot(feats, protos, { scales: [], useImageScale: false })).toThrow();
    expect(() => scoreTile(feats, protos, { ...geom, embedDim: E + 1 }, scoringParameters())).toThrow();
  });
});
