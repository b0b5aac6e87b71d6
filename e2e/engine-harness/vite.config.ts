/** Builds the engine test page on its own, with onnxruntime-web's wasm served from /ort/. */
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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

export function harnessConfig(outDir: string): InlineConfig {
  return {
    configFile: false,
    root: here,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'es2022' },
    worker: { format: 'es' },
    plugins: [copyOrt(outDir)],
    preview: { host: '127.0.0.1', port: 0, headers: isolation },
  };
}
