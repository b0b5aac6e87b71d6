/**
 * Debian's Chromium as every e2e run, tool and browser bench starts it: its headless shell (package
 * chromium-headless-shell, the same Blink and V8 without the browser's windows and UI pages), as
 * Playwright's own headless runs use. The full browser cost about 2.5 s more CPU per test (a window
 * per context, its omnibox page rendered), a quarter of a test that loads the tiny model.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium-headless-shell';

export const BASE_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** WebGPU on SwiftShader (the CPU) where the machine has no GPU Chromium accepts. */
export const WEBGPU_ARGS = ['--enable-unsafe-webgpu', '--enable-unsafe-swiftshader'];

/**
 * For tests only, never benches: V8 runs WebAssembly with its baseline compiler alone. Its optimizing
 * tier compiled most of onnxruntime's 14 MB module in the background of every new page and reload,
 * about 3 s of CPU a page (a trace of a test that loads the tiny model and scores one image), more
 * than the tiny model's short runs ever gain from it. Results are the same: WebAssembly's arithmetic
 * does not depend on the compiler tier.
 */
export const TEST_JS_ARGS = ['--js-flags=--liftoff-only'];
