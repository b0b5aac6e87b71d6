/**
 * onnxruntime starts its backend with the first session it creates: the WASM module is fetched,
 * compiled and instantiated and its threads spawned (with WebGPU, the device is requested too). A tiny
 * weight-free session created as soon as the runtime exists does that work while the model's bytes
 * are still being read and parsed, instead of inside the first real session's creation.
 */
import { buildAssociationGraph } from '../model/graphs/association';
import type { GraphSession, OrtRuntime } from './runtime';

/**
 * The same runtime with its backend starting now; its sessions are created once that is done. The
 * warm-up session is released only after the next session is created: on WebGPU onnxruntime destroys
 * its device with its last session, and the model's sessions would get a new one (or see it lost).
 */
export function warmedUp<R extends OrtRuntime>(runtime: R): R {
  // A broken backend is reported, with its context, when the model's sessions are created.
  const warm: Promise<GraphSession | null> = runtime.createSession(buildAssociationGraph()).catch(() => null);
  let pending = true;
  return {
    ...runtime,
    createSession: async (graph) => {
      const session = await warm;
      try {
        return await runtime.createSession(graph);
      } finally {
        if (pending) {
          pending = false;
          await session?.release().catch(() => undefined);
        }
      }
    },
  };
}
