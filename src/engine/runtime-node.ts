/** onnxruntime-node (native CPU kernels, all cores): the CLI, benchmarks and parity tests. */
import * as ort from 'onnxruntime-node';
import { createOrtRuntime, type OrtRuntime } from './runtime';

export function createNodeRuntime(threads = 0): OrtRuntime {
  return createOrtRuntime(ort, 'cpu', {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
  });
}
