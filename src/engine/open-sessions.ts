/**
 * Opens a model's three sessions (image encoder, text encoder, few-shot association) from its files,
 * holding as little of the weights as possible while doing so; the text encoder's may be left to its
 * first run (see `OpenOptions.textOnFirstRun`).
 */
import type { ModelConfig } from '../model/config';
import type { ModelFiles } from '../model/file-names';
import { buildAssociationGraph } from '../model/graphs/association';
import { buildImageEncoder } from '../model/graphs/image-encoder';
import { buildTextEncoder } from '../model/graphs/text-encoder';
import type { BuiltGraph } from '../model/onnx/graph-builder';
import { textTensors, visionTensors } from '../model/openclip-layout';
import { ModelWeights, WeightsError } from '../model/weights';
import type { GraphSession, OrtRuntime } from './runtime';
import { sessionOnFirstRun } from './session-on-first-run';

export interface ModelSessions {
  text: GraphSession;
  image: GraphSession;
  association: GraphSession;
  parameters: number;
  /** The vision tower's weights, kept when asked (the lot mode builds its own image graphs from them). */
  visionWeights: ModelWeights | null;
}

export interface OpenOptions {
  /** Keep the vision weights after the sessions are open (they are let go otherwise). */
  keepVisionWeights?: boolean;
  /**
   * Create the text encoder's session at its first run, keeping the text tower's weights until then:
   * after a reload every prompt embedding is stored, so the model is ready without it. Only where a
   * failed creation need not be caught during the load (see workers/engine-host.ts).
   */
  textOnFirstRun?: boolean;
}

/** Refuses up front, with the reason, a model whose biggest weight the device cannot hold in one buffer. */
function checkBufferLimit(weights: ModelWeights, runtime: OrtRuntime): void {
  const limit = runtime.maxBufferBytes;
  const big = weights.largest();
  if (!limit || big.length <= limit) return;
  const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
  throw new WeightsError(
    `This model cannot run on ${runtime.backend} on this device: its largest weight (${big.name}, ${mb(big.length)}) is bigger than the ${mb(limit)} the GPU allows in one buffer. Use the WASM backend (?backend=wasm) or a smaller model.`,
  );
}

export async function openSessions(
  files: ModelFiles,
  config: ModelConfig,
  runtime: OrtRuntime,
  options: OpenOptions = {},
): Promise<ModelSessions> {
  // Parts are taken out of `files` so that nothing but `weights` holds them, and `weights` lets the
  // vision part go once the image session holds it: the text session is then created without it.
  const owned = !!files.weightParts?.length;
  const parts = owned ? files.weightParts!.splice(0) : [files.weights];
  const weights = ModelWeights.fromParts(parts, config);
  // On WebGPU a failed creation (e.g. the GPU out of memory) is retried on WASM with the same files, so
  // the parts are only detached where nothing retries: elsewhere they go back to `files` on failure.
  const detach = owned && runtime.backend !== 'webgpu';
  const retained = detach ? [] : parts.slice();
  parts.length = 0;
  checkBufferLimit(weights, runtime);
  const textNames = textTensors(config).map(([n]) => n);
  const kept = options.keepVisionWeights ? visionTensors(config).map(([n]) => n) : [];
  // Sessions opened before a later one fails are released, or their weights stay in the heap.
  const opened: GraphSession[] = [];
  const open = async (build: () => BuiltGraph) => {
    const session = await runtime.createSession(build());
    opened.push(session);
    return session;
  };
  try {
    const image = await open(() => buildImageEncoder(config, weights));
    // Parts were handed over (the caller kept no reference), so they are freed at once, not at the next GC.
    weights.release([...textNames, ...kept], { detach });
    // The text tower's weights go once its session holds them (now, or at its first run).
    const openText = async (create = open) => {
      const session = await create(() => buildTextEncoder(config, weights));
      weights.release(kept, { detach });
      return session;
    };
    const text = options.textOnFirstRun
      ? sessionOnFirstRun(() => openText((build) => runtime.createSession(build())))
      : await openText();
    const association = await open(() => buildAssociationGraph());
    const visionWeights = options.keepVisionWeights ? weights : null;
    return { text, image, association, parameters: weights.parameters, visionWeights };
  } catch (err) {
    for (const session of opened) await session.release().catch(() => undefined);
    if (owned && !detach) files.weightParts!.push(...retained);
    throw err;
  }
}
