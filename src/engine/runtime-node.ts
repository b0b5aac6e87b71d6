/**
 * onnxruntime-node: the CLI, benchmarks and parity tests. Native CPU kernels (all cores) by
 * default; WebGPU (Dawn, bundled with onnxruntime-node) or CUDA (a separate install) on request.
 */
import * as ort from 'onnxruntime-node';
import type { NodeDevice } from './devices';
import { createOrtRuntime, type OrtRuntime } from './runtime';

export interface NodeRuntimeOptions {
  /** Execution provider (default 'cpu'). */
  device?: NodeDevice;
  /** Intra-op threads of the CPU kernels (also the CPU fallback of GPU providers); 0 = all cores. */
  threads?: number;
}

/**
 * A runtime on a known device, opened without probing (errors surface at session creation).
 * A bare number is the thread count, for callers written before devices existed.
 */
export function createNodeRuntime(options: NodeRuntimeOptions | number = {}): OrtRuntime {
  const { device = 'cpu', threads = 0 } = typeof options === 'number' ? { threads: options } : options;
  return createOrtRuntime(ort, device, {
    executionProviders: [device],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    // Errors only: GPU providers warn on every session that shape ops stay on the CPU, by design.
    logSeverityLevel: 3,
    // Idle pool threads sleep instead of spinning: on a small shared machine a spinning thread takes the
    // core from the JS thread's work between runs (lot mode: LNAMD, packing) and from other processes.
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
}
