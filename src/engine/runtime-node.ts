/**
 * onnxruntime-node: the CLI, benchmarks and parity tests. Native CPU kernels (all cores) by
 * default; WebGPU (Dawn, bundled with onnxruntime-node) or CUDA (a separate install) on request.
 */
import * as ort from 'onnxruntime-node';
import {
  type DeviceChoice,
  type DeviceSelection,
  type NodeDevice,
  PROBE_TIMEOUT_MS,
  selectNodeDevice,
} from './node-devices';
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
  });
}

export interface NodeRuntimeChoice {
  /** 'cpu', 'webgpu', 'cuda' or 'auto' (first that works of cuda, webgpu, cpu). Default 'cpu'. */
  device?: DeviceChoice;
  threads?: number;
  /** Bound on each device probe, so a hung GPU driver cannot hang the caller. */
  probeTimeoutMs?: number;
}

export type SelectedNodeRuntime = OrtRuntime & DeviceSelection;

/**
 * Resolves the device (probing GPUs in a child process, see node-devices.ts) and opens the runtime
 * on it. Throws one line naming what is missing when an explicitly requested device does not work.
 */
export async function openNodeRuntime(choice: NodeRuntimeChoice = {}): Promise<SelectedNodeRuntime> {
  const sel = await selectNodeDevice(choice.device ?? 'cpu', choice.probeTimeoutMs ?? PROBE_TIMEOUT_MS);
  return { ...createNodeRuntime({ device: sel.device, threads: choice.threads }), ...sel };
}
