/**
 * Runs the real engine in a Web Worker on the fixture model (served under /fixture/ by the test)
 * and returns zero-/few-shot results of one image, or a MuSc lot's scores and maps, for comparison with
 * the reference outputs.
 */
import * as Comlink from 'comlink';
import { muscSettings } from '../../src/core/musc/settings';
import { buildPromptSet } from '../../src/core/prompts';
import { WinclipEngine } from '../../src/engine/engine';
import type { EngineOptions } from '../../src/engine/model-info';
import { MuscLot } from '../../src/engine/musc-lot';
import { type BackendChoice, createWebRuntime } from '../../src/engine/runtime-web';
import { BlobBytes } from '../../src/io/blob-bytes';
import { decodeImageBlob } from '../../src/io/decode-browser';
import { readStream } from '../../src/io/read-stream';
import { parseModelConfig } from '../../src/model/config';
import type { ModelFiles } from '../../src/model/file-names';
import { safetensorsSplit } from '../../src/model/weight-parts';
import { benchLot } from './lot-figures';

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

/** The fixture model on `backend`, with the default method settings. */
async function fixtureEngine(backend: BackendChoice, options: EngineOptions = {}) {
  const runtime = await createWebRuntime({ backend, wasmPaths: new URL('/ort/', self.location.href).href });
  const engine = await WinclipEngine.create(
    {
      config: await fetchJson('/fixture/open_clip_config.json'),
      tokenizer: await fetchJson('/fixture/tokenizer.json'),
      weights: await fetchBytes('/fixture/open_clip_model.safetensors'),
    },
    runtime,
    {},
    options,
  );
  return { runtime, engine };
}

/** One MuSc lot's outcome, in the order the images were given. */
interface LotRun {
  size: number;
  imageScores: number[];
  maxScores: number[];
  maps: Float32Array[];
  pairsComputed: number;
}

const api = {
  async run(backend: BackendChoice, testImage: string, refImages: string[]) {
    // Wall time of each step, printed by the test: where a slow CI run spent it.
    const steps: [string, number][] = [];
    let t = performance.now();
    const step = (name: string) => {
      steps.push([name, Math.round(performance.now() - t)]);
      t = performance.now();
    };
    const { runtime, engine } = await fixtureEngine(backend);
    step('model');
    const prompts = (await fetchJson('/fixture/prompts.json')) as { normal: string[]; anomalous: string[] };
    await engine.setPrompts(prompts);
    step('prompts');
    await engine.encode('test', await image(testImage));
    step(testImage);
    const zs = await engine.score('test');
    for (const r of refImages) {
      await engine.addReference(r, await image(r));
      step(r);
    }
    const fs = await engine.score('test');
    step('scores');
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
      steps,
    };
  },

  /**
   * The lot mode as the app and the CLI run it (`MuscLot` on the engine's device): the images, decoded
   * once, form one lot per entry of `sizes`, each with the given layers and the other settings' defaults.
   */
  async lot(backend: BackendChoice, names: string[], layers: number[], sizes: number[]) {
    const { runtime, engine } = await fixtureEngine(backend, { lotMode: true });
    const images = await Promise.all(names.map(image));
    const v = engine.config.vision;
    const lots: LotRun[] = [];
    for (const size of sizes) {
      const shape = { blocks: v.layers, imageSize: v.imageSize, patchSize: v.patchSize };
      const lot = new MuscLot(engine.muscDevice(), muscSettings(shape, { layers, size }));
      await lot.addAll(names.map((key, i) => ({ key, image: images[i] })));
      const r = lot.scores();
      if (!r.ready) throw new Error(r.message);
      lots.push({
        size,
        imageScores: r.images.map((im) => im.imageScore),
        maxScores: r.images.map((im) => im.maxScore),
        maps: r.images.map((im) => im.map),
        pairsComputed: lot.counters().pairsComputed,
      });
    }
    await engine.dispose();
    return { backend: runtime.backend, reason: runtime.reason, lots };
  },
};

/**
 * The staged browser bench (bench/browser.ts drives it step by step and samples memory in between):
 * start the runtime, load a model the way the app does (streamed into per-graph parts unless `whole`),
 * embed the prompt ensemble, then time one image.
 */
const bench: { runtime?: Awaited<ReturnType<typeof createWebRuntime>>; engine?: WinclipEngine } = {};

async function benchStart(backend: BackendChoice, threads?: number, prepacking?: boolean) {
  bench.runtime = await createWebRuntime({
    backend,
    wasmPaths: new URL('/ort/', self.location.href).href,
    threads,
    prepacking,
  });
  return { backend: bench.runtime.backend, reason: bench.runtime.reason };
}

/**
 * `mode`: 'disk' (the app's way: the download goes to Cache Storage and the worker reads each tensor
 * from the cached file on demand), 'parts' (streamed into one buffer per graph) or 'whole' (one buffer).
 */
