/**
 * Lean loading and the first score: the fixture model loaded from per-graph parts scores exactly like
 * the whole file; the parts are taken from the caller; the image score reaches onImageScore after the
 * full passes, before any window pass, and equals the final zero-shot score.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wasmThreads } from '../src/core/wasm-threads';
import { WinclipEngine } from '../src/engine/engine';
import { createNodeRuntime } from '../src/engine/runtime-node';
import { decodeImageFile } from '../src/io/decode-node';
import { loadModelDir } from '../src/io/model-dir-node';
import { parseModelConfig } from '../src/model/config';
import { partCuts, partSizes, splitAt } from '../src/model/weight-parts';
import { FIXTURE_DIR, fixturePrompts, manifest } from './fixture';

const prompts = { normal: fixturePrompts.normal, anomalous: fixturePrompts.anomalous };
const multiTile = manifest.images.find((i) => i.role === 'test' && i.tiles.length > 1)!;

async function engineFrom(parts: boolean) {
  const files = await loadModelDir(FIXTURE_DIR);
  const config = parseModelConfig(files.config);
  const cuts = partCuts(files.weights, files.weights.byteLength, config);
  const weightParts = parts ? splitAt(files.weights, cuts) : undefined;
  const given = weightParts ? { ...files, weights: new Uint8Array(0), weightParts } : files;
  const engine = await WinclipEngine.create(given, createNodeRuntime(2));
  await engine.setPrompts(prompts);
  return { engine, cuts, weightParts, total: files.weights.byteLength };
}

describe('weights in per-graph parts', () => {
  it('cuts the fixture file once, between the vision and the text tensors', async () => {
    const { cuts, total } = await engineFrom(false);
    expect(cuts).toHaveLength(1);
    const sizes = partSizes(total, cuts);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(total);
    expect(sizes.every((s) => s > 0)).toBe(true);
  });

  it('scores exactly like the whole file, and the engine takes the parts', async () => {
    const image = await decodeImageFile(join(FIXTURE_DIR, multiTile.file));
    const whole = await engineFrom(false);
    const split = await engineFrom(true);
    expect(split.weightParts).toEqual([]);
    await whole.engine.encode('a', image);
    await split.engine.encode('a', image);
    const a = await whole.engine.score('a');
    const b = await split.engine.score('a');
    expect(b.imageScore).toBe(a.imageScore);
    expect(Array.from(b.anomalyMap)).toEqual(Array.from(a.anomalyMap));
  });
});

describe('first score before the map', () => {
  it('arrives after the full passes only and equals the final zero-shot score', async () => {
    const { engine } = await engineFrom(false);
    const image = await decodeImageFile(join(FIXTURE_DIR, multiTile.file));
    const seen: { score: number; final: boolean; runs: number }[] = [];
    await engine.encode('a', image, {
      onImageScore: (f) =>
        seen.push({ score: f.imageScore, final: f.final, runs: engine.stats().imageEncoderRuns }),
    });
    const tiles = multiTile.tiles.length;
    expect(seen).toHaveLength(1);
    // One full pass per tile so far; each tile's window passes come after.
    expect(seen[0].runs).toBe(tiles);
    expect(engine.stats().imageEncoderRuns).toBe(tiles * (1 + engine.settings.windowScales.length));
    expect(seen[0].final).toBe(true);
    expect(seen[0].score).toBeCloseTo((await engine.score('a')).imageScore, 6);
  });

  it('is marked not final once the reference bank holds an image', async () => {
    const { engine } = await engineFrom(false);
    const ref = manifest.images.find((i) => i.role === 'reference')!;
    await engine.addReference('r', await decodeImageFile(join(FIXTURE_DIR, ref.file)));
    const image = await decodeImageFile(join(FIXTURE_DIR, multiTile.file));
    let final: boolean | null = null;
    await engine.encode('a', image, { onImageScore: (f) => (final = f.final) });
    expect(final).toBe(false);
  });
});

describe('GPU buffer limit', () => {
  it('refuses up front a model whose biggest weight exceeds the device buffer limit, naming both', async () => {
    const files = await loadModelDir(FIXTURE_DIR);
    const runtime = { ...createNodeRuntime(1), backend: 'webgpu', maxBufferBytes: 4096 };
    let created = 0;
    const counting = {
      ...runtime,
      createSession: (g: Parameters<typeof runtime.createSession>[0]) => {
        created++;
        return runtime.createSession(g);
      },
    };
    await expect(WinclipEngine.create(files, counting)).rejects.toThrow(
      /^This model cannot run on webgpu on this device: its largest weight \(token_embedding\.weight, \d+ MiB\) is bigger than the 0 MiB the GPU allows in one buffer/,
    );
    expect(created).toBe(0);
  });
});

describe('WASM threads', () => {
  it('uses every core, lowered by the setting, one without isolation', () => {
    expect(wasmThreads(8, true)).toBe(8);
    expect(wasmThreads(8, true, 3)).toBe(3);
    expect(wasmThreads(2, true, 16)).toBe(2);
    expect(wasmThreads(8, false, 4)).toBe(1);
    expect(wasmThreads(0, true)).toBe(1);
  });
});
