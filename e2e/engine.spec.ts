/**
 * The engine in a real browser: Debian Chromium runs it in a Web Worker on the tiny fixture model,
 * on WebGPU (SwiftShader adapter) and on WASM, and must reproduce a few-shot, tiled fixture case and the
 * MuSc lot of ../shared/fixtures/musc-tiny at both its sizes (scores and maps, the CLI's tolerances).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, expect, type Page, test } from '@playwright/test';
import type { Remote } from 'comlink';
import { build, type PreviewServer, preview } from 'vite';
import { FIXTURE_DIR, loadF32, manifest, maxAbsDiff } from '../test/fixture';
import { lotDiffs, MUSC_BATCH, MUSC_LAYERS } from '../test/musc-fixture';
import type { HarnessApi } from './engine-harness/harness.worker';
import { harnessConfig } from './engine-harness/vite.config';
import { BASE_ARGS, CHROMIUM, TEST_JS_ARGS, WEBGPU_ARGS } from './support/chromium';

const TOL = 1e-3;
let server: PreviewServer;
let browser: Browser;
let base: string;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  // Budget: building the harness and starting Chromium, 4 min on a busy 2-core machine.
  test.setTimeout(240_000);
  const outDir = mkdtempSync(join(tmpdir(), 'engine-harness-'));
  await build(harnessConfig(outDir));
  server = await preview(harnessConfig(outDir, FIXTURE_DIR));
  base = server.resolvedUrls!.local[0];
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [...BASE_ARGS, ...WEBGPU_ARGS, ...TEST_JS_ARGS],
  });
});

test.afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => server?.httpServer.close(() => r()));
});

/** A harness page; the preview server serves the fixture (outside the repo) under /fixture/. */
async function openHarness(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(base);
  await expect(page.locator('#status')).toHaveText('engine harness: ready');
  return { page, errors };
}

type Harness = Remote<HarnessApi>;

/**
 * The image each backend scores zero- and few-shot (with ref_1 and ref_2). WASM takes test_c, whose
 * 2 tiles exercise tiling; WebGPU (SwiftShader in CI: seconds an encoder pass) takes the one-tile test_d,
 * since tiling is the same JS (src/core) on every backend: 9 encoder passes instead of 12.
 */
const PARITY = { webgpu: { image: 'test_d', tiles: 1 }, wasm: { image: 'test_c', tiles: 2 } } as const;

for (const backend of ['webgpu', 'wasm'] as const) {
  const { image, tiles } = PARITY[backend];
  const size = manifest.images.find((i) => i.name === image)!;
  test(`engine in a worker on ${backend} reproduces ${image} (${tiles} tile${tiles > 1 ? 's' : ''}) zero- and few-shot`, async () => {
    // Budget: model load and up to 12 image-encoder passes (SwiftShader for webgpu): 4 min.
    test.setTimeout(240_000);
    const { page, errors } = await openHarness();
    const res = await page.evaluate(
      ([b, file]) =>
        (window as unknown as { harness: Harness }).harness.run(b, file, ['ref_1.png', 'ref_2.png']),
      [backend, `${image}.png`] as const,
    );
    console.log(`${backend}: ${res.reason}; ms: ${res.steps.map(([s, ms]) => `${s} ${ms}`).join(', ')}`);
    expect(errors).toEqual([]);
    expect(res.backend).toBe(backend);
    expect([res.width, res.height]).toEqual([size.width, size.height]);
    expect(res.fsMode).toBe('few-shot');
    const zsScoreDiff = Math.abs(res.zsScore - loadF32(`${image}.final_zs_score`)[0]);
    const fsScoreDiff = Math.abs(res.fsScore - loadF32(`${image}.final_fs_score`)[0]);
    const zsMapDiff = maxAbsDiff(res.zsMap, loadF32(`${image}.final_zs_map`));
    const fsMapDiff = maxAbsDiff(res.fsMap, loadF32(`${image}.final_fs_map`));
    console.log(
      `${backend}: ${image} |Δ| zs score ${zsScoreDiff.toExponential(2)}, zs map ${zsMapDiff.toExponential(2)}, fs score ${fsScoreDiff.toExponential(2)}, fs map ${fsMapDiff.toExponential(2)}`,
    );
    expect(zsScoreDiff).toBeLessThan(TOL);
    expect(zsMapDiff).toBeLessThan(TOL);
    expect(fsScoreDiff).toBeLessThan(TOL);
    expect(fsMapDiff).toBeLessThan(TOL);
    // Encoder runs: every tile and every reference (one tile each) takes 3 passes (full, scale 2, scale 3).
    expect(res.imageEncoderRuns).toBe(3 * (tiles + 2));
    await page.close();
  });
}

for (const backend of ['webgpu', 'wasm'] as const) {
  // Both sizes on both backends: the page-level lot-mode e2e runs on WASM only, so this is the one
  // check of the lot's kernels on WebGPU.
  const sizes = [240, 320];
  test(`engine in a worker on ${backend} reproduces the MuSc lot at S = ${sizes.join(' and ')}`, async () => {
    // Budget: model load, then 6 lot image passes and 5 distance runs per size: about 2 min each way
    // on SwiftShader (webgpu) on a busy 2-core machine, so 6 min.
    test.setTimeout(360_000);
    const { page, errors } = await openHarness();
    const r = await page.evaluate(
      ([b, names, layers, sizes]) =>
        (window as unknown as { harness: Harness }).harness.lot(b, names, layers, sizes),
      [backend, MUSC_BATCH.map((n) => `${n}.png`), MUSC_LAYERS, sizes] as const,
    );
    expect(errors).toEqual([]);
    expect(r.backend).toBe(backend);
    expect(r.lots.map((l) => l.size)).toEqual(sizes);
    for (const lot of r.lots) {
      // Each unordered pair of the six once.
      expect(lot.pairsComputed).toBe(15);
      expect(lot.maps.map((m) => m.length)).toEqual(MUSC_BATCH.map(() => lot.size * lot.size));
      const d = lotDiffs(lot.size === 240 ? 'reference' : 'reference-320', lot);
      console.log(
        `${backend}: MuSc lot S=${lot.size} |Δ| RsCIN score ${d.rscin.toExponential(2)}, max score ${d.ac.toExponential(2)}, maps ${d.maps.toExponential(2)}`,
      );
      // The CLI's tolerances (test/cli-musc.test.ts).
      expect(d.rscin).toBeLessThan(1e-5);
      expect(d.ac).toBeLessThan(1e-5);
      expect(d.maps).toBeLessThan(1e-4);
    }
    await page.close();
  });
}
