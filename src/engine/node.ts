/** Node entry point to the engine: a model folder on disk, onnxruntime-node underneath. */
import { loadModelDir } from '../io/model-dir-node';
import { WinclipEngine } from './engine';
import { createNodeRuntime } from './runtime-node';

export async function createNodeEngine(modelDir: string, threads = 0): Promise<WinclipEngine> {
  return WinclipEngine.create(await loadModelDir(modelDir), createNodeRuntime(threads));
}
