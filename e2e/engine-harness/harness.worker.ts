/**
 * Runs the real engine in a Web Worker on the fixture model (served under /fixture/ by the test)
 * and returns zero-/few-shot results of one image for comparison with the reference outputs.
 */
import * as Comlink from 'comlink';
import { WinclipEngine } from '../../src/engine/engine';
import { type BackendChoice, createWebRuntime } from '../../src/engine/runtime-web';
import { decodeImageBlob } from '../../src/io/decode-browser';

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
    const zs = engine.score('test');
    for (const r of refImages) await engine.addReference(r, await image(r));
    const fs = engine.score('test');
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

export type HarnessApi = typeof api;
Comlink.expose(api);
