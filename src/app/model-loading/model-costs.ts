/**
 * What a catalogue model is expected to cost on the running backend: memory while loading (the weights
 * times the peak ratio `npm run bench:browser` measured) and seconds per image (the ViT-B-16-plus-240
 * figure measured with 2 WASM threads, scaled by each architecture's encoder work and the thread count).
 */
import { wasmThreads } from '../../core/wasm-threads';

/** Encoder shapes of the catalogue architectures (OpenCLIP configs). */
const SHAPES: Record<string, { grid: number; layers: number; width: number }> = {
  'ViT-B-16-plus-240': { grid: 15, layers: 12, width: 896 },
  'ViT-B-16': { grid: 14, layers: 12, width: 768 },
  'ViT-L-14': { grid: 16, layers: 24, width: 1024 },
};

/**
 * Browser memory at the load peak above the idle page, per byte of float32 weights, with the weights
 * read from disk (bench:browser, rounded up: 1.11–1.23× on WASM, 1.27–1.59× on WebGPU/SwiftShader).
 * Without a cache (a private window) they are held in memory while loading: about 1.85×.
 */
const LOAD_PEAK_RATIO: Record<string, number> = { wasm: 1.25, webgpu: 1.6 };
/** ViT-B-16-plus-240, one 240×240 image (full pass + both window passes + scoring), 2 WASM threads. */
const MEASURED_SECONDS = 11.3;
const MEASURED_THREADS = 2;

/** Token-rows × layers × width² of one image: the full pass and the windows of scales 2 and 3. */
function encoderWork(s: { grid: number; layers: number; width: number }): number {
  const windows = (k: number) => (s.grid - k + 1) ** 2 * (k * k + 1);
  const tokens = s.grid * s.grid + 1 + windows(2) + windows(3);
  return tokens * s.layers * s.width * s.width;
}

export interface ModelCost {
  /** Expected browser memory while loading, above the idle page. */
  peakBytes: number;
  /** Expected seconds per image on WASM with this many threads; null on WebGPU (depends on the GPU). */
  secondsPerImage: number | null;
  threads: number;
}

/** `threadLimit` is the `?threads=N` cap the engine runs with, if any. */
export function expectedCost(
  arch: string,
  weightBytes: number,
  backend: string | null,
  threadLimit?: number,
): ModelCost | null {
  const shape = SHAPES[arch];
  const ratio = LOAD_PEAK_RATIO[backend ?? ''];
  if (!shape || !ratio) return null;
  const nav = globalThis.navigator as { hardwareConcurrency?: number } | undefined;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const threads = wasmThreads(nav?.hardwareConcurrency ?? 1, isolated, threadLimit);
  const scale = encoderWork(shape) / encoderWork(SHAPES['ViT-B-16-plus-240']);
  return {
    peakBytes: weightBytes * ratio,
    secondsPerImage: backend === 'wasm' ? (MEASURED_SECONDS * scale * MEASURED_THREADS) / threads : null,
    threads,
  };
}
