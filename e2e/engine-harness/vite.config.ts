/** Builds the engine test page on its own, with onnxruntime-web's wasm served from /ort/. */
import { copyFileSync, createReadStream, existsSync, mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InlineConfig, Plugin } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const ORT_DIST = resolve(here, '../../node_modules/onnxruntime-web/dist');
/** The WebGPU bundle's runtime (asyncify) and the WASM bundle's (plain): src/engine/runtime-web.ts. */
const ORT_FILES = [
  'ort-wasm-simd-threaded.asyncify.wasm',
  'ort-wasm-simd-threaded.asyncify.mjs',
  'ort-wasm-simd-threaded.wasm',
  'ort-wasm-simd-threaded.mjs',
];

const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

function copyOrt(outDir: string): Plugin {
  return {
    name: 'copy-ort-wasm',
    apply: 'build',
    closeBundle() {
      mkdirSync(join(outDir, 'ort'), { recursive: true });
      for (const f of ORT_FILES) copyFileSync(join(ORT_DIST, f), join(outDir, 'ort', f));
    },
  };
}

/**
 * Serves the files of `dir` under /fixture/ from the preview server: a test page could also have them
 * from Playwright's request routing, but that sends every body base64 over the debugging protocol
 * (seconds for the fixture's weights, on every page).
 */
function serveFixture(dir: string): Plugin {
  return {
    name: 'serve-fixture',
    configurePreviewServer(server) {
      server.middlewares.use('/fixture', (req, res, next) => {
        const file = join(dir, basename(decodeURIComponent((req.url ?? '').split('?')[0])));
        if (!existsSync(file)) return next();
        res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
        createReadStream(file).pipe(res);
      });
    },
  };
}

/** `fixtureDir`: a folder the preview serves under /fixture/ (the engine e2e's model and images). */
export function harnessConfig(outDir: string, fixtureDir?: string): InlineConfig {
  return {
    configFile: false,
    root: here,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'es2022' },
    worker: { format: 'es' },
    plugins: [copyOrt(outDir), ...(fixtureDir ? [serveFixture(fixtureDir)] : [])],
    preview: { host: '127.0.0.1', port: 0, headers: isolation },
  };
}
