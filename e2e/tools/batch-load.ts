/**
 * Load test of folder batches (a script, not a test): drops a folder of 1,000 small images (two
 * sub-folders of 500, equal file names in both) into the app with the tiny fixture model, lets the
 * queue score them all, reloads, and prints the time per image, the peak memory of the browser (PSS
 * summed over every Chromium process, sampled every 100 ms, as in peak-memory.ts) and how many
 * images' features the worker holds in memory at the end (the working set bounds it).
 *
 *   npx vite build && npx tsx e2e/tools/batch-load.ts [wasm|webgpu] [count]
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PssSampler } from '../support/chromium-memory';
import { evalDebug, waitDebug } from '../support/debug-handle';
import { launch } from '../support/launch';
import { TINY_REPO } from '../support/paths';
import { synthPng } from '../support/synth-images';

const backend = process.argv.includes('webgpu') ? 'webgpu' : 'wasm';
const count = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 1000);
const MARKER = '--winclip-batch-load-probe';

const gib = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;

async function makeFolder(): Promise<string> {
  const root = join(mkdtempSync(join(tmpdir(), 'winclip-batch-')), 'lot');
  for (const sub of ['good', 'bad']) mkdirSync(join(root, sub), { recursive: true });
  for (let i = 0; i < count; i++) {
    const sub = i % 2 === 0 ? 'good' : 'bad';
    writeFileSync(
      join(root, sub, `${String(Math.floor(i / 2)).padStart(4, '0')}.png`),
      await synthPng(i + 1, 64),
    );
  }
  return root;
}

async function main(): Promise<void> {
  const folder = await makeFolder();
  const run = await launch({ marker: MARKER });
  const sampler = new PssSampler(MARKER, 100);
  try {
    const page = await run.context.newPage();
    await page.goto(run.appUrl({ backend, repo: TINY_REPO }));
    await waitDebug(page, (h) => h.state().model.phase === 'ready' && h.state().promptStatus.applied, {
      timeout: 300_000,
    });
    sampler.reset();
    const baseline = sampler.last;
    const t0 = Date.now();
    await page.getByTestId('folder-file-input').setInputFiles(folder);
    await waitDebug(page, (h, n) => h.state().images.length === n, { arg: count, timeout: 600_000 });
    // Waits for the whole batch, with a progress line every 30 s (a thousand images take minutes).
    for (;;) {
      const finished = await waitDebug(
        page,
        (h, n) => h.state().images.filter((im) => im.status === 'done' || im.status === 'error').length === n,
        { arg: count, timeout: 30_000, polling: 500 },
      ).then(
        () => true,
        () => false,
      );
      const done = await evalDebug(
        page,
        (h) => h.state().images.filter((im) => im.status === 'done' || im.status === 'error').length,
      );
      console.error(
        `${done}/${count} scored after ${((Date.now() - t0) / 1000).toFixed(0)} s, PSS ${gib(sampler.last)}, peak ${gib(sampler.peak)}`,
      );
      if (finished) break;
    }
    const scoreMs = Date.now() - t0;
    const scoringPeak = sampler.peak;
    const memory = await evalDebug(page, (h) => h.featureMemory());
    const failed = await evalDebug(
      page,
      (h) => h.state().images.filter((im) => im.status === 'error').length,
    );
    await evalDebug(page, (h) => h.flush());
    const settled = sampler.sample();

    const t1 = Date.now();
    await page.reload();
    await waitDebug(page, (h, n) => h.state().images.length === n, { arg: count, timeout: 300_000 });
    const shownMs = Date.now() - t1;
    await waitDebug(page, (h) => h.state().model.phase === 'ready' && !h.state().queue.running, {
      timeout: 300_000,
    });
    const stats = await evalDebug(page, (h) => h.stats());
    const usage = await page.evaluate(() => navigator.storage.estimate());
    console.log(
      JSON.stringify(
        {
          backend,
          images: count,
          failed,
          baselineWithModel: gib(baseline),
          peakWhileScoring: gib(scoringPeak),
          settledAfterScoring: gib(settled),
          msPerImage: Math.round(scoreMs / count),
          totalSeconds: scoreMs / 1000,
          workerFeatureMemory: memory,
          reloadGalleryShownMs: shownMs,
          statsAfterReload: stats,
          storageUsedMiB: Math.round((usage.usage ?? 0) / 2 ** 20),
        },
        null,
        2,
      ),
    );
  } finally {
    sampler.stop();
    await run.stop();
  }
}

await main();
