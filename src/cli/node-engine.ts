/** Node entry point to the engine: a model folder on disk, onnxruntime-node underneath. */
import type { MethodSettings } from '../core/method-settings';
import { WinclipEngine } from '../engine/engine';
import { createNodeRuntime } from '../engine/runtime-node';
import { loadModelDir } from '../io/model-dir-node';

export async function createNodeEngine(
  modelDir: string,
  threads = 0,
  settings: Partial<MethodSettings> = {},
): Promise<WinclipEngine> {
  return WinclipEngine.create(await loadModelDir(modelDir), createNodeRuntime(threads), settings);
}
