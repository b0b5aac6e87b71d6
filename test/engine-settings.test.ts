/**
 * Method settings as an engine parameter: the default reproduces the fixture, window scales [2] change
 * what is encoded and the maps, and bad settings are refused before any graph is built.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeEngine } from '../src/cli/node-engine';
import { METHOD_SETTINGS, TEMPERATURE, WINDOW_SCALES } from '../src/core/method-settings';
import type { WinclipEngine } from '../src/engine/engine';
import { decodeImageFile } from '../src/io/decode-node';
import { FIXTURE_DIR, fixturePrompts, loadF32, manifest, maxAbsDiff } from './fixture';

const TOL = 1e-4;
const IMAGE = 'test_c'; // two tiles: exercises tiling as well
const refs = manifest.images.filter((i) => i.role === 'reference');

let defaults: WinclipEngine;
let smallOnly: WinclipEngine;

async function prepare(engine: WinclipEngine): Promise<WinclipEngine> {
  await engine.setPrompts({ normal: fixturePrompts.normal, anomalous: fixturePrompts.anomalous });
  for (const img of [manifest.images.find((i) => i.name === IMAGE)!, ...refs])
    await engine.encode(img.name, await decodeImageFile(join(FIXTURE_DIR, img.file)));
  return engine;
}

const withRefs = (engine: WinclipEngine, on: boolean) => {
  engine.clearReferences();
  if (on) for (const r of refs) engine.addReferenceEncoded(r.name);
};

beforeAll(async () => {
  defaults = await prepare(await createNodeEngine(FIXTURE_DIR, 2));
  smallOnly = await prepare(await createNodeEngine(FIXTURE_DIR, 2, { windowScales: [2] }));
});

describe('engine method settings', () => {
  it('the defaults are the method settings, which are the fixture’s', () => {
    expect(defaults.settings).toEqual(METHOD_SETTINGS);
    expect([...WINDOW_SCALES]).toEqual(manifest.scales);
    expect(TEMPERATURE).toBeCloseTo(manifest.temperature, 7);
    expect(smallOnly.settings).toEqual({ ...METHOD_SETTINGS, windowScales: [2] });
  });

  it.each([false, true])('default settings match the fixture (few-shot: %s)', async (fs) => {
    withRefs(defaults, fs);
    const r = await defaults.score(IMAGE);
    const tag = fs ? 'fs' : 'zs';
    expect(r.mode).toBe(fs ? 'few-shot' : 'zero-shot');
    expect(Math.abs(r.imageScore - loadF32(`${IMAGE}.final_${tag}_score`)[0])).toBeLessThan(TOL);
    expect(maxAbsDiff(r.anomalyMap, loadF32(`${IMAGE}.final_${tag}_map`))).toBeLessThan(TOL);
  });

  it('window scales [2]: only 2×2 windows are encoded, and they still match the fixture', () => {
    const enc = smallOnly.getEncoded(IMAGE)!;
    expect(enc.tiles.map((t) => [...t.windowEmbeddings.keys()])).toEqual([[2], [2]]);
    enc.tiles.forEach((t, i) => {
      const want = loadF32(`${IMAGE}.t${i}.window_embeddings_s2`);
      expect(maxAbsDiff(t.windowEmbeddings.get(2)!, want)).toBeLessThan(TOL);
    });
    // Per tile: the full pass and one window pass (two with the defaults); 3 images, 4 tiles.
    expect(smallOnly.stats().imageEncoderRuns).toBe(4 * 2);
    expect(defaults.stats().imageEncoderRuns).toBe(4 * 3);
  });

  it.each([false, true])('window scales [2] give other maps than [2, 3] (few-shot: %s)', async (fs) => {
    withRefs(defaults, fs);
    withRefs(smallOnly, fs);
    const full = await defaults.scoreDetailed(IMAGE);
    const small = await smallOnly.scoreDetailed(IMAGE);
    expect(small.tiles[0].zsScaleMaps.length).toBe(2); // image scale + scale 2
    expect(full.tiles[0].zsScaleMaps.length).toBe(3);
    expect(maxAbsDiff(small.anomalyMap, full.anomalyMap)).toBeGreaterThan(1e-3);
    // The zero-shot image score is the full image's alone; the few-shot one includes max M^W.
    if (fs) expect(small.imageScore).not.toBeCloseTo(full.imageScore, 6);
    else expect(small.imageScore).toBe(full.imageScore);
    // The same as asking the default engine for scale 2 only: the setting and the option agree.
    const asOption = await defaults.score(IMAGE, { scales: [2] });
    expect(maxAbsDiff(small.anomalyMap, asOption.anomalyMap)).toBeLessThan(1e-6);
    expect(Math.abs(small.imageScore - asOption.imageScore)).toBeLessThan(1e-6);
  });

  it('refuses bad settings with a one-line message', async () => {
    await expect(createNodeEngine(FIXTURE_DIR, 1, { windowScales: [2, 16] })).rejects.toThrow(
      'method settings: window scales must be distinct integers from 1 to 15, got [2, 16]',
    );
    await expect(createNodeEngine(FIXTURE_DIR, 1, { temperature: 0 })).rejects.toThrow(
      'method settings: temperature must be a positive number, got 0',
    );
  });
});
