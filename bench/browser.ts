/**
 * `npm run bench:browser [wasm|webgpu] [--model vit-l-14] [--in-memory|--whole] [--prepacking] [--threads N] [--load-only|--quick] [--trace] [--lot 50,200|none] [--lot-only]`:
 * a full-size model (random weights of the real shapes; default ViT-B-16-plus-240) in Chromium, in a
 * Web Worker, loaded the way the app loads it: the download goes to Cache Storage and the worker reads
 * each tensor from the cached file on demand (--in-memory: streamed into one buffer per graph, as the
 * app does when it cannot cache; --whole: one buffer). Prints the stage times and the memory of all
 * Chromium processes (PSS,
 * sampled every 250 ms) above the idle page, also as a multiple of the weights. --quick embeds two
 * prompts instead of the ensemble and times only the image (for slow machines and big models). --trace
 * prints the load's memory timeline with the stage marks. --lot times the lot mode (MuSc) at each lot
 * size in the worker, the rows `npm run bench` prints in Node (default 50; N = 200 takes long in WASM);
 * --lot-only skips the prompts and the WinCLIP image. Figures only.
 */
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { build } from 'vite';
import { harnessConfig } from '../e2e/engine-harness/vite.config';
import { chromiumPssByProcess, PssSampler, settle } from '../e2e/support/chromium-memory';
import { launch, randomModelDir } from '../e2e/support/launch';
import { VIT_B_16_PLUS_240_CONFIG, VIT_L_14_CONFIG } from '../src/model/random-weights';
import { CLIP_DIR } from '../test/fixture';

const args = process.argv.slice(2);
const flag = (f: string) => args.includes(f);
const value = (f: string) => (args.includes(f) ? args[args.indexOf(f) + 1] : undefined);
const backend = flag('webgpu') ? 'webgpu' : 'wasm';
const large = value('--model') === 'vit-l-14';
const threads = value('--threads') ? Number(value('--threads')) : undefined;
const quick = flag('--quick');
const lotArg = value('--lot') ?? '50';
const lotSizes = lotArg === 'none' ? [] : lotArg.split(',').map(Number);
if (lotSizes.some((n) => !(Number.isInteger(n) && n >= 5)))
  throw new Error(`bench:browser: --lot takes lot sizes ≥ 5 (comma-separated) or 'none', got '${lotArg}'`);
const lotOnly = flag('--lot-only');
const MODEL = large
  ? { name: 'ViT-L-14', dir: 'winclip-random-l14', config: VIT_L_14_CONFIG }
  : { name: 'ViT-B-16-plus-240', dir: 'winclip-random-b16plus', config: VIT_B_16_PLUS_240_CONFIG };
// Unique per run, so that two benches side by side each measure their own browser.
const MARKER = `--winclip-bench-browser-${process.pid}`;

// The random-weight checkpoint, made once and shared with e2e/tools/peak-memory.ts.
const weightsFile = join(randomModelDir(MODEL.dir, MODEL.config), 'open_clip_model.safetensors');
const weightBytes = statSync(weightsFile).size;
const outDir = mkdtempSync(join(tmpdir(), 'bench-harness-'));
await build(harnessConfig(outDir));
// The model comes from the mock hub, as in the app: the preview server would gzip it on the fly.
const BENCH_REPO = 'bench/random-weights';
const run = await launch({
  previewConfig: harnessConfig(outDir),
  marker: MARKER,
  repos: {
    [BENCH_REPO]: {
      'open_clip_model.safetensors': weightsFile,
      'tokenizer.json': join(CLIP_DIR, 'tokenizer.json'),
    },
  },
});
const fileUrl = (f: string) => `${run.hub.url}/${BENCH_REPO}/resolve/main/${f}`;

type Harness = Record<string, (...a: unknown[]) => Promise<unknown>>;
const call = <T>(page: Page, fn: string, ...a: unknown[]) =>
  page.evaluate(
    ([f, xs]) => (window as unknown as { harness: Harness }).harness[f as string](...(xs as unknown[])),
    [fn, a] as const,
  ) as Promise<T>;