async function benchLoad(
  weightsUrl: string,
  config: unknown,
  tokenizerUrl: string,
  mode: 'disk' | 'parts' | 'whole',
  lotMode = false,
) {
  const t0 = performance.now();
  const tokenizer = await fetchJson(tokenizerUrl);
  const res = await fetch(weightsUrl);
  if (!res.ok || !res.body) throw new Error(`${weightsUrl}: HTTP ${res.status}`);
  const total = Number(res.headers.get('content-length'));
  let files: ModelFiles;
  let partBytes: number[];
  if (mode === 'disk') {
    const cache = await caches.open('bench-weights');
    await cache.put(weightsUrl, res);
    const file = await (await cache.match(weightsUrl))!.blob();
    files = { config, tokenizer, weights: BlobBytes.fromBlob(file) };
    partBytes = [file.size];
  } else {
    const { bytes, parts } = await readStream(res.body, {
      expectedBytes: total,
      what: 'weights',
      split: mode === 'whole' ? undefined : safetensorsSplit(parseModelConfig(config)),
    });
    partBytes = (parts ?? [bytes]).map((p) => p.byteLength);
    files = parts
      ? { config, tokenizer, weights: new Uint8Array(0), weightParts: parts }
      : { config, tokenizer, weights: bytes };
  }
  const readMs = performance.now() - t0;
  // Epoch times of each session's creation, for the bench's memory timeline.
  const epoch = () => performance.timeOrigin + performance.now();
  const marks: [string, number][] = [['downloaded', epoch()]];
  const runtime = bench.runtime!;
  let n = 0;
  const traced = {
    ...runtime,
    createSession: async (graph: Parameters<typeof runtime.createSession>[0]) => {
      const name = ['image', 'text', 'association'][n++] ?? `graph ${n}`;
      marks.push([`${name} session: create`, epoch()]);
      const s = await runtime.createSession(graph);
      marks.push([`${name} session: created`, epoch()]);
      return s;
    },
  };
  const t1 = performance.now();
  bench.engine = await WinclipEngine.create(files, traced, {}, { lotMode });
  const createMs = performance.now() - t1;
  return {
    totalBytes: total,
    partBytes,
    readMs,
    createMs,
    marks,
    started: epoch() - (performance.now() - t0),
  };
}

async function benchPrompts(quick: boolean) {
  const t0 = performance.now();
  const prompts = quick
    ? { normal: ['a photo of a flawless bottle.'], anomalous: ['a photo of a damaged bottle.'] }
    : buildPromptSet({ objectName: 'bottle' });
  const r = await bench.engine!.setPrompts(prompts);
  return { textMs: performance.now() - t0, prompts: r.embedded };
}

async function benchImage(quick: boolean) {
  const engine = bench.engine!;
  const S = engine.config.vision.imageSize;
  const img = { width: S, height: S, data: new Uint8Array(S * S * 3).map((_, i) => (i * 37) & 255) };
  // As the gallery sees it: first score, then the map (encode + score).
  let firstScoreMs = Number.NaN;
  const t0 = performance.now();
  await engine.encode('a', img, { onImageScore: (f) => (firstScoreMs = f.ms) });
  await engine.score('a');
  const imageMs = performance.now() - t0;
  if (quick) return { firstScoreMs, imageMs };
  // Each pass alone (warm), then a 1-shot score against a second image.
  const px = engine.preprocess(img).pixels[0];
  let t = performance.now();
  await engine.runImagePass(px, 0);
  const fullPassMs = performance.now() - t;
  const windowPassMs: Record<string, number> = {};
  for (const k of engine.settings.windowScales) {
    t = performance.now();
    await engine.runImagePass(px, k);
    windowPassMs[k] = performance.now() - t;
  }
  await engine.encode('r', { ...img, data: img.data.map((v) => 255 - v) });
  engine.addReferenceEncoded('r');
  t = performance.now();
  await engine.score('a');
  const fewShotMs = performance.now() - t;
  return { firstScoreMs, imageMs, fullPassMs, windowPassMs, fewShotMs };
}

/** The lot mode's figures for one lot size (the rows bench/run.ts prints in Node). */
async function benchLotRows(n: number): Promise<[string, string][]> {
  const rows: [string, string][] = [];
  await benchLot(bench.engine!, [n], (stage, figure) => rows.push([stage, figure]));
  return rows;
}

Object.assign(api, { benchStart, benchLoad, benchPrompts, benchImage, benchLotRows });
export type HarnessApi = typeof api & {
  benchStart: typeof benchStart;
  benchLoad: typeof benchLoad;
  benchPrompts: typeof benchPrompts;
  benchImage: typeof benchImage;
  benchLotRows: typeof benchLotRows;
};
Comlink.expose(api);
