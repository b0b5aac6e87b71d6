/**
 * The lot mode's device side on onnxruntime-node (CPU) against the MuSc reference of the tiny model:
 * pre-processing, raw block tokens and class tokens at S = 240 (native) and S = 320 (positional
 * embedding resized), and nearest-neighbour distances both ways, also in blocks smaller than a lot.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeEngine } from '../src/cli/node-engine';
import { muscSettings } from '../src/core/musc/settings';
import type { RgbImage } from '../src/core/types';
import type { WinclipEngine } from '../src/engine/engine';
import { OrtMuscDevice } from '../src/engine/musc-device';
import { MuscLot } from '../src/engine/musc-lot';
import { planBlocks } from '../src/engine/nearest-blocks';
import { createNodeRuntime } from '../src/engine/runtime-node';
import { decodeImageFile } from '../src/io/decode-node';
import { parseModelConfig } from '../src/model/config';
import { ModelWeights } from '../src/model/weights';
import { FIXTURE_DIR, maxAbsDiff } from './fixture';
import { imageSlice, MUSC_BATCH, MUSC_LAYERS, type MuscReference, muscArray } from './musc-fixture';

const LAYERS = MUSC_LAYERS;
const N = MUSC_BATCH.length;
let engine: WinclipEngine;
const images: RgbImage[] = [];

beforeAll(async () => {
  engine = await createNodeEngine(FIXTURE_DIR, 2, {}, { lotMode: true });
  for (const n of MUSC_BATCH) images.push(await decodeImageFile(join(FIXTURE_DIR, `${n}.png`)));
});

const row = (a: Float32Array, i: number, n: number) => a.subarray(i * n, (i + 1) * n);

describe.each([
  ['reference', 240],
  ['reference-320', 320],
] as [MuscReference, number][])('%s (S = %i)', (ref, S) => {
  it('pre-processing matches pixels.bin (test_c is 640×400, stretched)', () => {
    const want = muscArray(ref, 'pixels').data;
    const n = 3 * S * S;
    for (let i = 0; i < N; i++)
      expect(maxAbsDiff(engine.muscDevice().preprocess(images[i], S), row(want, i, n))).toBeLessThan(1e-6);
  });

  it('patch tokens of both blocks (1e-4) and class tokens (1e-5)', async () => {
    const g = S / 16;
    const P = g * g;
    const W = 64;
    const blocks = LAYERS.map((l) => muscArray(ref, `patch_tokens.block${l + 1}`).data);
    const cls = muscArray(ref, 'class_tokens').data;
    let worstTok = 0;
    let worstCls = 0;
    for (let i = 0; i < N; i++) {
      const t = await engine.muscDevice().encodeTokens(images[i], S, LAYERS);
      expect([t.size, t.grid, t.width, t.layers]).toEqual([S, g, W, LAYERS]);
      t.patchTokens.forEach((tok, k) => {
        // The reference keeps token 0 (cls); the device drops it.
        const want = row(blocks[k], i, (1 + P) * W).subarray(W);
        worstTok = Math.max(worstTok, maxAbsDiff(tok, want));
      });
      worstCls = Math.max(worstCls, maxAbsDiff(t.classToken, row(cls, i, 32)));
    }
    console.log(
      `S=${S}: max |Δ| tokens ${worstTok.toExponential(2)}, class tokens ${worstCls.toExponential(2)}`,
    );
    expect(worstTok).toBeLessThan(1e-4);
    expect(worstCls).toBeLessThan(1e-5);
  });

  it('a lot on this device: images in, RsCIN scores (1e-5), max scores and maps (1e-4) out', async () => {
    const settings = muscSettings({ blocks: 2, imageSize: 240, patchSize: 16 }, { size: S });
    expect(settings.layers).toEqual(LAYERS);
    const lot = new MuscLot(engine.muscDevice(), settings);
    await lot.addAll(MUSC_BATCH.map((key, i) => ({ key, image: images[i] })));
    expect(lot.counters().pairsComputed).toBe((N * (N - 1)) / 2);
    const r = lot.scores();
    if (!r.ready) throw new Error(r.message);
    const rscin = muscArray(ref, 'rscin_score').data;
    const ac = muscArray(ref, 'ac_score').data;
    const maps = muscArray(ref, 'anomaly_maps');
    let worstMap = 0;
    r.images.forEach((im, i) => {
      expect(im.key).toBe(MUSC_BATCH[i]);
      expect(Math.abs(im.imageScore - rscin[i])).toBeLessThan(1e-5);
      expect(Math.abs(im.maxScore - ac[i])).toBeLessThan(1e-5);
      worstMap = Math.max(worstMap, maxAbsDiff(im.map, imageSlice(maps, i)));
    });
    console.log(`S=${S}: lot maps max |Δ| ${worstMap.toExponential(2)}`);
    expect(worstMap).toBeLessThan(1e-4);
  });

  it('nearest distances of the LNAMD features reproduce nn_dist both ways (1e-5)', async () => {
    const worst = await checkDistances(engine.muscDevice(), ref);
    console.log(`S=${S}: nearest distances max |Δ| ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-5);
  });
});

const FEATURE_SETS = [1, 3, 5].flatMap((r) => [1, 2].map((b) => `r${r}.block${b}`));

/** Runs every image as the query against all the others; returns the worst difference to nn_dist. */
async function checkDistances(device: OrtMuscDevice, ref: MuscReference): Promise<number> {
  const lnamd = FEATURE_SETS.map((s) => muscArray(ref, `lnamd.${s}`));
  const nn = FEATURE_SETS.map((s) => muscArray(ref, `nn_dist.${s}`).data);
  const [, P, C] = lnamd[0].shape;
  const F = FEATURE_SETS.length;
  // Image i's features, F×P×C (feature set outermost).
  const feats = Array.from({ length: N }, (_, i) => {
    const x = new Float32Array(F * P * C);
    for (const [f, a] of lnamd.entries()) x.set(row(a.data, i, P * C), f * P * C);
    return x;
  });
  // nn_dist[i, p, jj]: jj counts the others of i in batch order, i skipped.
  const others = (i: number) => [...Array(N).keys()].filter((j) => j !== i);
  const ref_ = (i: number, j: number, f: number, p: number) =>
    nn[f][(i * P + p) * (N - 1) + others(i).indexOf(j)];
  let worst = 0;
  for (let i = 0; i < N; i++) {
    const js = others(i);
    const d = await device.nearestDistances(
      feats[i],
      js.map((j) => feats[j]),
      { f: F, p: P, c: C },
    );
    expect(d.queryToOther).toHaveLength(N - 1);
    js.forEach((j, jj) => {
      for (let f = 0; f < F; f++)
        for (let p = 0; p < P; p++) {
          worst = Math.max(worst, Math.abs(d.queryToOther[jj][f * P + p] - ref_(i, j, f, p)));
          worst = Math.max(worst, Math.abs(d.otherToQuery[jj][f * P + p] - ref_(j, i, f, p)));
        }
    });
  }
  return worst;
}

