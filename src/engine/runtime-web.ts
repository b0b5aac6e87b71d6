/**
 * onnxruntime-web for browsers and workers: WebGPU when an adapter is available, else WASM
 * (multi-threaded when the page is cross-origin isolated). WebGPU runs on the 'onnxruntime-web/webgpu'
 * bundle (its 27 MB asyncify runtime carries both execution providers, so a fallback to WASM after a
 * GPU failure needs no second download); a WASM backend chosen at start loads the plain WASM bundle
 * instead, whose 14 MB runtime compiles and starts several times faster: on WASM that start is most
 * of the wait for a ready model after a reload.
 */
import * as ort from 'onnxruntime-web/webgpu';
import { errorText } from '../core/errors';
import { wasmThreads } from '../core/wasm-threads';
import { createOrtRuntime, type OrtRuntime } from './runtime';

export type BackendChoice = 'webgpu' | 'wasm' | 'auto';

export interface WebRuntime extends OrtRuntime {
  /** Why this backend runs, in words a user can act on. */
  readonly reason: string;
}

export interface WebRuntimeOptions {
  backend: BackendChoice;
  /** URL prefix where the app serves onnxruntime-web's .wasm/.mjs files. */
  wasmPaths?: string;
  /** WASM threads: at most this many (default: every core the browser reports). */
  threads?: number;
  /**
   * onnxruntime's weight pre-packing (re-laying Gemm/MatMul weights for its kernels when a session is
   * created). Off by default: it keeps a second, packed copy of the weights (README, "Memory").
   */
  prepacking?: boolean;
  /**
   * Run WASM on the WebGPU bundle's runtime (the fallback after a GPU failure: that runtime is loaded
   * already, its WASM execution provider needs nothing more).
   */
  gpuBundle?: boolean;
}

interface GpuLike {
  requestAdapter(): Promise<unknown | null>;
}

interface AdapterLimits {
  limits?: { maxBufferSize?: number; maxStorageBufferBindingSize?: number };
}

/** The biggest storage buffer onnxruntime can create and bind on this adapter (it requests the adapter's limits). */
function bufferLimit(adapter: unknown): number | undefined {
  const l = (adapter as AdapterLimits | null)?.limits;
  const sizes = [l?.maxBufferSize, l?.maxStorageBufferBindingSize].filter((n): n is number => !!n);
  return sizes.length ? Math.min(...sizes) : undefined;
}

async function probeWebGpu(): Promise<{ ok: boolean; why: string; maxBufferBytes?: number }> {
  const gpu = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
  if (!gpu)
    return {
      ok: false,
      why: 'this browser exposes no WebGPU (navigator.gpu is missing; it needs a secure context such as https or localhost)',
    };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter)
      return {
        ok: false,
        why: 'WebGPU is present but no GPU adapter is available (blocked or unsupported GPU)',
      };
    return { ok: true, why: 'a WebGPU adapter is available', maxBufferBytes: bufferLimit(adapter) };
  } catch (err) {
    return {
      ok: false,
      why: `WebGPU adapter request failed: ${errorText(err)}`,
    };
  }
}

type OrtBundle = typeof ort;

/** The bundle for the backend (each bundle has its own `env`, set here before its first session). */
async function bundleFor(backend: 'webgpu' | 'wasm', opts: WebRuntimeOptions, threads: number) {
  const bundle: OrtBundle =
    backend === 'wasm' && !opts.gpuBundle
      ? ((await import('onnxruntime-web/wasm')) as unknown as OrtBundle)
      : ort;
  if (opts.wasmPaths) bundle.env.wasm.wasmPaths = opts.wasmPaths;
  bundle.env.wasm.numThreads = threads;
  return bundle;
}

export async function createWebRuntime(opts: WebRuntimeOptions): Promise<WebRuntime> {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  const threads = wasmThreads(cores, isolated, opts.threads);

  let backend: 'webgpu' | 'wasm';
  let reason: string;
  let maxBufferBytes: number | undefined;
  if (opts.backend === 'wasm') {
    backend = 'wasm';
    reason = 'WASM was requested';
  } else {
    const probe = await probeWebGpu();
    if (probe.ok) {
      backend = 'webgpu';
      maxBufferBytes = probe.maxBufferBytes;
      reason = opts.backend === 'webgpu' ? 'WebGPU was requested and an adapter is available' : probe.why;
    } else if (opts.backend === 'webgpu') {
      throw new Error(`WebGPU was requested but ${probe.why}`);
    } else {
      backend = 'wasm';
      reason = `falling back to WASM: ${probe.why}`;
    }
  }
  if (backend === 'wasm')
    reason += ` (${threads} thread${threads === 1 ? '' : 's'}${isolated ? '' : '; page is not cross-origin isolated'})`;
  const base = createOrtRuntime(await bundleFor(backend, opts, threads), backend, {
    executionProviders: [backend],
    graphOptimizationLevel: 'all',
    ...(opts.prepacking ? {} : { extra: { session: { disable_prepacking: '1' } } }),
  });
  return { ...base, reason, maxBufferBytes };
}

/** The parts of a GPUDevice the worker uses to notice and (in tests) cause a device loss. */
export interface GpuDeviceHandle {
  readonly lost: Promise<{ reason?: string; message: string }>;
  destroy(): void;
}

/**
 * The WebGPU device onnxruntime-web runs on, or null when no WebGPU session was created yet (the
 * device exists from the first session on) or the backend is WASM.
 */
export async function webGpuDevice(): Promise<GpuDeviceHandle | null> {
  const flags = ort.env.webgpu as unknown as { device?: Promise<GpuDeviceHandle | undefined> };
  try {
    // The getter waits for the backend's initialisation; give up at once when it never started.
    const device = await Promise.race([
      flags.device,
      new Promise<undefined>((r) => setTimeout(() => r(undefined), 50)),
    ]);
    return device ?? null;
  } catch {
    return null;
  }
}
