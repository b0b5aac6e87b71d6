/**
 * End-to-end tests in Debian's Chromium against the built app served on 127.0.0.1. Every UI flow runs
 * once, on WASM (project wasm). What depends on the inference backend runs on WebGPU too (project
 * webgpu, SwiftShader in CI): tests tagged @gpu run on both projects, tests tagged @gpu-only on WebGPU
 * alone (device loss, the GPU fallback). The engine harness spec (e2e/engine.spec.ts) launches its own
 * browser and checks the worker on both backends; the webgpu project runs it first.
 *
 * Which tests run on WebGPU (SwiftShader in CI: the CPU, several times slower than WASM): only what
 * depends on the backend. Tag a test `@gpu` when its result comes from the backend's kernels or
 * scheduling (scores in the page, the order of first score and map), `@gpu-only` when the fault it
 * provokes exists on WebGPU alone (device loss, GPU out of memory). A UI flow (dialogs, exports,
 * sessions, storage, decoding) is untagged: the wasm project runs it once. A new mode's page scores go
 * in a @gpu test only if they run kernels no @gpu test runs yet.
 */
import { defineConfig } from '@playwright/test';
import { BASE_ARGS, CHROMIUM, TEST_JS_ARGS, WEBGPU_ARGS } from './e2e/support/chromium';
import type { AppOptions } from './e2e/support/fixtures';

// E2E_PORT lets two checkouts run their suites side by side on one machine.
const PORT = Number(process.env.E2E_PORT ?? 4179);
const APP_ARGS = [
  ...BASE_ARGS,
  // Belt and braces with the per-test request guard: no host name resolves except 127.0.0.1.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
  // A synthetic camera for e2e/camera.spec.ts, and no permission prompt for it.
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  ...TEST_JS_ARGS,
];
/** Backend-dependent tests (`{ tag: '@gpu' }` or '@gpu-only'): the webgpu project runs these alone. */
const GPU_TAG = /@gpu\b/;
const GPU_ONLY_TAG = /@gpu-only\b/;

export default defineConfig<AppOptions>({
  testDir: 'e2e',
  outputDir: 'test-results',
  // Budget on WASM with the tiny model: 3 min a test, 30 s a UI wait (longer waits name their budget,
  // e2e/support/app.ts BUDGET).
  timeout: 180_000,
  expect: { timeout: 30_000 },
  // Two workers on the 2-core CI machine: much of a test is waiting (page start, worker start, storage,
  // rendering), so two overlap well; every test has its own browser context, mock hub port and storage,
  // and none waits on another's timing, so tests of one file may run on either worker.
  workers: 2,
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    viewport: { width: 1440, height: 900 },
    acceptDownloads: true,
    screenshot: 'only-on-failure',
    launchOptions: { executablePath: CHROMIUM, args: APP_ARGS },
  },
  webServer: {
    command: `npx vite build --logLevel warn && npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: false,
    timeout: 180_000,
  },
  projects: [
    {
      name: 'webgpu',
      // The engine harness spec (both backends in the worker, its own browser), then the @gpu tests.
      grep: [GPU_TAG, /engine\.spec\.ts/],
      // SwiftShader tests run one at a time, on one worker from the start: two at once on 2 cores overran
      // their budgets. The other worker runs WASM tests meanwhile, and both do once this chain ends
      // (a project depending on another would wait for every test of the first phase, WASM's included).
      workers: 1,
      // Budget: SwiftShader (WebGPU on the CPU) takes seconds per encoder pass, several times the
      // WASM project's time: 6 min a test, 2 min a wait on inference.
      timeout: 360_000,
      expect: { timeout: 120_000 },
      use: {
        backend: 'webgpu',
        launchOptions: { executablePath: CHROMIUM, args: [...APP_ARGS, ...WEBGPU_ARGS] },
      },
    },
    { name: 'wasm', testIgnore: /engine\.spec\.ts$/, grepInvert: GPU_ONLY_TAG, use: { backend: 'wasm' } },
  ],
});
