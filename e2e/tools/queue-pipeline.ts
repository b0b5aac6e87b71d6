/**
 * Benchmark of the queue pipeline (a script, not a test): drops a batch of synthetic images into the
 * app with the tiny fixture model, once with the pre-processing worker preparing the next image
 * while the engine runs one (default) and once with the engine worker decoding each image itself
 * (`?prefetch=0`), each in a fresh profile, alternating, and prints the time per image.
 *
 *   npx vite build && npx tsx e2e/tools/queue-pipeline.ts [wasm|webgpu] [count] [WxH] [rounds]
 */
import { drop, type FileSpec } from '../support/app';
import { evalDebug, waitDebug } from '../support/debug-handle';
import { launch } from '../support/launch';
import { TINY_REPO } from '../support/paths';
import { synthPng } from '../support/synth-images';

const args = process.argv.slice(2);
const backend = args.includes('webgpu') ? 'webgpu' : 'wasm';
const numbers = args.filter((a) => /^\d+$/.test(a)).map(Number);
const count = numbers[0] ?? 20;
const rounds = numbers[1] ?? 2;
const [width, height] = (args.find((a) => /^\d+x\d+$/.test(a)) ?? '48x48').split('x').map(Number);

async function main(): Promise<void> {
  const files: FileSpec[] = [];
  for (let i = 0; i < count; i++)
    files.push({
      name: `img-${String(i + 1).padStart(3, '0')}.png`,
      bytes: await synthPng(i + 1, width, height, 7),
    });
  // Fresh contexts of one browser: each round starts with nothing cached or stored.
  const run = await launch({ persistent: false });
  const results: Record<string, number[]> = { prefetch: [], 'in-engine': [] };
  try {
    for (let round = 0; round < rounds; round++) {
      for (const mode of round % 2 === 0 ? ['in-engine', 'prefetch'] : ['prefetch', 'in-engine']) {
        const context = await run.browser!.newContext({ viewport: { width: 1440, height: 900 } });
        const page = await context.newPage();
        const extra: Record<string, string> = mode === 'prefetch' ? {} : { prefetch: '0' };
        await page.goto(run.appUrl({ backend, repo: TINY_REPO, ...extra }));
        await waitDebug(page, (h) => h.state().model.phase === 'ready' && h.state().promptStatus.applied, {
          timeout: 300_000,
        });
        const t0 = Date.now();
        await drop(page, files);
        await waitDebug(
          page,
          (h, n) => h.state().images.length === n && h.state().images.every((im) => im.status === 'done'),
          { arg: count, timeout: 900_000, polling: 50 },
        );
        const ms = (Date.now() - t0) / count;
        results[mode].push(ms);
        const p = await evalDebug(page, (h) => h.prefetchStats());
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
    await run.stop();
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
