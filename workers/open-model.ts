/**
 * Opens a model's files in the worker (weights read from disk part by part) and creates its engine,
 * taking the weights' fingerprint and the model identity before the engine frees the weight parts.
 */
import { errorText } from '../src/core/errors';
import { fingerprintBytesAsync, fingerprintFile } from '../src/core/weights-fingerprint';
import { WinclipEngine } from '../src/engine/engine';
import type { OrtRuntime } from '../src/engine/runtime';
import { BlobBytes, openDiskWeights } from '../src/io/blob-bytes';
import { modelIdentityOf } from '../src/io/model-identity';
import type { ModelFiles } from '../src/model/file-names';

export interface OpenedModel {
  engine: WinclipEngine;
  /** Identity of the weights and config (src/io/model-identity.ts): the feature store's model key. */
  modelId: string;
  weightsFingerprint: string;
}

/**
 * The fingerprint of weights on disk, its ranges read all at once rather than one synchronous read
 * after another on this thread (which also starts the runtime meanwhile).
 */
function fingerprintOnDisk({ file, unreadable }: NonNullable<ModelFiles['weightsOnDisk']>): Promise<string> {
  return fingerprintFile(file.size, async (off, len) => {
    try {
      return new Uint8Array(await file.slice(off, off + len).arrayBuffer());
    } catch (err) {
      throw new Error(unreadable.replace('{reason}', errorText(err)));
    }
  });
}

export async function openModel(
  files: ModelFiles,
  createEngine: (opened: ModelFiles) => Promise<WinclipEngine>,
): Promise<OpenedModel> {
  const { files: opened, disk } = await openDiskWeights(files);
  try {
    // Started before the engine takes over (and frees) the weight parts: bytes in memory are sampled
    // at once, a file's ranges are read while the sessions are created.
    const fingerprint = files.weightsOnDisk
      ? fingerprintOnDisk(files.weightsOnDisk)
      : fingerprintBytesAsync(opened.weightParts?.length ? opened.weightParts : opened.weights);
    const [created, taken] = await Promise.allSettled([createEngine(opened), fingerprint]);
    if (created.status === 'rejected') throw created.reason;
    if (taken.status === 'rejected') {
      await created.value.dispose().catch(() => undefined);
      throw taken.reason;
    }
    const weightsFingerprint = taken.value;
    const modelId = await modelIdentityOf(weightsFingerprint, opened.config);
    return { engine: created.value, modelId, weightsFingerprint };
  } catch (err) {
    // A file that changed or vanished on disk since it was picked explains the failure best.
    throw disk?.readError() ?? err;
  } finally {
    disk?.dropLastRead();
  }
}

/**
 * `runtime` for an engine over `files`: where the weights are read from disk (a BlobBytes), every
 * session created from them (during the load, or later: the text encoder at its first run, the lot
 * mode's graphs) lets go of the last read at once, and a failed read is reported in the file's words.
 */
export function readingWeightsOf<R extends OrtRuntime>(runtime: R, files: ModelFiles): R {
  const disk = files.weights;
  if (!(disk instanceof BlobBytes)) return runtime;
  return {
    ...runtime,
    createSession: async (graph) => {
      try {
        return await runtime.createSession(graph);
      } catch (err) {
        throw disk.readError() ?? err;
      } finally {
        disk.dropLastRead();
      }
    },
  };
}

/**
 * The worker's engine on `runtime`. The lot mode keeps the vision weights (read from disk on demand
 * when the files are blob-backed). On WASM the text encoder's session waits for its first run: after a
 * reload every prompt embedding is stored, so the model is ready sooner. On WebGPU it is created with
 * the others: a GPU out of memory while creating it falls back to WASM (supervision.ts createEngine)
 * only while the model loads; at a later first run it would fail the call instead.
 */
export function createWorkerEngine(files: ModelFiles, runtime: OrtRuntime): Promise<WinclipEngine> {
  return WinclipEngine.create(
    files,
    readingWeightsOf(runtime, files),
    {},
    { lotMode: true, textOnFirstRun: runtime.backend !== 'webgpu' },
  );
}
