/**
 * `npm run bench [-- --device cpu|webgpu|cuda|auto] [--model tiny|full] [--lot 50,200|none] [--lot-only]`
 * (default lots: 50 and 200):
 * median wall-clock
 * milliseconds of each engine stage in Node (onnxruntime-node), for the tiny fixture model and/or a
 * full-size ViT-B-16-plus-240 with random weights. Default: CPU, both models. WebGPU on a machine
 * without a GPU needs SwiftShader (see the README); it is slow, so `--model tiny` is the practical run.
 * Figures only; nothing here asserts a time.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchLot } from '../e2e/engine-harness/lot-figures';
import { openNodeRuntime } from '../src/cli/node-devices';
import { fewShotTile } from '../src/core/association.test-helpers';
import { buildPromptSet } from '../src/core/prompts';
import { scoringParameters } from '../src/core/score-options';
import { buildMemory, scoreTile } from '../src/core/scoring';
import type { EncodedImage } from '../src/engine/api';
import { isDeviceChoice } from '../src/engine/devices';
import { WinclipEngine } from '../src/engine/engine';
import { parseModelConfig } from '../src/model/config';
import type { ModelFiles } from '../src/model/file-names';
import { randomSafetensors, VIT_B_16_PLUS_240_CONFIG } from '../src/model/random-weights';
import { CLIP_DIR, FIXTURE_DIR } from '../test/fixture';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    device: { type: 'string', default: 'cpu' },
    model: { type: 'string' },
    // Lot sizes of the lot-mode section (MuSc), comma-separated; 'none' skips it. N = 200 takes minutes
    // for the full model (CI never runs the bench).
    lot: { type: 'string', default: '50,200' },
    'lot-only': { type: 'boolean', default: false },
  },
});
const lotSizes = args.lot === 'none' ? [] : args.lot.split(',').map(Number);
if (lotSizes.some((n) => !(Number.isInteger(n) && n >= 5)))
  throw new Error(`bench: --lot takes lot sizes ≥ 5 (comma-separated) or 'none', got '${args.lot}'`);
if (!isDeviceChoice(args.device)) throw new Error(`bench: unknown --device '${args.device}'`);
const device = args.device;
// `npm run bench -- tiny` (positional) still works.
const only = args.model ? [args.model] : positionals;
for (const m of only)
  if (m !== 'tiny' && m !== 'full') throw new Error(`bench: --model must be tiny or full, got '${m}'`);

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
  const runtime = await openNodeRuntime({ device });
  const probeMs = performance.now() - t0;
  const engine = await WinclipEngine.create(files, runtime, {}, { lotMode: lotSizes.length > 0 });
  const loadMs = performance.now() - t0 - probeMs;
  const info = engine.info();
  const prompts = buildPromptSet({ objectName: 'bottle' });
  const allPrompts = [...prompts.normal, ...prompts.anomalous];
  const S = info.imageSize;
  console.log(
    `\n## ${label}: ${(info.parameters / 1e6).toFixed(1)}M parameters, backend ${info.backend} (${runtime.reason}), median of ${RUNS}`,
  );
  // Each row prints as soon as it is measured, so a slow device still shows the stages it finished.
  const row = (stage: string, figure: string) => console.log(`  ${stage.padEnd(72)}  ${figure}`);
  row('device selection (GPU probes)', `${probeMs.toFixed(0)} ms (once)`);
  row('build graphs + create sessions', `${loadMs.toFixed(0)} ms (once)`);
  if (args['lot-only']) {
    await benchLot(engine, lotSizes, row);
    await engine.dispose();
    return;
  }

  const text = await median(() => engine.embedTexts(allPrompts));
  row(`text ensemble (${allPrompts.length} prompts)`, `${text.median.toFixed(1)} ms`);
  await engine.setPrompts(prompts);

  const { pixels } = engine.preprocess(randomImage(S, S, 1));
  const full = await median(() => engine.runImagePass(pixels[0], 0));
  row('image full pass (1 tile)', `${full.median.toFixed(1)} ms`);
  for (const k of engine.settings.windowScales) {
    const w = await median(() => engine.runImagePass(pixels[0], k));
    const n = (info.grid - k + 1) ** 2;
    row(`window pass, scale ${k} (${n} windows)`, `${w.median.toFixed(1)} ms`);
  }
  const pre = await median(() => engine.preprocess(randomImage(1280, 960, 2)));
  row('pre-process 1280×960 (2 tiles)', `${pre.median.toFixed(1)} ms`);

  // Scoring on real encoder outputs: one square test image and 4 reference shots.
  const enc = async (key: string, seed: number): Promise<EncodedImage> =>
    engine.encode(key, randomImage(S, S, seed));
  // What a user waits for per new image: encode (pre-process + image passes) and score.
  let fresh = 0;
  const total = async () => {
    const key = `fresh${fresh++}`;
    await engine.encode(key, randomImage(S, S, 100 + fresh));
    await engine.score(key);
    engine.forget(key);
  };
  const zsTotal = await median(total);
  row(`total per ${S}×${S} image, zero-shot (encode + score)`, `${zsTotal.median.toFixed(1)} ms`);
  await enc('ref0', 20);
  engine.addReferenceEncoded('ref0');
  const oneShotTotal = await median(total);
  row(
    `total per ${S}×${S} image, 1-shot (encode + score; reference encoded once)`,
    `${oneShotTotal.median.toFixed(1)} ms`,
  );

  const test = await enc('test', 10);
  for (let i = 1; i < 4; i++) {
    await enc(`ref${i}`, 20 + i);
    engine.addReferenceEncoded(`ref${i}`);
  }
  const geom = engine.geometry;
  const protos = engine.prototypes();
  const params = scoringParameters({}, engine.settings);
  const zs = await median(() => scoreTile(test.tiles[0], protos, geom, params));
  row('scoring, zero-shot (1 tile)', `${zs.median.toFixed(2)} ms`);
  const memory = buildMemory(
    engine.referenceKeys().flatMap((k) => engine.getEncoded(k)!.tiles),
    info.visionWidth,
    info.embedDim,
  );
  // The plain-JS reference association (tests only), timed against the device path below.
  const fs = await median(() =>
    scoreTile(test.tiles[0], protos, geom, params, fewShotTile(test.tiles[0], memory, geom, params)),
  );
  row('scoring, 4-shot (1 tile), JS reference association', `${fs.median.toFixed(2)} ms`);
  const dev = await median(() => engine.scoreEncoded(test));
  row(`scoring, 4-shot (1 tile), association on ${info.backend}`, `${dev.median.toFixed(2)} ms`);
  await engine.score('test');
  const cached = await median(() => engine.score('test'));
  row('re-score after a prompt edit, 4-shot (cached association)', `${cached.median.toFixed(2)} ms`);
  row('peak RSS so far', mb(process.resourceUsage().maxRSS * 1024));
  await benchLot(engine, lotSizes, row);
  row('peak RSS so far', mb(process.resourceUsage().maxRSS * 1024));
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