const sampler = new PssSampler(MARKER);
const gib = (n: number) => `${(n / 2 ** 30).toFixed(2)} GiB`;
const ms = (n: number) => `${(n / 1000).toFixed(2)} s`;
const settleMs = Number(process.env.SETTLE_MS ?? 3000);
// Lines print as soon as they are known: a run cut short still leaves its figures.
const say = (k: string, v: string) => console.log(`  ${k.padEnd(42)} ${v}`);
console.log(`\n## ${MODEL.name} (random weights, ${(weightBytes / 1e9).toFixed(3)} GB float32) in Chromium`);
try {
  const page = await run.context.newPage();
  await page.goto(run.base);
  const started = await call<{ backend: string; reason: string }>(
    page,
    'benchStart',
    backend,
    threads,
    flag('--prepacking'),
  );
  await settle(settleMs);
  sampler.reset();
  const idle = sampler.last;
  const above = (n: number) => `${gib(n - idle)} (${((n - idle) / weightBytes).toFixed(2)}× the weights)`;
  const load = await call<{
    partBytes: number[];
    readMs: number;
    createMs: number;
    marks: [string, number][];
    started: number;
  }>(
    page,
    'benchLoad',
    fileUrl('open_clip_model.safetensors'),
    MODEL.config,
    fileUrl('tokenizer.json'),
    flag('--whole') ? 'whole' : flag('--in-memory') ? 'parts' : 'disk',
    lotSizes.length > 0,
  );
  const loadPeak = sampler.peak;
  await settle(settleMs);
  const settled = sampler.sample();
  say('backend', `${started.backend}: ${started.reason}`);
  say(
    'weights as',
    (flag('--whole') || flag('--in-memory') ? '' : 'a cached file read on demand: ') +
      load.partBytes.map((b) => `${(b / 1e6).toFixed(0)} MB`).join(' + '),
  );
  say('pre-packing', flag('--prepacking') ? 'on' : 'off');
  say('download into memory (local server)', ms(load.readMs));
  say('graphs built + sessions created', ms(load.createMs));
  say('memory idle (page + runtime)', gib(idle));
  say('peak while loading, above idle', above(loadPeak));
  say('settled after loading, above idle', above(settled));
  if (flag('--trace')) {
    // The load's memory timeline: each second's sample and each stage mark, above idle.
    const events: [number, string][] = load.marks.map(([m, t]) => [t, m]);
    let next = load.started;
    for (const [t, b] of sampler.series) {
      if (t < load.started || t > load.marks.at(-1)![1] + settleMs) continue;
      if (t >= next || b === loadPeak) events.push([t, above(b)]);
      if (t >= next) next = t + 1000;
    }
    events.sort((a, b) => a[0] - b[0]);
    for (const [t, what] of events) console.log(`    ${ms(t - load.started).padStart(8)}  ${what}`);
    for (const p of chromiumPssByProcess(MARKER).filter((p) => p.bytes > 2 ** 24))
      console.log(`    settled: ${p.kind.padEnd(40)} ${gib(p.bytes)}`);
  }
  let peakAll = loadPeak;
  let settledAfterImage = Number.NaN;
  if (!flag('--load-only') && !lotOnly) {
    const text = await call<{ textMs: number; prompts: number }>(page, 'benchPrompts', quick);
    say(`text ${quick ? '(2 prompts, --quick)' : `ensemble (${text.prompts} prompts)`}`, ms(text.textMs));
    const img = await call<{
      firstScoreMs: number;
      imageMs: number;
      fullPassMs?: number;
      windowPassMs?: Record<string, number>;
      fewShotMs?: number;
    }>(page, 'benchImage', quick);
    say('one image: time to first score', ms(img.firstScoreMs));
    say('one image: time to map (per-image total)', ms(img.imageMs));
    if (img.fullPassMs !== undefined) say('full pass', ms(img.fullPassMs));
    for (const [k, t] of Object.entries(img.windowPassMs ?? {})) say(`window pass, scale ${k}`, ms(t));
    if (img.fewShotMs !== undefined) say('1-shot score incl. association', ms(img.fewShotMs));
    peakAll = sampler.peak;
    await settle(settleMs);
    settledAfterImage = sampler.sample();
  }
  if (!flag('--load-only') && !lotOnly) {
    say('peak through prompts and one image', above(peakAll));
    say('settled after the image', above(settledAfterImage));
  }
  if (!flag('--load-only'))
    for (const n of lotSizes) {
      // One call per lot size, so each size's rows print when it is done.
      for (const [stage, figure] of await call<[string, string][]>(page, 'benchLotRows', n))
        console.log(`  ${stage.padEnd(72)}  ${figure}`);
      say(`peak through the lot of ${n}, above idle`, above(sampler.peak));
    }
} finally {
  sampler.stop();
  await run.stop();
}
