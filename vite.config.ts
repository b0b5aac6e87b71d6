/**
 * Vite config for the app. onnxruntime-web's wasm runtime is served by the app itself under /ort/
 * (copied from node_modules at build time, served from there in dev), and every server sends the
 * cross-origin isolation headers that let the WASM backend use threads (SharedArrayBuffer).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const ORT_DIST = resolve(here, 'node_modules/onnxruntime-web/dist');
/**
 * The runtime files onnxruntime-web loads: 'onnxruntime-web/webgpu' the asyncify pair (WebGPU, and
 * WASM after a GPU failure), 'onnxruntime-web/wasm' the plain pair (WASM chosen at start).
 */
const ORT_FILES = [
  'ort-wasm-simd-threaded.asyncify.mjs',
  'ort-wasm-simd-threaded.asyncify.wasm',
  'ort-wasm-simd-threaded.mjs',
  'ort-wasm-simd-threaded.wasm',
];

/** COEP credentialless (not require-corp) so a hub mirror need not send Cross-Origin-Resource-Policy. */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'credentialless',
};

function ortRuntimeFiles(): Plugin {
  const contentType = (f: string) => (f.endsWith('.wasm') ? 'application/wasm' : 'text/javascript');
  return {
    name: 'ort-runtime-files',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const m = /^\/ort\/([\w.-]+)$/.exec(req.url?.split('?')[0] ?? '');
        if (!m || !ORT_FILES.includes(m[1])) return next();
        res.setHeader('Content-Type', contentType(m[1]));
        for (const [k, v] of Object.entries(ISOLATION_HEADERS)) res.setHeader(k, v);
        res.end(readFileSync(join(ORT_DIST, m[1])));
      });
    },
    generateBundle() {
      for (const f of ORT_FILES) {
        this.emitFile({ type: 'asset', fileName: `ort/${f}`, source: readFileSync(join(ORT_DIST, f)) });
      }
    },
  };
}

export default defineConfig({
  plugins: [react(), ortRuntimeFiles()],
  resolve: {
    // The "extern wasm" build of onnxruntime-web loads its runtime from ort.env.wasm.wasmPaths instead of
    // inlining a second copy into the bundle.
    conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions],
  },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
  server: { host: '127.0.0.1', port: 5173, headers: ISOLATION_HEADERS },
  preview: { host: '127.0.0.1', port: 4173, headers: ISOLATION_HEADERS },
});
