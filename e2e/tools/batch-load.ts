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
import { chromium } from '@playwright/test';
import { preview } from 'vite';
import { chromiumPss } from '../../bench/chromium-memory';
import { startMockHub } from '../support/mock-hub';
import { HUB_REPOS, REPO_ROOT, TINY_REPO } from '../support/paths';
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
  const hub = await startMockHub(HUB_REPOS);
  const server = await preview({
    root: REPO_ROOT,
    preview: { host: '127.0.0.1', port: 0 },
    logLevel: 'warn',
  });
  const base = server.resolvedUrls!.local[0];
  // A persistent profile: a private context's storage quota is small.
  const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'winclip-profile-')), {
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', MARKER],
    viewport: { width: 1440, height: 900 },
  });
  let peak = 0;
  let last = 0;
  const timer = setInterval(() => {
    last = chromiumPss(MARKER);
    peak = Math.max(peak, last);
  }, 100);
  try {
    const page = await context.newPage();
    const url = `${base}?backend=${backend}&hub=${encodeURIComponent(hub.url)}&repo=${TINY_REPO}`;
    const state = 'window.winclip?.state()';
    await page.goto(url);
    await page.waitForFunction(
      `${state}?.model.phase === 'ready' && ${state}.promptStatus.applied`,
      undefined,
      {
        timeout: 300_000,
      },
    );
    last = chromiumPss(MARKER);
    const baseline = last;
    peak = last;
    const t0 = Date.now();
    await page.getByTestId('folder-file-input').setInputFiles(folder);
    await page.waitForFunction(`${state}.images.length === ${count}`, undefined, { timeout: 600_000 });
    let lastLog = 0;
    for (;;) {
      const done = await page.evaluate(
        () =>
          (window as unknown as { winclip: { state: () => { images: { status: string }[] } } }).winclip
            .state()
            .images.filter((im) => im.status === 'done' || im.status === 'error').length,
      );
      if (Date.now() - lastLog > 30_000) {
        console.error(
          `${done}/${count} scored after ${((Date.now() - t0) / 1000).toFixed(0)} s, PSS ${gib(last)}, peak ${gib(peak)}`,
        );
        lastLog = Date.now();
      }
      if (done === count) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const scoreMs = Date.now() - t0;
    const scoringPeak = peak;
    const memory = await page.evaluate(() =>
      (window as unknown as { winclip: { featureMemory: () => Promise<unknown> } }).winclip.featureMemory(),
    );
    const failed = await page.evaluate(
      () =>
        (window as unknown as { winclip: { state: () => { images: { status: string }[] } } }).winclip
          .state()
          .images.filter((im) => im.status === 'error').length,
    );
    await page.evaluate(() =>
      (window as unknown as { winclip: { flush: () => Promise<unknown> } }).winclip.flush(),
    );
    const settled = chromiumPss(MARKER);

    const t1 = Date.now();
    await page.reload();
    await page.waitForFunction(`${state}?.images.length === ${count}`, undefined, { timeout: 300_000 });
    const shownMs = Date.now() - t1;
    await page.waitForFunction(`${state}.model.phase === 'ready' && !${state}.queue.running`, undefined, {
      timeout: 300_000,
    });
    const stats = await page.evaluate(() =>
      (window as unknown as { winclip: { stats: () => Promise<unknown> } }).winclip.stats(),
    );
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
    clearInterval(timer);
    await context.close();
    await new Promise<void>((r) => server.httpServer.close(() => r()));
    await hub.stop();
  }
}

await main();
