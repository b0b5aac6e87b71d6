/**
 * onnxruntime-web for browsers and workers: WebGPU when an adapter is available, else WASM
 * (multi-threaded when the page is cross-origin isolated). One bundle ('onnxruntime-web/webgpu')
 * carries both execution providers, so falling back needs no second download.
 */
import * as ort from 'onnxruntime-web/webgpu';
import { errorText } from '../core/errors';
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
}

interface GpuLike {
  requestAdapter(): Promise<unknown | null>;
}

async function probeWebGpu(): Promise<{ ok: boolean; why: string }> {
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
    return { ok: true, why: 'a WebGPU adapter is available' };
  } catch (err) {
    return {
      ok: false,
      why: `WebGPU adapter request failed: ${errorText(err)}`,
    };
  }
}

export async function createWebRuntime(opts: WebRuntimeOptions): Promise<WebRuntime> {
  if (opts.wasmPaths) ort.env.wasm.wasmPaths = opts.wasmPaths;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  // Threads need SharedArrayBuffer, which only cross-origin isolated pages get.
  ort.env.wasm.numThreads = isolated ? Math.max(1, Math.min(4, cores)) : 1;

  let backend: 'webgpu' | 'wasm';
  let reason: string;
  if (opts.backend === 'wasm') {
    backend = 'wasm';
    reason = 'WASM was requested';
  } else {
    const probe = await probeWebGpu();
    if (probe.ok) {
      backend = 'webgpu';
      reason = opts.backend === 'webgpu' ? 'WebGPU was requested and an adapter is available' : probe.why;
    } else if (opts.backend === 'webgpu') {
      throw new Error(`WebGPU was requested but ${probe.why}`);
    } else {
      backend = 'wasm';
      reason = `falling back to WASM: ${probe.why}`;
    }
  }
  if (backend === 'wasm')
    reason += ` (${ort.env.wasm.numThreads} thread${ort.env.wasm.numThreads === 1 ? '' : 's'}${isolated ? '' : '; page is not cross-origin isolated'})`;
  const base = createOrtRuntime(ort, backend, {
    executionProviders: [backend],
    graphOptimizationLevel: 'all',
  });
  return { ...base, reason };
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
