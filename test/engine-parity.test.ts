/**
 * End-to-end parity of the engine (tokeniser, graphs on onnxruntime-node, pre-processing,
 * scoring, tiling) against every case of the winclip-tiny reference fixture.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeEngine } from '../src/cli/node-engine';
import type { WinclipEngine } from '../src/engine/engine';
import { decodeImageFile } from '../src/io/decode-node';
import { FIXTURE_DIR, fixturePrompts, hasArray, loadArray, loadF32, manifest, maxAbsDiff } from './fixture';

const EMB_TOL = 1e-4;
const SCORE_TOL = 1e-4;

let engine: WinclipEngine;
const refs = manifest.images.filter((i) => i.role === 'reference');
const tests = manifest.images.filter((i) => i.role === 'test');

beforeAll(async () => {
  engine = await createNodeEngine(FIXTURE_DIR, 2);
  await engine.setPrompts({ normal: fixturePrompts.normal, anomalous: fixturePrompts.anomalous });
});

describe('text side', () => {
  it.each(['normal', 'anomalous'] as const)('token ids of every %s prompt are identical', (cls) => {
    const want = loadArray(`text.tokens_${cls}`).data as Int32Array;
    fixturePrompts[cls].forEach((p, i) => {
      const got = engine.tokenize(p);
      const row = Array.from(want.subarray(i * 77, i * 77 + 77));
      expect(Array.from(got)).toEqual(row.slice(0, got.length));
      expect(row.slice(got.length).every((v) => v === 0)).toBe(true);
    });
  });

  it.each(['normal', 'anomalous'] as const)('per-prompt %s embeddings match', (cls) => {
    const got = engine.promptEmbeddings(fixturePrompts[cls]);
    expect(maxAbsDiff(got, loadF32(`text.prompt_embeddings_${cls}`))).toBeLessThan(EMB_TOL);
  });

  it('class prototypes match', () => {
    const p = engine.prototypes();
    const want = loadF32('text.text_embeddings');
    const E = engine.config.embedDim;
    expect(maxAbsDiff(p.normal, want.subarray(0, E))).toBeLessThan(EMB_TOL);
    expect(maxAbsDiff(p.anomalous, want.subarray(E, 2 * E))).toBeLessThan(EMB_TOL);
  });

  it('truncates over-long texts to 77 ids ending in <|endoftext|>', () => {
    const ids = engine.tokenize(`a photo of ${'very '.repeat(100)}long bottle.`);
    expect(ids.length).toBe(77);
    expect(ids[0]).toBe(49406);
    expect(ids[76]).toBe(49407);
  });
});

describe('image side, per tile', () => {
  const tiles = manifest.images.flatMap((img) =>
    img.tiles.map((t) => ({ img, tile: t, name: `${img.name}.${t.name}` })),
  );

  it.each(tiles.map((t) => [t.name, t] as const))(
    '%s: pixels, feature map, image/patch/window embeddings',
    async (_n, t) => {
      const rgb = await decodeImageFile(join(FIXTURE_DIR, t.img.file));
      const { boxes, pixels } = engine.preprocess(rgb);
      const i = t.img.tiles.indexOf(t.tile);
      expect(boxes[i]).toEqual(t.tile.box);
      expect(maxAbsDiff(pixels[i], loadF32(`${t.name}.pixels`))).toBeLessThanOrEqual(1e-6);
      const f = await engine.encodeTile(pixels[i]);
      expect(maxAbsDiff(f.featureMap, loadF32(`${t.name}.feature_map`))).toBeLessThan(EMB_TOL);
      expect(maxAbsDiff(f.imageEmbedding, loadF32(`${t.name}.image_embedding`))).toBeLessThan(EMB_TOL);
      if (t.img.role === 'test') {
        expect(maxAbsDiff(f.patchEmbeddings, loadF32(`${t.name}.patch_embeddings`))).toBeLessThan(EMB_TOL);
        for (const k of manifest.scales) {
          expect(
            maxAbsDiff(f.windowEmbeddings.get(k)!, loadF32(`${t.name}.window_embeddings_s${k}`)),
          ).toBeLessThan(EMB_TOL);
        }
      } else {
        // Reference tiles are rows of the memory arrays, in reference_tiles_in_memory order.
        const r = manifest.reference_tiles_in_memory.indexOf(t.name);
        const slice = (name: string, n: number) => loadF32(name).subarray(r * n, (r + 1) * n);
        expect(
          maxAbsDiff(f.patchEmbeddings, slice('memory.patch_embeddings', f.patchEmbeddings.length)),
        ).toBeLessThan(EMB_TOL);
        for (const k of manifest.scales) {
          const w = f.windowEmbeddings.get(k)!;
          expect(maxAbsDiff(w, slice(`memory.window_embeddings_s${k}`, w.length))).toBeLessThan(EMB_TOL);
        }
      }
    },
  );
});

describe('scores and maps', () => {
  beforeAll(async () => {
    for (const img of [...tests, ...refs])
      await engine.encode(img.name, await decodeImageFile(join(FIXTURE_DIR, img.file)));
  });

  it.each(tests.map((t) => [t.name, t] as const))(
    '%s zero-shot: tile stages and final outputs',
    async (_n, img) => {
      engine.clearReferences();
      const r = await engine.scoreDetailed(img.name);
      expect(r.mode).toBe('zero-shot');
      img.tiles.forEach((tile, i) => {
        const p = `${img.name}.${tile.name}`;
        const ts = r.tiles[i];
        expect(Math.abs(ts.zsImageScore - loadF32(`${p}.zs_image_score`)[0])).toBeLessThan(SCORE_TOL);
        for (const k of manifest.scales)
          expect(maxAbsDiff(ts.zsWindowScores.get(k)!, loadF32(`${p}.zs_window_scores_s${k}`))).toBeLessThan(
            SCORE_TOL,
          );
        const maps = loadF32(`${p}.zs_scale_maps`);
        const n = ts.zsGrid.length;
        for (const [j, m] of ts.zsScaleMaps.entries()) {
          expect(maxAbsDiff(m, maps.subarray(j * n, (j + 1) * n))).toBeLessThan(SCORE_TOL);
        }
        expect(maxAbsDiff(ts.zsGrid, loadF32(`${p}.zs_grid_map`))).toBeLessThan(SCORE_TOL);
        expect(maxAbsDiff(r.tileMaps[i], loadF32(`${p}.zs_map`))).toBeLessThan(SCORE_TOL);
      });
      expect(Math.abs(r.imageScore - loadF32(`${img.name}.final_zs_score`)[0])).toBeLessThan(SCORE_TOL);
      expect(r.anomalyMap.length).toBe(img.width * img.height);
      expect(maxAbsDiff(r.anomalyMap, loadF32(`${img.name}.final_zs_map`))).toBeLessThan(SCORE_TOL);
    },
  );

  it.each(tests.map((t) => [t.name, t] as const))(
    '%s few-shot: tile stages and final outputs',
    async (_n, img) => {
      engine.clearReferences();
      for (const ref of refs) engine.addReferenceEncoded(ref.name);
      const r = await engine.scoreDetailed(img.name);
      expect(r.mode).toBe('few-shot');
      img.tiles.forEach((tile, i) => {
        const p = `${img.name}.${tile.name}`;
        const ts = r.tiles[i];
        expect(maxAbsDiff(ts.fsPatchScores!, loadF32(`${p}.fs_patch_scores`))).toBeLessThan(SCORE_TOL);
        for (const k of manifest.scales)
          expect(maxAbsDiff(ts.fsWindowScores!.get(k)!, loadF32(`${p}.fs_window_scores_s${k}`))).toBeLessThan(
            SCORE_TOL,
          );
        const maps = loadF32(`${p}.fs_scale_maps`);
        const n = ts.zsGrid.length;
        for (const [j, m] of ts.fsScaleMaps!.entries()) {
          expect(maxAbsDiff(m, maps.subarray(j * n, (j + 1) * n))).toBeLessThan(SCORE_TOL);
        }
        expect(maxAbsDiff(ts.fsOnlyGrid!, loadF32(`${p}.fs_only_grid_map`))).toBeLessThan(SCORE_TOL);
        expect(maxAbsDiff(ts.fusedGrid!, loadF32(`${p}.fused_grid_map`))).toBeLessThan(SCORE_TOL);
        expect(Math.abs(ts.imageScore - loadF32(`${p}.fused_image_score`)[0])).toBeLessThan(SCORE_TOL);
        expect(maxAbsDiff(r.tileMaps[i], loadF32(`${p}.fused_map`))).toBeLessThan(SCORE_TOL);
      });
      expect(Math.abs(r.imageScore - loadF32(`${img.name}.final_fs_score`)[0])).toBeLessThan(SCORE_TOL);
      expect(maxAbsDiff(r.anomalyMap, loadF32(`${img.name}.final_fs_map`))).toBeLessThan(SCORE_TOL);
    },
  );

  it('covers every array of the manifest', () => {
    // Guards against a fixture update adding stages this suite does not check.
    const checked =
      /^(text\.(tokens|prompt_embeddings)_(normal|anomalous)|text\.text_embeddings|masks\.scale[23]|memory\.(patch_embeddings|window_embeddings_s[23])|.+\.t\d\.(pixels|feature_map|image_embedding|patch_embeddings|window_embeddings_s[23]|zs_(image_score|window_scores_s[23]|scale_maps|grid_map|map)|fs_(patch_scores|window_scores_s[23]|scale_maps|only_grid_map)|fused_(grid_map|image_score|map))|.+\.final_(zs|fs)_(score|map))$/;
    const unchecked = manifest.arrays.map((a) => a.name).filter((n) => !checked.test(n));
    expect(unchecked).toEqual([]);
    expect(hasArray('masks.scale2')).toBe(true);
  });

  it('prompt edits re-score without re-running the image encoder', async () => {
    const before = engine.stats();
    const r0 = await (await engine.score('test_a')).imageScore;
    const res = await engine.setPrompts({
      normal: fixturePrompts.normal,
      anomalous: [...fixturePrompts.anomalous, 'a photo of a bottle with a scratch.'],
    });
    expect(res.embedded).toBe(1);
    const r1 = await (await engine.score('test_a')).imageScore;
    expect(r1).not.toBe(r0);
    expect(engine.stats().imageEncoderRuns).toBe(before.imageEncoderRuns);
    await engine.setPrompts({ normal: fixturePrompts.normal, anomalous: fixturePrompts.anomalous });
    expect(engine.stats().promptsEmbedded).toBe(before.promptsEmbedded + 1);
  });
});

describe('few-shot cache', () => {
  it('reuses visual association across prompt edits and refreshes it when the bank changes', async () => {
    const zsOnly = async (key: string) => (await engine.score(key, { zeroShotOnly: true })).imageScore;
    engine.clearReferences();
    engine.addReferenceEncoded('ref_1');
    const one = await (await engine.score('test_a')).imageScore;
    engine.addReferenceEncoded('ref_2');
    const two = await (await engine.score('test_a')).imageScore;
    expect(Math.abs(two - loadF32('test_a.final_fs_score')[0])).toBeLessThan(SCORE_TOL);
    expect(two).not.toBe(one);
    // Edit the prompts: the cached association must combine with the new zero-shot part.
    await engine.setPrompts({
      normal: fixturePrompts.normal.slice(0, 21),
      anomalous: fixturePrompts.anomalous,
    });
    const edited = await engine.scoreDetailed('test_a');
    const fsMax = Math.max(...edited.tiles[0].fsOnlyGrid!);
    expect(edited.imageScore).toBeCloseTo(((await zsOnly('test_a')) + fsMax) / 2, 6);
    expect(edited.imageScore).not.toBeCloseTo(two, 6);
    await engine.setPrompts({ normal: fixturePrompts.normal, anomalous: fixturePrompts.anomalous });
    expect(Math.abs((await engine.score('test_a')).imageScore - two)).toBeLessThan(1e-7);
    engine.removeReference('ref_2');
    expect((await engine.score('test_a')).imageScore).toBe(one);
  });
});

describe('preview maps', () => {
  it('maxMapSide gives a smaller map close to the downscaled full map, same score', async () => {
    engine.clearReferences();
    const full = await engine.score('test_c');
    const small = await engine.score('test_c', { maxMapSide: 64 });
    expect([small.width, small.height]).toEqual([64, 40]);
    expect(small.imageScore).toBe(full.imageScore);
    // Each preview pixel is near the full map at the matching place (maps are smooth at this scale).
    let worst = 0;
    for (let y = 0; y < 40; y++) {
      for (let x = 0; x < 64; x++) {
        const fx = Math.min(639, Math.floor((x + 0.5) * 10));
        const fy = Math.min(399, Math.floor((y + 0.5) * 10));
        worst = Math.max(worst, Math.abs(small.anomalyMap[y * 64 + x] - full.anomalyMap[fy * 640 + fx]));
      }
    }
    const range =
      full.anomalyMap.reduce((a, b) => Math.max(a, b)) - full.anomalyMap.reduce((a, b) => Math.min(a, b));
    expect(worst).toBeLessThan(0.1 * range);
    const same = await engine.score('test_c', { maxMapSide: 640 });
    expect(maxAbsDiff(same.anomalyMap, full.anomalyMap)).toBe(0);
  });
});