describe('nearest distances in blocks', () => {
  const cfg = parseModelConfig(JSON.parse(readFileSync(join(FIXTURE_DIR, 'open_clip_config.json'), 'utf8')));
  const weights = () =>
    ModelWeights.fromBytes(
      new Uint8Array(readFileSync(join(FIXTURE_DIR, 'open_clip_model.safetensors'))),
      cfg,
    );
  const perSet = 225 * (64 + 2 + 225) * 4;

  it('plans the largest block under the bound', () => {
    const shape = { f: 6, p: 225, c: 64 };
    expect(planBlocks(shape, 5, 2 * 6 * perSet)).toEqual({ sets: 6, images: 2 });
    expect(planBlocks(shape, 5, 100 * 6 * perSet)).toEqual({ sets: 6, images: 5 });
    expect(planBlocks(shape, 5, 4 * perSet + 1)).toEqual({ sets: 4, images: 1 });
    expect(planBlocks(shape, 5, 1)).toEqual({ sets: 1, images: 1 });
    expect(planBlocks(shape, 5, 100 * 6 * perSet, 3)).toEqual({ sets: 6, images: 3 });
  });

  it.each([
    ['as many images a run as the bound allows (the default)', undefined, undefined, 1],
    ['one image a run', undefined, 1, 5],
    ['3 images a run, then 2', undefined, 3, 2],
    ['2 images a run (byte bound)', 2 * 6 * perSet, 8, 3],
    ['5 images a run (no bound)', undefined, 8, 1],
    ['4 of 6 feature sets a run', 4 * perSet, 8, 10],
  ])('%s gives the same distances (1e-5)', async (_l, bound, imagesPerRun, runsPerQuery) => {
    const device = new OrtMuscDevice(cfg, createNodeRuntime(2), weights(), {
      blockBytes: bound,
      imagesPerRun,
    });
    const worst = await checkDistances(device, 'reference');
    expect(worst).toBeLessThan(1e-5);
    expect(device.counters.distanceRuns).toBe(N * runsPerQuery);
    await device.dispose();
  });

  it('refuses features of the wrong size with the reason', async () => {
    const device = engine.muscDevice();
    const q = new Float32Array(2 * 3 * 4);
    await expect(device.nearestDistances(q, [new Float32Array(23)], { f: 2, p: 3, c: 4 })).rejects.toThrow(
      'other image 0 has 23 values, not 24',
    );
  });
});

describe('lot sessions', () => {
  it('opens one image session per (size, blocks) and refuses blocks the model lacks', async () => {
    const device = engine.muscDevice();
    const opened = () => device.counters.imageSessionsOpened;
    await device.encodeTokens(images[0], 240, LAYERS);
    const before = opened();
    await device.encodeTokens(images[0], 240, LAYERS);
    expect(opened()).toBe(before);
    await device.encodeTokens(images[0], 240, [1]);
    await device.encodeTokens(images[0], 240, [1]);
    expect(opened()).toBe(before + 1);
    await expect(device.encodeTokens(images[0], 240, [2])).rejects.toThrow(
      'block 2 does not exist: this model has blocks 0 to 1',
    );
    await expect(device.encodeTokens(images[0], 250, LAYERS)).rejects.toThrow(
      'multiple of the patch size 16',
    );
  });

  it('needs the engine opened for the lot mode', async () => {
    const plain = await createNodeEngine(FIXTURE_DIR, 1);
    expect(() => plain.muscDevice()).toThrow('lotMode');
    await plain.dispose();
  });
});
