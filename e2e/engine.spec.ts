/**
 * The engine in a real browser: Debian Chromium runs it in a Web Worker on the tiny fixture model,
 * on WebGPU (SwiftShader adapter) and on WASM, and must reproduce a few-shot, tiled fixture case.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, expect, test } from '@playwright/test';
import { build, type PreviewServer, preview } from 'vite';
import { FIXTURE_DIR, fixturePrompts, loadF32, maxAbsDiff } from '../test/fixture';
import { harnessConfig } from './engine-harness/vite.config';
import { BASE_ARGS, CHROMIUM, WEBGPU_ARGS } from './support/chromium';

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
  server = await preview(harnessConfig(outDir));
  base = server.resolvedUrls!.local[0];
  browser = await chromium.launch({ executablePath: CHROMIUM, args: [...BASE_ARGS, ...WEBGPU_ARGS] });
});

test.afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => server?.httpServer.close(() => r()));
});

for (const backend of ['webgpu', 'wasm'] as const) {
  test(`engine in a worker on ${backend} reproduces test_c (2 tiles) zero- and few-shot`, async () => {
    // Budget: model load and 12 image-encoder passes (SwiftShader for webgpu): 4 min.
    test.setTimeout(240_000);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // The fixture lives outside the repo; serve it from disk under /fixture/.
    await page.route('**/fixture/**', (route) => {
      const name = new URL(route.request().url()).pathname.replace('/fixture/', '');
      const body =
        name === 'prompts.json' ? JSON.stringify(fixturePrompts) : readFileSync(join(FIXTURE_DIR, name));
      return route.fulfill({ body, headers: { 'Cross-Origin-Resource-Policy': 'same-origin' } });
    });
    await page.goto(base);
    await expect(page.locator('#status')).toHaveText('engine harness: ready');
    const r = await page.evaluate(
      (b) =>
        (
          window as unknown as {
            harness: { run: (b: string, t: string, refs: string[]) => Promise<unknown> };
          }
        ).harness.run(b, 'test_c.png', ['ref_1.png', 'ref_2.png']),
      backend,
    );
    const res = r as {
      backend: string;
      reason: string;
      width: number;
      height: number;
      zsScore: number;
      zsMap: number[];
      fsMode: string;
      fsScore: number;
      fsMap: number[];
      imageEncoderRuns: number;
    };
    console.log(`${backend}: ${res.reason}`);
    expect(errors).toEqual([]);
    expect(res.backend).toBe(backend);
    expect([res.width, res.height]).toEqual([640, 400]);
    expect(res.fsMode).toBe('few-shot');
    const zsScoreDiff = Math.abs(res.zsScore - loadF32('test_c.final_zs_score')[0]);
    const fsScoreDiff = Math.abs(res.fsScore - loadF32('test_c.final_fs_score')[0]);
    const zsMapDiff = maxAbsDiff(res.zsMap, loadF32('test_c.final_zs_map'));
    const fsMapDiff = maxAbsDiff(res.fsMap, loadF32('test_c.final_fs_map'));
    console.log(
      `${backend}: |Δ| zs score ${zsScoreDiff.toExponential(2)}, zs map ${zsMapDiff.toExponential(2)}, fs score ${fsScoreDiff.toExponential(2)}, fs map ${fsMapDiff.toExponential(2)}`,
    );
    expect(zsScoreDiff).toBeLessThan(TOL);
    expect(zsMapDiff).toBeLessThan(TOL);
    expect(fsScoreDiff).toBeLessThan(TOL);
    expect(fsMapDiff).toBeLessThan(TOL);
    // Encoder runs: test_c has 2 tiles, each reference 1; every tile takes 3 passes (full, scale 2, scale 3).
    expect(res.imageEncoderRuns).toBe(12);
    await page.close();
  });
}
