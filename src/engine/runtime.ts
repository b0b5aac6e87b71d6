/**
 * The one seam between the engine and onnxruntime. onnxruntime-node and onnxruntime-web expose
 * the same InferenceSession/Tensor API, so a single adapter serves both; the caller passes the
 * module and the execution providers.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import type { BuiltGraph } from '../model/onnx/graph-builder';

export type Feed =
  | { type: 'float32'; data: Float32Array; dims: number[] }
  | { type: 'int64'; data: BigInt64Array; dims: number[] };

export interface Output {
  data: Float32Array;
  dims: readonly number[];
}

export interface GraphSession {
  run(feeds: Record<string, Feed>, fetch: string[]): Promise<Record<string, Output>>;
  release(): Promise<void>;
}

export interface OrtRuntime {
  /** Execution provider actually used ('cpu', 'wasm', 'webgpu'). */
  readonly backend: string;
  /** The biggest buffer the device can bind (WebGPU), when it has such a limit. */
  readonly maxBufferBytes?: number;
  createSession(graph: BuiltGraph): Promise<GraphSession>;
}

interface OrtModule {
  InferenceSession: {
    create(model: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession>;
  };
  Tensor: new (
    type: 'float32' | 'int64',
    data: Float32Array | BigInt64Array,
    dims: readonly number[],
  ) => Tensor;
}

export function createOrtRuntime(
  ort: OrtModule,
  backend: string,
  options: InferenceSession.SessionOptions,
): OrtRuntime {
  return {
    backend,
    async createSession(graph: BuiltGraph): Promise<GraphSession> {
      const session = await ort.InferenceSession.create(graph.model, {
        ...options,
        externalData: graph.externalData.map((f) => ({ path: f.path, data: f.data })),
      });
      return {
        async run(feeds, fetch) {
          const inputs: Record<string, Tensor> = {};
          for (const [name, f] of Object.entries(feeds))
            inputs[name] = new ort.Tensor(f.type, f.data, f.dims);
          const out = await session.run(inputs, fetch);
          const result: Record<string, Output> = {};
          for (const name of fetch) {
            const t = out[name];
            // getData() downloads GPU-resident outputs; CPU outputs return their data directly.
            const data = (await t.getData()) as Float32Array;
            result[name] = { data, dims: t.dims };
            t.dispose();
          }
          return result;
        },
        release: () => session.release(),
      };
    },
  };
}
