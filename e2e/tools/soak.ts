/**
 * Soak test of the app's memory: loads the tiny fixture model, scores 10 images, clears them and
 * unloads the model, 20 times over (200 images in all), and prints the memory of every Chromium process
 * (PSS, summed; the lowest of six samples over 3 s) after each cycle. With every engine's sessions released, memory returns to within a
 * few per cent of the first cycle instead of growing by about twice the weights per load. Not part of
 * the test suite:
 *
 *   npx vite build && npx tsx e2e/tools/soak.ts [wasm|webgpu] [--switch] [--cycles N]
 *
 * --switch loads the model again without unloading it first (a model switch releases the old engine).
 */
import { readFileSync } from 'node:fs';
import { chromiumPss, settle } from '../support/chromium-memory';
import { type DebugFn, evalDebug, waitDebug } from '../support/debug-handle';
import { launch } from '../support/launch';
import { fixtureImage, TINY_REPO } from '../support/paths';

const backend = process.argv.includes('webgpu') ? 'webgpu' : 'wasm';
const switching = process.argv.includes('--switch');
const cyclesArg = process.argv.indexOf('--cycles');
const CYCLES = cyclesArg > 0 ? Number(process.argv[cyclesArg + 1]) : 20;
const IMAGES_PER_CYCLE = 10;
const MARKER = '--winclip-soak-probe';
const SOURCES = ['test_a.png', 'test_b.png', 'test_c.png', 'test_d.png', 'ref_1.png', 'ref_2.png'];

const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;

async function main(): Promise<void> {
  const run = await launch({ marker: MARKER });
  const images = SOURCES.map((n) => ({ n, bytes: readFileSync(fixtureImage(n)) }));
  try {
    const page = await run.context.newPage();
    const cdp = await run.context.newCDPSession(page);
    const waitFor = (predicate: DebugFn<boolean, undefined>, timeout = 600_000) =>
      waitDebug(page, predicate, { timeout, polling: 100 });
    await page.goto(run.appUrl({ backend }));
    await waitFor((h) => h.state().engine.status === 'ready', 120_000);
    const repo = page.getByLabel('Other OpenCLIP repo');
    const rows: { cycle: number; pss: number; seconds: number }[] = [];
    let scored = 0;
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      const t0 = Date.now();
      await repo.fill(TINY_REPO);
      await page.getByRole('button', { name: 'Load', exact: true }).click();
      await waitFor((h) => h.state().model.phase === 'ready' && h.state().promptStatus.applied);
      const files = Array.from({ length: IMAGES_PER_CYCLE }, (_, i) => {
        const src = images[(cycle * IMAGES_PER_CYCLE + i) % images.length];
        return { name: `c${cycle}-${i}-${src.n}`, mimeType: 'image/png', buffer: src.bytes };
      });
      await page.getByTestId('image-file-input').setInputFiles(files);
      await waitDebug(
        page,
        (h, n) => h.state().images.length === n && h.state().images.every((im) => im.status === 'done'),
        { arg: IMAGES_PER_CYCLE, timeout: 600_000, polling: 100 },
      );
      scored += IMAGES_PER_CYCLE;
      await page.getByRole('button', { name: 'Clear', exact: true }).click();
      await waitFor((h) => h.state().images.length === 0);
      if (!switching) await evalDebug(page, (h) => h.unloadModel());
      // Collect the page's garbage so what remains is what is held, then let the processes settle.
      await cdp.send('HeapProfiler.collectGarbage');
      // The worker's heap is collected on its own schedule: the lowest of a few samples over 3 s is what
      // stays held, the higher ones are garbage not yet collected.
      const samples: number[] = [];
      for (let i = 0; i < 6; i++) {
        await settle(500);
        samples.push(chromiumPss(MARKER));
      }
      const pss = Math.min(...samples);
      const seconds = (Date.now() - t0) / 1000;
      rows.push({ cycle, pss, seconds });
      const first = rows[0].pss;
      console.log(
        `cycle ${String(cycle).padStart(2)}  images scored ${String(scored).padStart(3)}  PSS ${mib(pss)}  (${(((pss - first) / first) * 100).toFixed(1)} % vs cycle 1)  ${seconds.toFixed(1)} s`,
      );
    }
    const first = rows[0].pss;
    const last = rows[rows.length - 1].pss;
    const max = Math.max(...rows.map((r) => r.pss));
    console.log(
      JSON.stringify(
        {
          backend,
          mode: switching ? 'load again without unloading (model switch)' : 'load, score, clear, unload',
          cycles: rows.length,
          imagesScored: scored,
          firstCycle: mib(first),
          lastCycle: mib(last),
          maxCycle: mib(max),
          lastVsFirstPercent: Number((((last - first) / first) * 100).toFixed(1)),
          maxVsFirstPercent: Number((((max - first) / first) * 100).toFixed(1)),
        },
        null,
        2,
      ),
    );
  } finally {
    await run.stop();
  }
}

await main();
