/** Node entry point to the engine: a model folder on disk, onnxruntime-node underneath. */
import { loadModelDir } from '../io/model-dir-node';
import { WinclipEngine } from './engine';
import { type NodeRuntimeChoice, openNodeRuntime } from './runtime-node';

/** `options` as a number is the CPU thread count (0 = all cores). */
export async function createNodeEngine(
  modelDir: string,
  options: NodeRuntimeChoice | number = {},
): Promise<WinclipEngine> {
  // The model folder is read first so a wrong path fails before any device is probed.
  const files = await loadModelDir(modelDir);
  const runtime = await openNodeRuntime(typeof options === 'number' ? { threads: options } : options);
  return WinclipEngine.create(files, runtime);
}
