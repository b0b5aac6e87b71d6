/**
 * The evaluation loop with the real engine (fixture model), checked against an independent computation:
 * maps from engine.score, masks decoded straight from the PNGs, metrics by brute force.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeEngine } from '../src/cli/node-engine';
import { bruteAuroc, bruteF1Max, brutePro } from '../src/core/metrics/brute-force.test-helpers';
import type { WinclipEngine } from '../src/engine/engine';
import { ablation } from '../src/eval/ablations';
import { datasetReader } from '../src/eval/datasets';
import { FeatureDiskCache } from '../src/eval/feature-cache';
import { runEvaluation } from '../src/eval/runner';
import { decodeImageFile } from '../src/io/decode-node';
import { generateSynthDataset } from '../src/synth/generator';
import { FIXTURE_DIR } from './fixture';

const tmp = mkdtempSync(join(tmpdir(), 'winclip-runner-'));
const DATA = join(tmp, 'data');
let engine: WinclipEngine;

beforeAll(async () => {
  await generateSynthDataset({
    outDir: DATA,
    categories: ['washer'],
    train: 3,
    testGood: 2,
    testBad: 3,
    size: 24,
    seed: 5,
  });
  engine = await createNodeEngine(FIXTURE_DIR);
});
afterAll(async () => {
  await engine.dispose();
});

describe('evaluation loop', () => {
  it('matches brute-force metrics on the engine maps and the mask files', async () => {
    const reader = datasetReader('mvtec', DATA);
    const out = await runEvaluation(engine, { reader, modelLabel: 'fixture', shots: [0, 1], seeds: 1 });
    const data = await reader.read('washer');
    for (const k of ['0', '1']) {
      const run = out.categories.washer[k].runs[0];
      // Independent scoring: same prompts, same references, keys of our own.
      await engine.setPrompts(ablation('full').prompts('washer'));
      engine.clearReferences();
      for (const ref of run.refs)
        await engine.addReference(`t-ref:${ref}`, await decodeImageFile(join(data.dir, ref)));
      const images = [];
      const scores: number[] = [];
      for (const t of data.test) {
        await engine.encode(`t:${t.file}`, await decodeImageFile(t.path));
        const r = await engine.score(`t:${t.file}`);
        scores.push(r.imageScore);
        let mask = new Array(r.width * r.height).fill(0);
        if (t.maskPath)
          mask = Array.from(await sharp(t.maskPath).extractChannel(0).raw().toBuffer(), (v) => (v ? 1 : 0));
        images.push({ map: Array.from(r.anomalyMap), mask, w: r.width, h: r.height });
      }
      engine.clearReferences();
      expect(run.scores.map((s) => s.image_score)).toEqual(scores);
      const flatScores = images.flatMap((i) => i.map);
      const flatLabels = images.flatMap((i) => i.mask);
      expect(run.pixel!.auroc).toBeCloseTo(bruteAuroc(flatScores, flatLabels), 10);
      expect(run.pixel!.f1_max).toBeCloseTo(bruteF1Max(flatScores, flatLabels), 10);
      expect(run.pixel!.pro).toBeCloseTo(brutePro(images), 10);
    }
  });

  it('gives identical results when features do not fit in memory and are re-read from the disk cache', async () => {
    const reader = datasetReader('mvtec', DATA);
    const cache = new FeatureDiskCache(join(tmp, 'cache'));
    const settings = { reader, modelLabel: 'fixture', shots: [0, 2], seeds: 2, cache };
    const resident = await runEvaluation(engine, settings);
    const streamed = await runEvaluation(engine, { ...settings, featureMemoryBytes: 0 });
    expect(streamed.stats.images_encoded).toBe(0);
    expect(streamed.categories).toEqual(resident.categories);
  });

  it('switches pixel metrics to the histogram past the exact limit and says so', async () => {
    const reader = datasetReader('mvtec', DATA);
    const out = await runEvaluation(engine, {
      reader,
      modelLabel: 'fixture',
      shots: [0],
      seeds: 1,
      exactPixelLimit: 1000,
    });
    const run = out.categories.washer['0'].runs[0];
    expect(run.pixel_eval?.exact).toBe(false);
    const exact = await runEvaluation(engine, { reader, modelLabel: 'fixture', shots: [0], seeds: 1 });
    const e = exact.categories.washer['0'].runs[0];
    expect(e.pixel_eval?.exact).toBe(true);
    expect(Math.abs(run.pixel!.auroc - e.pixel!.auroc)).toBeLessThanOrEqual(
      run.pixel_eval!.auroc_error_bound + 1e-12,
    );
  });
});
