/**
 * `npm run bench`: median wall-clock milliseconds of each engine stage in Node (onnxruntime-node,
 * CPU), for the tiny fixture model and a full-size ViT-B-16-plus-240 with random weights.
 * Figures only; nothing here asserts a time.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fewShotTile } from '../src/core/association.test-helpers';
import { buildPromptSet } from '../src/core/prompts';
import { scoringParameters } from '../src/core/score-options';
import { buildMemory, scoreTile } from '../src/core/scoring';
import type { EncodedImage } from '../src/engine/api';
import { WinclipEngine } from '../src/engine/engine';
import { createNodeRuntime } from '../src/engine/runtime-node';
import { parseModelConfig } from '../src/model/config';
import type { ModelFiles } from '../src/model/file-names';
import { randomSafetensors, VIT_B_16_PLUS_240_CONFIG } from '../src/model/random-weights';
import { CLIP_DIR, FIXTURE_DIR } from '../test/fixture';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const only = process.argv.slice(2);

async function median(fn: () => Promise<unknown> | unknown): Promise<{ median: number; runs: number[] }> {
  await fn(); // warm-up: first runs pay for kernel selection and allocation
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    runs.push(performance.now() - t);
  }
  const s = [...runs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], runs };
}

function randomImage(w: number, h: number, seed: number) {
  const data = new Uint8Array(w * h * 3);
  let x = seed;
  for (let i = 0; i < data.length; i++) data[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  return { width: w, height: h, data };
}

const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;

async function benchModel(label: string, files: ModelFiles) {
  const t0 = performance.now();
  const engine = await WinclipEngine.create(files, createNodeRuntime());
  const loadMs = performance.now() - t0;
  const info = engine.info();
  const prompts = buildPromptSet({ objectName: 'bottle' });
  const allPrompts = [...prompts.normal, ...prompts.anomalous];
  const S = info.imageSize;
  const rows: [string, string][] = [];
  rows.push(['build graphs + create sessions', `${loadMs.toFixed(0)} ms (once)`]);

  const text = await median(() => engine.embedTexts(allPrompts));
  rows.push([`text ensemble (${allPrompts.length} prompts)`, `${text.median.toFixed(1)} ms`]);
  await engine.setPrompts(prompts);

  const { pixels } = engine.preprocess(randomImage(S, S, 1));
  const full = await median(() => engine.runImagePass(pixels[0], 0));
  rows.push(['image full pass (1 tile)', `${full.median.toFixed(1)} ms`]);
  for (const k of engine.settings.windowScales) {
    const w = await median(() => engine.runImagePass(pixels[0], k));
    const n = (info.grid - k + 1) ** 2;
    rows.push([`window pass, scale ${k} (${n} windows)`, `${w.median.toFixed(1)} ms`]);
  }
  const pre = await median(() => engine.preprocess(randomImage(1280, 960, 2)));
  rows.push(['pre-process 1280×960 (2 tiles)', `${pre.median.toFixed(1)} ms`]);

  // Scoring on real encoder outputs: one square test image and 4 reference shots.
  const enc = async (key: string, seed: number): Promise<EncodedImage> =>
    engine.encode(key, randomImage(S, S, seed));
  const test = await enc('test', 10);
  for (let i = 0; i < 4; i++) {
    await enc(`ref${i}`, 20 + i);
    engine.addReferenceEncoded(`ref${i}`);
  }
  const geom = engine.geometry;
  const protos = engine.prototypes();
  const params = scoringParameters({}, engine.settings);
  const zs = await median(() => scoreTile(test.tiles[0], protos, geom, params));
  rows.push(['scoring, zero-shot (1 tile)', `${zs.median.toFixed(2)} ms`]);
  const memory = buildMemory(
    engine.referenceKeys().flatMap((k) => engine.getEncoded(k)!.tiles),
    info.visionWidth,
    info.embedDim,
  );
  // The plain-JS reference association (tests only), timed against the device path below.
  const fs = await median(() =>
    scoreTile(test.tiles[0], protos, geom, params, fewShotTile(test.tiles[0], memory, geom, params)),
  );
  rows.push(['scoring, 4-shot (1 tile), JS reference association', `${fs.median.toFixed(2)} ms`]);
  const dev = await median(() => engine.scoreEncoded(test));
  rows.push([`scoring, 4-shot (1 tile), association on ${info.backend}`, `${dev.median.toFixed(2)} ms`]);
  await engine.score('test');
  const cached = await median(() => engine.score('test'));
  rows.push(['re-score after a prompt edit, 4-shot (cached association)', `${cached.median.toFixed(2)} ms`]);
  rows.push(['peak RSS so far', mb(process.resourceUsage().maxRSS * 1024)]);

  console.log(
    `\n## ${label}: ${(info.parameters / 1e6).toFixed(1)}M parameters, backend ${info.backend}, median of ${RUNS}`,
  );
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v}`);
  await engine.dispose();
}

const tokenizer = JSON.parse(readFileSync(join(CLIP_DIR, 'tokenizer.json'), 'utf8'));

if (only.length === 0 || only.includes('tiny')) {
  await benchModel('winclip-tiny (fixture)', {
    config: JSON.parse(readFileSync(join(FIXTURE_DIR, 'open_clip_config.json'), 'utf8')),
    weights: new Uint8Array(readFileSync(join(FIXTURE_DIR, 'open_clip_model.safetensors'))),
    tokenizer,
  });
}
if (only.length === 0 || only.includes('full')) {
  const cfg = parseModelConfig(VIT_B_16_PLUS_240_CONFIG);
  await benchModel('ViT-B-16-plus-240 (random weights)', {
    config: VIT_B_16_PLUS_240_CONFIG,
    weights: randomSafetensors(cfg, 1),
    tokenizer,
  });
}
