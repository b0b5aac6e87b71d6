/**
 * Opens a model's files in the worker (weights read from disk part by part) and creates its engine,
 * taking the weights' fingerprint and the model identity before the engine frees the weight parts.
 */
import { fingerprintBytes } from '../src/core/weights-fingerprint';
import type { WinclipEngine } from '../src/engine/engine';
import { diskReadError, openDiskWeights } from '../src/io/blob-bytes';
import { modelIdentityOf } from '../src/io/model-identity';
import type { ModelFiles } from '../src/model/file-names';

export interface OpenedModel {
  engine: WinclipEngine;
  /** Identity of the weights and config (src/io/model-identity.ts): the feature store's model key. */
  modelId: string;
  weightsFingerprint: string;
}

export async function openModel(
  files: ModelFiles,
  createEngine: (opened: ModelFiles) => Promise<WinclipEngine>,
): Promise<OpenedModel> {
  const { files: opened, disk } = await openDiskWeights(files);
  try {
    // Taken before the engine takes over (and frees) the weight parts.
    const weightsFingerprint = fingerprintBytes(
      opened.weightParts?.length ? opened.weightParts : opened.weights,
    );
    const modelId = await modelIdentityOf(weightsFingerprint, opened.config);
    const engine = await createEngine(opened);
    return { engine, modelId, weightsFingerprint };
  } catch (err) {
    // A file that changed or vanished on disk since it was picked explains the failure best.
    throw diskReadError(files, disk) ?? err;
  } finally {
    disk?.dropLastRead();
  }
}
