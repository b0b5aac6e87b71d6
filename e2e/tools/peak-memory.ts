/**
 * Measures the browser's memory while the app loads a full-size ViT-B-16-plus-240 (random weights of
 * the real shapes, 0.83 GB float32) from a local mock hub, scores one image, then loads it again from
 * the cache. Memory is the proportional set size (PSS) summed over every Chromium process, sampled
 * every 100 ms. Not part of the test suite (minutes, ~4 GB of RAM):
 *
 *   npx vite build && npx tsx e2e/tools/peak-memory.ts [wasm|webgpu] [--load-only]
 *
 * --load-only skips prompt embedding and the first image (SwiftShader, WebGPU on the CPU, needs many
 * minutes for them at this size) and measures the two loads alone.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { VIT_B_16_PLUS_240_CONFIG } from '../../src/model/random-weights';
import { chromiumPssByProcess, PssSampler, settle } from '../support/chromium-memory';
import { type DebugFn, evalDebug, waitDebug } from '../support/debug-handle';
import { launch, randomModelDir } from '../support/launch';
import { CLIP_TOKENIZER, fixtureImage } from '../support/paths';

const backend = process.argv.includes('webgpu') ? 'webgpu' : 'wasm';
const loadOnly = process.argv.includes('--load-only');
const REPO = 'timm/vit_base_patch16_plus_clip_240.laion400m_e31';
const MARKER = '--winclip-peak-memory-probe';

const gb = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;

function log(sampler: PssSampler, what: string): void {
  console.error(
    `[${new Date().toISOString().slice(11, 19)}] ${what} (now ${gb(sampler.last)}, peak ${gb(sampler.peak)})`,
  );
}

async function main(): Promise<void> {
  const dir = randomModelDir('winclip-random-b16plus', VIT_B_16_PLUS_240_CONFIG);
  const run = await launch({
    marker: MARKER,
    repos: {
      [REPO]: {
        'open_clip_config.json': join(dir, 'open_clip_config.json'),
        'open_clip_model.safetensors': join(dir, 'open_clip_model.safetensors'),
        'tokenizer.json': CLIP_TOKENIZER,
      },
    },
  });
  const sampler = new PssSampler(MARKER, 100);
  try {
    let page: Page = await run.context.newPage();
    const waitFor = async (what: string, predicate: DebugFn<boolean, undefined>, timeout = 1_800_000) => {
      try {
        await waitDebug(page, predicate, { timeout, polling: 250 });
      } catch (err) {
        const state = await evalDebug(page, (h) => {
          const s = h.state();
          return { model: s.model, engine: s.engine, notices: s.notices };
        });
        console.error(`timed out waiting for ${what}:`, JSON.stringify(state, null, 2));
        throw err;
      }
      log(sampler, what);
    };
    const open = () => page.goto(run.appUrl({ backend }));

    await open();
    await waitFor('engine ready', (h) => h.state().engine.status === 'ready', 120_000);
    sampler.reset();
    const baseline = sampler.last;
    const t0 = Date.now();
    await page.getByLabel('Other OpenCLIP repo').fill(REPO);
    await page.getByRole('button', { name: 'Load', exact: true }).click();
    await waitFor('model ready', (h) => h.state().model.phase === 'ready');
    const loadPeak = sampler.peak;
    const loadedMs = Date.now() - t0;
    // Settled: 3 s after the load, and 15 s after (a garbage collection may come only then).
    await settle(3000);
    const settled3 = sampler.sample();
    await settle(12_000);
    const settled15 = sampler.sample();
    const cacheWarning = await evalDebug(page, (h) => h.state().model.cacheWarning);
    console.error('cache warning after the first load:', cacheWarning);
    let promptsPeak = Number.NaN;
    let scorePeak = Number.NaN;
    if (!loadOnly) {
      await waitFor('prompts embedded', (h) => h.state().promptStatus.applied);
      promptsPeak = sampler.peak;
      await page.getByTestId('image-file-input').setInputFiles(fixtureImage('test_a.png'));
      await waitFor('image scored', (h) => h.state().images.some((im) => im.status === 'done'));
      scorePeak = sampler.peak;
    }
    sampler.sample();
    const settled = sampler.last;

    // Second visit, in a fresh tab after closing this one: everything from Cache Storage.
    await page.close();
    await settle(3000);
    page = await run.context.newPage();
    sampler.reset();
    const baseline2 = sampler.last;
    const t1 = Date.now();
    await open();
    await waitFor('model ready from the cache', (h) => h.state().model.phase === 'ready', 180_000);
    const cacheMs = Date.now() - t1;
    const cachePeak = sampler.peak;
    await settle(3000);
    const cacheSettled3 = sampler.sample();
    await settle(12_000);
    const cacheSettled15 = sampler.sample();
    for (const p of chromiumPssByProcess(MARKER).filter((p) => p.bytes > 2 ** 24))
      console.error(`settled: ${p.kind.padEnd(40)} ${gb(p.bytes)}`);
    const fromCache = await evalDebug(page, (h) => h.state().model.fromCache);

    const weightBytes = statSync(join(dir, 'open_clip_model.safetensors')).size;
    const ratio = (n: number, base: number) =>
      `${((n - base) / weightBytes).toFixed(2)}× the weights above idle`;
    const report = {
      backend,
      loadPeakRatio: ratio(loadPeak, baseline),
      settled3sRatio: ratio(settled3, baseline),
      settled15sRatio: ratio(settled15, baseline),
      cacheLoadPeakRatio: ratio(cachePeak, baseline2),
      cacheSettled3sRatio: ratio(cacheSettled3, baseline2),
      cacheSettled15sRatio: ratio(cacheSettled15, baseline2),
      model: `${REPO} (random weights, ${(weightBytes / 1e9).toFixed(3)} GB float32)`,
      cacheWarning,
      baseline: gb(baseline),
      peakDuringDownloadAndBuild: gb(loadPeak),
      peakThroughPromptEmbedding: loadOnly ? 'not measured' : gb(promptsPeak),
      peakThroughFirstImage: loadOnly ? 'not measured' : gb(scorePeak),
      settled3sAfterLoad: gb(settled3),
      settled15sAfterLoad: gb(settled15),
      settledAfterPromptsAndImage: loadOnly ? 'not measured' : gb(settled),
      secondVisitBaseline: gb(baseline2),
      peakDuringCacheLoad: gb(cachePeak),
      secondVisitFromCache: fromCache,
      downloadAndBuildSeconds: loadedMs / 1000,
      cacheLoadSeconds: cacheMs / 1000,
    };
    console.log(JSON.stringify(report, null, 2));
  } finally {
    sampler.stop();
    await run.stop();
  }
}

await main();
