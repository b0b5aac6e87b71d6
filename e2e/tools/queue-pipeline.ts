/**
 * Benchmark of the queue pipeline (a script, not a test): drops a batch of synthetic images into the
 * app with the tiny fixture model, once with the pre-processing worker preparing the next image
 * while the engine runs one (default) and once with the engine worker decoding each image itself
 * (`?prefetch=0`), each in a fresh profile, alternating, and prints the time per image.
 *
 *   npx vite build && npx tsx e2e/tools/queue-pipeline.ts [wasm|webgpu] [count] [WxH] [rounds]
 */
import { chromium } from '@playwright/test';
import sharp from 'sharp';
import { preview } from 'vite';
import { dropFiles, type FileSpec } from '../support/app';
import { startMockHub } from '../support/mock-hub';
import { HUB_REPOS, REPO_ROOT, TINY_REPO } from '../support/paths';

const args = process.argv.slice(2);
const backend = args.includes('webgpu') ? 'webgpu' : 'wasm';
const numbers = args.filter((a) => /^\d+$/.test(a)).map(Number);
const count = numbers[0] ?? 20;
const rounds = numbers[1] ?? 2;
const [width, height] = (args.find((a) => /^\d+x\d+$/.test(a)) ?? '48x48').split('x').map(Number);

/** A smooth gradient with a seeded dark blotch, as e2e/support/synth-images.ts but any size. */
async function image(seed: number): Promise<FileSpec> {
  const px = Buffer.alloc(width * height * 3);
  let s = (seed * 2654435761) >>> 0 || 1;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const cx = rnd() * width;
  const cy = rnd() * height;
  const r = 3 + rnd() * Math.min(width, height) * 0.2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const d = Math.hypot(x - cx, y - cy) < r;
      px[i] = d ? 40 : 120 + Math.round((x / width) * 80);
      px[i + 1] = d ? 30 : 120 + Math.round((y / height) * 60);
      px[i + 2] = d ? 20 : 110 + ((seed * 13) % 40) + ((x * y) % 7);
    }
  }
  const bytes = await sharp(px, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
  return { name: `img-${String(seed).padStart(3, '0')}.png`, bytes };
}

async function main(): Promise<void> {
  const files: FileSpec[] = [];
  for (let i = 0; i < count; i++) files.push(await image(i + 1));
  const hub = await startMockHub(HUB_REPOS);
  const server = await preview({
    root: REPO_ROOT,
    preview: { host: '127.0.0.1', port: 0 },
    logLevel: 'warn',
  });
  const base = server.resolvedUrls!.local[0];
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader'],
  });
  const results: Record<string, number[]> = { prefetch: [], 'in-engine': [] };
  try {
    for (let round = 0; round < rounds; round++) {
      for (const mode of round % 2 === 0 ? ['in-engine', 'prefetch'] : ['prefetch', 'in-engine']) {
        const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
        const page = await context.newPage();
        const extra = mode === 'prefetch' ? '' : '&prefetch=0';
        await page.goto(
          `${base}?backend=${backend}&hub=${encodeURIComponent(hub.url)}&repo=${TINY_REPO}${extra}`,
        );
        const state = 'window.winclip?.state()';
        await page.waitForFunction(
          `${state}?.model.phase === 'ready' && ${state}.promptStatus.applied`,
          undefined,
          {
            timeout: 300_000,
          },
        );
        const t0 = Date.now();
        await dropFiles(page, page.getByTestId('workspace'), files);
        await page.waitForFunction(
          `${state}.images.length === ${count} && ${state}.images.every((im) => im.status === 'done')`,
          undefined,
          { timeout: 900_000, polling: 50 },
        );
        const ms = (Date.now() - t0) / count;
        results[mode].push(ms);
        const p = await page.evaluate(() =>
          (
            window as unknown as {
              winclip: {
                prefetchStats: () => { taken: number; ahead: number; prepMs: number; waitMs: number };
              };
            }
          ).winclip.prefetchStats(),
        );
        const per = (v: number) => (p.taken ? (v / p.taken).toFixed(0) : '-');
        console.error(
          `round ${round + 1} ${mode}: ${ms.toFixed(0)} ms/image` +
            (p.taken
              ? `; prepared ${p.taken} (${p.ahead} ahead), ${per(p.prepMs)} ms preparing and ${per(p.waitMs)} ms waiting per image`
              : ''),
        );
        await context.close();
      }
    }
  } finally {
    await browser.close();
    await new Promise<void>((r) => server.httpServer.close(() => r()));
    await hub.stop();
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  console.log(
    JSON.stringify(
      {
        backend,
        images: count,
        size: `${width}x${height}`,
        msPerImage: {
          inEngine: results['in-engine'].map(Math.round),
          prefetch: results.prefetch.map(Math.round),
        },
        meanInEngine: Math.round(mean(results['in-engine'])),
        meanPrefetch: Math.round(mean(results.prefetch)),
      },
      null,
      2,
    ),
  );
}

await main();
