/**
 * Runs the real engine in a Web Worker on the fixture model (served under /fixture/ by the test)
 * and returns zero-/few-shot results of one image for comparison with the reference outputs.
 */
import * as Comlink from 'comlink';
import { buildPromptSet } from '../../src/core/prompts';
import { WinclipEngine } from '../../src/engine/engine';
import { type BackendChoice, createWebRuntime } from '../../src/engine/runtime-web';
import { decodeImageBlob } from '../../src/io/decode-browser';
import { parseModelConfig } from '../../src/model/config';
import { randomSafetensors, VIT_B_16_PLUS_240_CONFIG } from '../../src/model/random-weights';

async function fetchBytes(path: string): Promise<Uint8Array> {
  const r = await fetch(path);
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

async function fetchJson(path: string): Promise<unknown> {
  return JSON.parse(new TextDecoder().decode(await fetchBytes(path)));
}

async function image(name: string) {
  const bytes = await fetchBytes(`/fixture/${name}`);
  return (await decodeImageBlob(new Blob([bytes as BlobPart]), name)).rgb;
}

const api = {
  async run(backend: BackendChoice, testImage: string, refImages: string[]) {
    const runtime = await createWebRuntime({ backend, wasmPaths: new URL('/ort/', self.location.href).href });
    const engine = await WinclipEngine.create(
      {
        config: await fetchJson('/fixture/open_clip_config.json'),
        tokenizer: await fetchJson('/fixture/tokenizer.json'),
        weights: await fetchBytes('/fixture/open_clip_model.safetensors'),
      },
      runtime,
    );
    const prompts = (await fetchJson('/fixture/prompts.json')) as { normal: string[]; anomalous: string[] };
    await engine.setPrompts(prompts);
    await engine.encode('test', await image(testImage));
    const zs = await engine.score('test');
    for (const r of refImages) await engine.addReference(r, await image(r));
    const fs = await engine.score('test');
    const stats = engine.stats();
    await engine.dispose();
    return {
      backend: runtime.backend,
      reason: runtime.reason,
      width: fs.width,
      height: fs.height,
      zsScore: zs.imageScore,
      zsMap: Array.from(zs.anomalyMap),
      fsMode: fs.mode,
      fsScore: fs.imageScore,
      fsMap: Array.from(fs.anomalyMap),
      imageEncoderRuns: stats.imageEncoderRuns,
    };
  },
};

/** Full-size ViT-B-16-plus-240 with random weights: stage timings in the browser (bench only). */
async function benchFullSize(backend: BackendChoice, tokenizerUrl: string) {
  const t = (since: number) => Math.round(performance.now() - since);
  const runtime = await createWebRuntime({ backend, wasmPaths: new URL('/ort/', self.location.href).href });
  let t0 = performance.now();
  const weights = randomSafetensors(parseModelConfig(VIT_B_16_PLUS_240_CONFIG), 1);
  const randomMs = t(t0);
  t0 = performance.now();
  const engine = await WinclipEngine.create(
    { config: VIT_B_16_PLUS_240_CONFIG, tokenizer: await fetchJson(tokenizerUrl), weights },
    runtime,
  );
  const createMs = t(t0);
  t0 = performance.now();
  await engine.setPrompts(buildPromptSet({ objectName: 'bottle' }));
  const textMs = t(t0);
  const img = { width: 240, height: 240, data: new Uint8Array(240 * 240 * 3).map((_, i) => (i * 37) & 255) };
  t0 = performance.now();
  await engine.encode('a', img);
  const encodeMs = t(t0);
  await engine.encode('r', { ...img, data: img.data.map((v) => 255 - v) });
  engine.addReferenceEncoded('r');
  t0 = performance.now();
  await engine.score('a');
  const fewShotMs = t(t0);
  await engine.dispose();
  return {
    backend: runtime.backend,
    reason: runtime.reason,
    randomMs,
    createMs,
    textMs,
    encodeMs,
    fewShotMs,
  };
}

Object.assign(api, { benchFullSize });
export type HarnessApi = typeof api & { benchFullSize: typeof benchFullSize };
Comlink.expose(api);
