import { describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../../../test/fixture';
import { imageSlice, MUSC_R, type MuscReference, muscArray, patchTokens } from '../../../test/musc-fixture';
import { boxMean, layerNormMap, lnamdFeatures, normalizeRows, summedAreaTableLength } from './lnamd';
import { checkedRankRange, meanOverLayersAndR, minLotForInterval, msmScores, rankRange } from './msm';
import { minMaxNormalise, rscin, similarityMatrix } from './rscin';
import { mapMax, upsampleAlignCorners } from './upsample';

const N = 6;
const BLOCKS = [1, 2];

/** (P, C) → (C, P): the fixture's LayerNorm map is stored channel-first. */
function channelFirst(x: Float32Array, width: number): Float32Array {
  const p = x.length / width;
  const out = new Float32Array(x.length);
  for (let q = 0; q < p; q++) for (let c = 0; c < width; c++) out[c * p + q] = x[q * width + c];
  return out;
}

/** nn_dist (N, P, N−1) of image i as the lot keeps it: one P-vector (F = 1) per other image. */
function othersOf(ref: MuscReference, name: string, i: number): Float32Array[] {
  const a = muscArray(ref, name);
  const [, p, m] = a.shape;
  const rows = imageSlice(a, i);
  return Array.from({ length: m }, (_, j) => {
    const v = new Float32Array(p);
    for (let q = 0; q < p; q++) v[q] = rows[q * m + j];
    return v;
  });
}

function msmOf(ref: MuscReference, r: number, block: number, interval: [number, number]): Float32Array {
  const p = muscArray(ref, `nn_dist.r${r}.block${block}`).shape[1];
  const out = new Float32Array(N * p);
  const range = checkedRankRange(N, interval);
  for (let i = 0; i < N; i++)
    out.set(msmScores(othersOf(ref, `nn_dist.r${r}.block${block}`, i), 0, p, range), i * p);
  return out;
}

for (const ref of ['reference', 'reference-320'] as const) {
  describe(`MuSc math against ${ref}`, () => {
    const width = muscArray(ref, 'patch_tokens.block1').shape[2];
    const grid = muscArray(ref, 'patch_scores').shape[1];
    const size = muscArray(ref, 'anomaly_maps').shape[1];
    const p = grid * grid;

    it('LayerNorms each map jointly over C×h×w', () => {
      for (const b of BLOCKS) {
        const want = muscArray(ref, `lnamd_layernorm.block${b}`);
        for (let i = 0; i < N; i++) {
          const got = channelFirst(layerNormMap(patchTokens(ref, b, i)), width);
          expect(maxAbsDiff(got, imageSlice(want, i))).toBeLessThan(1e-4);
        }
      }
    });

    it('aggregates r×r neighbourhoods and normalises each patch (all r, both blocks)', () => {
      for (const [ri, r] of MUSC_R.entries()) {
        const raw = muscArray(ref, `lnamd_raw.r${r}`);
        for (let i = 0; i < N; i++) {
          const rows = imageSlice(raw, i); // (P, nL, C)
          for (const [li, b] of BLOCKS.entries()) {
            const mean = boxMean(layerNormMap(patchTokens(ref, b, i)), grid, width, r);
            const wantRaw = new Float32Array(p * width);
            for (let q = 0; q < p; q++)
              wantRaw.set(rows.subarray((q * 2 + li) * width, (q * 2 + li + 1) * width), q * width);
            expect(maxAbsDiff(mean, wantRaw)).toBeLessThan(1e-4);
            const want = imageSlice(muscArray(ref, `lnamd.r${r}.block${b}`), i);
            expect(maxAbsDiff(normalizeRows(mean, width), want)).toBeLessThan(1e-4);
          }
          // The lot's F×P×C layout: r outer, layer inner.
          const all = lnamdFeatures(
            BLOCKS.map((b) => patchTokens(ref, b, i)),
            grid,
            width,
            MUSC_R,
          );
          const want = imageSlice(muscArray(ref, `lnamd.r${r}.block2`), i);
          expect(
            maxAbsDiff(all.subarray((ri * 2 + 1) * p * width, (ri * 2 + 2) * p * width), want),
          ).toBeLessThan(1e-4);
        }
      }
    });

    it('scores patches by the interval mean of the sorted nearest distances (msm and variant_msm)', () => {
      for (const r of MUSC_R)
        for (const b of BLOCKS) {
          expect(
            maxAbsDiff(msmOf(ref, r, b, [0, 0.3]), muscArray(ref, `msm.r${r}.block${b}`).data),
          ).toBeLessThan(1e-5);
          const variant = msmOf(ref, r, b, [0.2, 0.7]);
          expect(maxAbsDiff(variant, muscArray(ref, `variant_msm.r${r}.block${b}`).data)).toBeLessThan(1e-5);
        }
    });

    it('averages over layers, then over r, and upsamples to S×S with the image max', () => {
      const perSet: Float64Array[][] = Array.from({ length: N }, () => []);
      for (const r of MUSC_R) {
        const layers = BLOCKS.map((b) => muscArray(ref, `msm.r${r}.block${b}`));
        const mean = new Float32Array(N * p);
        for (let i = 0; i < N; i++) {
          const sets = layers.map((a) => Float64Array.from(imageSlice(a, i)));
          perSet[i].push(...sets);
          mean.set(meanOverLayersAndR(sets, 1, 2), i * p);
        }
        expect(maxAbsDiff(mean, muscArray(ref, `msm_layer_mean.r${r}`).data)).toBeLessThan(1e-5);
      }
      const maps = muscArray(ref, 'anomaly_maps');
      const ac = muscArray(ref, 'ac_score').data;
      for (let i = 0; i < N; i++) {
        const scores = meanOverLayersAndR(perSet[i], 3, 2);
        expect(maxAbsDiff(scores, imageSlice(muscArray(ref, 'patch_scores'), i))).toBeLessThan(1e-5);
        // From the reference's own patch scores, the map alone is checked at the tight tolerance.
        const map = upsampleAlignCorners(
          Float64Array.from(imageSlice(muscArray(ref, 'patch_scores'), i)),
          grid,
          size,
        );
        expect(maxAbsDiff(map, imageSlice(maps, i))).toBeLessThan(1e-5);
        expect(Math.abs(mapMax(map) - ac[i])).toBeLessThan(1e-5);
      }
    });

    it('re-scores with RsCIN', () => {
      const ac = muscArray(ref, 'ac_score').data;
      const tokens = Array.from({ length: N }, (_, i) => imageSlice(muscArray(ref, 'class_tokens'), i));
      expect(maxAbsDiff(minMaxNormalise(ac), muscArray(ref, 'rscin_norm_score').data)).toBeLessThan(1e-5);
      expect(maxAbsDiff(similarityMatrix(tokens), muscArray(ref, 'rscin_similarity').data)).toBeLessThan(
        1e-5,
      );
      const { score } = rscin(ac, tokens, [1, 2, 3]);
      expect(maxAbsDiff(score, muscArray(ref, 'rscin_score').data)).toBeLessThan(1e-5);
    });
  });
}

describe('LNAMD box means', () => {
  it('sums r×r windows with zero padding counted in r², hand-worked on a 3×3 grid of 2 channels', () => {
    // Channel 0 holds 1…9 row-major, channel 1 holds 10× that.
    const x = Float32Array.from({ length: 18 }, (_, i) => (i % 2 === 0 ? 1 : 10) * (Math.floor(i / 2) + 1));
    const m3 = boxMean(x, 3, 2, 3);
    // Corner (0,0): 1+2+4+5 = 12 over 9; centre: 45 over 9; edge (0,1): 1+2+3+4+5+6 = 21 over 9.
    expect(m3[0]).toBeCloseTo(12 / 9, 6);
    expect(m3[1]).toBeCloseTo(120 / 9, 5);
    expect(m3[2 * 4]).toBeCloseTo(5, 6);
    expect(m3[2 * 1]).toBeCloseTo(21 / 9, 6);
    // r = 5 covers the whole grid from the centre: 45 over 25.
    expect(boxMean(x, 3, 2, 5)[2 * 4]).toBeCloseTo(45 / 25, 6);
    expect([...boxMean(x, 3, 2, 1)]).toEqual([...x]);
  });

  it('lays out F = |r|·|layers| sets, r outer, for any r order (set by set, the same values)', () => {
    const layers = [0, 1].map((l) =>
      Float32Array.from({ length: 16 * 3 }, (_, i) => Math.sin(i * 1.7 + l) * (l + 1)),
    );
    const rList = [5, 1, 3];
    const all = lnamdFeatures(layers, 4, 3, rList);
    for (const [ri, r] of rList.entries())
      for (const [li, t] of layers.entries()) {
        const want = normalizeRows(boxMean(layerNormMap(t), 4, 3, r), 3);
        expect([...all.subarray((ri * 2 + li) * 48, (ri * 2 + li + 1) * 48)]).toEqual([...want]);
      }
  });

  it('gives the same features with a table reused across images, and refuses one of another size', () => {
    const image = (k: number) =>
      [0, 1].map((l) => Float32Array.from({ length: 16 * 3 }, (_, i) => Math.cos(i * 0.9 + l + k) * 3));
    const table = new Float64Array(summedAreaTableLength(4, 3));
    for (const k of [0, 1, 2])
      expect([...lnamdFeatures(image(k), 4, 3, [1, 3, 5], table)]).toEqual([
        ...lnamdFeatures(image(k), 4, 3, [1, 3, 5]),
      ]);
    expect(() => lnamdFeatures(image(0), 4, 3, [3], new Float64Array(table.length + 1))).toThrow(
      /the table has 76 values, not 75/,
    );
  });
});

describe('MSM ranks', () => {
  it('truncates (N−1)·t as the code does and needs 5 images for [0, 0.3)', () => {
    expect(rankRange(6, [0, 0.3])).toEqual({ kMin: 0, kMax: 1 });
    expect(rankRange(6, [0.2, 0.7])).toEqual({ kMin: 1, kMax: 3 });
    // (11−1)·0.3 is 3.0000000000000004 in float64: int() gives 3.
    expect(rankRange(11, [0, 0.3])).toEqual({ kMin: 0, kMax: 3 });
    expect(rankRange(200, [0, 0.3])).toEqual({ kMin: 0, kMax: 59 });
    expect(minLotForInterval([0, 0.3])).toBe(5);
    expect(minLotForInterval([0.2, 0.7])).toBe(3);
    expect(() => checkedRankRange(3, [0, 0.3])).toThrow('the lot mode needs at least 5 images; 2 more to go');
  });

  it('means the ranks [kMin, kMax) of the sorted distances, hand-worked', () => {
    const others = [0.5, 0.1, 0.4, 0.2, 0.3].map((v) => Float32Array.of(v, 1 - v));
    // Patch 0 sorted: 0.1 0.2 0.3 0.4 0.5 → ranks [1, 3) → (0.2 + 0.3) / 2; patch 1: 0.5 0.6 0.7 … → (0.6 + 0.7) / 2.
    const got = msmScores(others, 0, 2, { kMin: 1, kMax: 3 });
    expect(got[0]).toBeCloseTo(0.25, 7);
    expect(got[1]).toBeCloseTo(0.65, 7);
  });
});

describe('MSM selection', () => {
  it('means the same ranks as a full sort would, ties included', () => {
    let seed = 7;
    const next = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const m = 61;
    // Two patches: distinct values, and values drawn from 5 levels (many ties).
    const others = Array.from({ length: m }, () => Float32Array.of(next(), Math.floor(next() * 5) / 4));
    for (const [kMin, kMax] of [
      [0, 1],
      [0, 18],
      [5, 40],
      [59, 61],
      [0, 61],
    ]) {
      const got = msmScores(others, 0, 2, { kMin, kMax });
      for (const q of [0, 1]) {
        const sorted = others.map((o) => o[q]).sort((a, b) => a - b);
        const want = sorted.slice(kMin, kMax).reduce((a, b) => a + b, 0) / (kMax - kMin);
        expect(Math.abs(got[q] - want)).toBeLessThan(1e-6);
      }
    }
  });
});

describe('RsCIN edge cases', () => {
  const tokens = [Float32Array.of(1, 0), Float32Array.of(0.6, 0.8), Float32Array.of(0, 1)];

  it('scores a lot whose scores are all equal as all 0, not NaN', () => {
    expect([...rscin([0.4, 0.4, 0.4], tokens, [1, 2]).score]).toEqual([0, 0, 0]);
  });

  it('refuses a k larger than the lot', () => {
    expect(() => rscin([0.1, 0.2, 0.3], tokens, [1, 4])).toThrow(
      'k = 4 needs at least 4 images, the lot has 3',
    );
  });

  it('averages k = 1 (the score itself) and k = 2 (the weighted pair), hand-worked', () => {
    // s = [0, 0.5, 1]; W rows: [1, .6, 0], [.6, 1, .8], [0, .8, 1].
    // k = 2: row 0 keeps 1, .6 → (0 + .6·.5)/1.6; row 1 keeps 1, .8 → (.5 + .8)/1.8; row 2 keeps 1, .8 → (1 + .8·.5)/1.8.
    const { score } = rscin([2, 3, 4], tokens, [1, 2]);
    const want = [(0 + 0.3 / 1.6) / 2, (0.5 + 1.3 / 1.8) / 2, (1 + 1.4 / 1.8) / 2];
    for (let i = 0; i < 3; i++) expect(score[i]).toBeCloseTo(want[i], 6);
  });
});
