/**
 * Leave-one-out calibration on the fixture model: each reference's LOO result must be the engine's
 * ordinary few-shot result with the other references as the bank, for single- and multi-tile images,
 * and must leave the engine's own bank and caches alone. Also the engine glue of the explanations.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeEngine } from '../src/cli/node-engine';
import { quantiles } from '../src/core/calibration';
import { mapRegions, thresholdRegions } from '../src/core/map-regions';
import { LEGACY_21_TEMPLATES } from '../src/core/prompts';
import { groupPrompts, stateGroups } from '../src/core/state-words';
import type { RgbImage } from '../src/core/types';
import { calibrate, leaveOneOut } from '../src/engine/calibration';
import type { WinclipEngine } from '../src/engine/engine';
import { explain, stateVocabulary } from '../src/engine/explain';
import { decodeImageFile } from '../src/io/decode-node';
import { FIXTURE_DIR, fixturePrompts, maxAbsDiff } from './fixture';

let engine: WinclipEngine;
const img = (f: string) => decodeImageFile(join(FIXTURE_DIR, f));

/** 400×240 from ref_2 mirrored left-right, then 160 columns of ref_1 (from (50, 10)) — two tiles. */
function wideNormal(a: RgbImage, b: RgbImage): RgbImage {
  const W = 400;
  const H = 240;
  const data = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < 240; x++)
      for (let c = 0; c < 3; c++) data[(y * W + x) * 3 + c] = a.data[(y * a.width + 239 - x) * 3 + c];
    const src = ((y + 10) * b.width + 50) * 3;
    data.set(b.data.subarray(src, src + 160 * 3), (y * W + 240) * 3);
  }
  return { width: W, height: H, data };
}

const REFS = ['ref_1', 'ref_2', 'wide'];

beforeAll(async () => {
  engine = await createNodeEngine(FIXTURE_DIR, 2);
  await engine.setPrompts({ normal: fixturePrompts.normal, anomalous: fixturePrompts.anomalous });
  const r1 = await img('ref_1.png');
  const r2 = await img('ref_2.png');
  await engine.encode('ref_1', r1);
  await engine.encode('ref_2', r2);
  await engine.encode('wide', wideNormal(r2, r1));
  await engine.encode('test_a', await img('test_a.png'));
});

describe('leave-one-out calibration', () => {
  it('the multi-tile reference has two tiles', () => {
    expect(engine.getEncoded('wide')!.boxes).toEqual([
      [0, 0, 240, 240],
      [160, 0, 400, 240],
    ]);
  });

  it('each LOO score is the few-shot score against the other references as the bank', async () => {
    engine.clearReferences();
    const loo = await leaveOneOut(engine, REFS);
    expect(loo.map((r) => r.key)).toEqual(REFS);
    for (const r of loo) {
      engine.clearReferences();
      for (const k of REFS) if (k !== r.key) engine.addReferenceEncoded(k);
      const want = await engine.score(r.key);
      expect(want.mode).toBe('few-shot');
      expect(Math.abs(r.imageScore - want.imageScore)).toBeLessThan(1e-6);
      const m = want.anomalyMap;
      expect(Math.abs(r.maxPixel - Math.max(...m))).toBeLessThan(1e-6);
      const q = quantiles(m, [0.5, 0.9, 0.99, 0.999]);
      for (const [i, pq] of r.pixelQuantiles.entries()) expect(Math.abs(pq.value - q[i])).toBeLessThan(1e-6);
      expect(r.pixelHistogram.counts.reduce((a, b) => a + b, 0)).toBe(m.length);
      // Its own tiles are excluded: with itself in the bank the visual part is ~0 and the score drops.
      engine.addReferenceEncoded(r.key);
      expect((await engine.score(r.key)).imageScore).toBeLessThan(r.imageScore - 1e-3);
    }
    engine.clearReferences();
  });

  it('leaves the current bank and its cached results untouched', async () => {
    engine.clearReferences();
    engine.addReferenceEncoded('ref_1');
    const before = await engine.score('test_a');
    const cal = await calibrate(engine, ['ref_2', 'wide']);
    expect(engine.referenceKeys()).toEqual(['ref_1']);
    const after = await engine.score('test_a');
    expect(after.imageScore).toBe(before.imageScore);
    expect(maxAbsDiff(after.anomalyMap, before.anomalyMap)).toBe(0);
    // K = 2: each is scored against the other alone; thresholds sit above both.
    expect(cal.thresholds.image).toBeGreaterThan(Math.max(...cal.references.map((r) => r.imageScore)));
    expect(cal.thresholds.pixel).toBeGreaterThan(Math.max(...cal.references.map((r) => r.maxPixel)));
    await expect(leaveOneOut(engine, ['ref_1'])).rejects.toThrow(/at least 2 reference/);
    await expect(engine.scoreWithBank('ref_1', ['nope'])).rejects.toThrow(/'nope' is not encoded/);
    await expect(engine.scoreWithBank('ref_1', ['ref_2'], { zeroShotOnly: true })).rejects.toThrow(
      /zero-shot/,
    );
    engine.clearReferences();
  });
});

