/**
 * onnxruntime starts its backend with the first session it creates: the WASM module is fetched,
 * compiled and instantiated and its threads spawned (with WebGPU, the device is requested too). A tiny
 * weight-free session created as soon as the runtime exists does that work while the model's bytes
 * are still being read and parsed, instead of inside the first real session's creation.
 */
import { buildAssociationGraph } from '../model/graphs/association';
import type { OrtRuntime } from './runtime';

/** Starts the runtime's backend; never rejects (a broken backend fails the real session creation). */
async function startBackend(runtime: OrtRuntime): Promise<void> {
  try {
    const session = await runtime.createSession(buildAssociationGraph());
    await session.release();
  } catch {
    // Reported, with its context, when the model's sessions are created.
  }
}

/** The same runtime with its backend starting now; its sessions are created once that is done. */
export function warmedUp<R extends OrtRuntime>(runtime: R): R {
  const started = startBackend(runtime);
  return {
    ...runtime,
    createSession: async (graph) => {
      await started;
      return runtime.createSession(graph);
    },
  };
}
