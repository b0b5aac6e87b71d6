/** Node entry point to the engine: a model folder on disk, onnxruntime-node on the chosen device. */
import type { MethodSettings } from '../core/method-settings';
import { WinclipEngine } from '../engine/engine';
import { loadModelDir } from '../io/model-dir-node';
import { type NodeRuntimeChoice, openNodeRuntime } from './node-devices';

/** `runtime` as a number is the CPU thread count (0 = all cores); the default is the CPU, unprobed. */
export async function createNodeEngine(
  modelDir: string,
  runtime: NodeRuntimeChoice | number = {},
  settings: Partial<MethodSettings> = {},
): Promise<WinclipEngine> {
  // The model folder is read first so a wrong path fails before any device is probed.
  const files = await loadModelDir(modelDir);
  const rt = await openNodeRuntime(typeof runtime === 'number' ? { threads: runtime } : runtime);
  return WinclipEngine.create(files, rt, settings);
}