describe('explanations on the engine', () => {
  const groups = stateGroups({ objectName: 'bottle', templates: LEGACY_21_TEMPLATES });

  it('state words group exactly the fixture ensemble, so nothing new is embedded', async () => {
    expect(groupPrompts(groups)).toEqual([
      ...new Set([...fixturePrompts.normal, ...fixturePrompts.anomalous]),
    ]);
    const embedded = engine.stats().promptsEmbedded;
    const vocab = await stateVocabulary(engine, groups);
    expect(engine.stats().promptsEmbedded).toBe(embedded);
    expect(vocab.map((v) => v.state)).toEqual([
      ...groups.normal.map((g) => g.state),
      ...groups.anomalous.map((g) => g.state),
    ]);
    // 'damaged bottle': unit mean of its 21 cached prompt embeddings.
    const E = engine.geometry.embedDim;
    const rows = engine.promptEmbeddings(groups.anomalous[0].prompts);
    const mean = Array.from({ length: E }, (_, d) => {
      let s = 0;
      for (let r = 0; r < 21; r++) s += rows[r * E + d];
      return s / 21;
    });
    const norm = Math.hypot(...mean);
    const damaged = vocab.find((v) => v.state === 'damaged bottle')!;
    expect(
      maxAbsDiff(
        damaged.embedding,
        mean.map((v) => v / norm),
      ),
    ).toBeLessThan(1e-12);
  });

  it('regions of a scored image carry box, area, peak and an anomalous state word', async () => {
    engine.clearReferences();
    const vocab = await stateVocabulary(engine, groups);
    const r = await engine.score('test_a');
    const { max } = { max: Math.max(...r.anomalyMap) };
    const threshold = max - 0.01;
    const e = explain(engine, 'test_a', r, threshold, vocab);
    expect(e.regions.length).toBe(thresholdRegions(r.anomalyMap, r.width, r.height, threshold, 1).regions);
    expect(e.regions.length).toBeGreaterThan(0);
    expect(e.regions[0].peak).toBe(max);
    expect(e.regions.map((x) => x.box)).toEqual(
      mapRegions(r.anomalyMap, r.width, r.height, threshold).regions.map((x) => x.box),
    );
    const anomalousStates = groups.anomalous.map((g) => g.state);
    for (const reg of e.regions) {
      expect(anomalousStates).toContain(reg.state!.state);
      expect(reg.state!.similarity).toBe(Math.max(...reg.anomalousStates.map((s) => s.similarity)));
    }
    expect(e.imageStates).toHaveLength(vocab.length);
    expect(e.imageStates.reduce((a, s) => a + s.share, 0)).toBeCloseTo(1, 12);
  });
});
