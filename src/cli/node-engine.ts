/** Node entry point to the engine: model files on disk, onnxruntime-node on the chosen device. */
import type { MethodSettings } from '../core/method-settings';
import { WinclipEngine } from '../engine/engine';
import type { EngineOptions } from '../engine/model-info';
import { loadModelDir, loadModelPaths, type ModelPaths } from '../io/model-dir-node';
import { type NodeRuntimeChoice, openNodeRuntime } from './node-devices';

/** `runtime` as a number is the CPU thread count (0 = all cores); the default is the CPU, unprobed. */
export async function createNodeEngine(
  model: string | ModelPaths,
  runtime: NodeRuntimeChoice | number = {},
  settings: Partial<MethodSettings> = {},
  options: EngineOptions = {},
): Promise<WinclipEngine> {
  // The model is read first so a wrong path fails before any device is probed.
  const files = typeof model === 'string' ? await loadModelDir(model) : await loadModelPaths(model);
  const rt = await openNodeRuntime(typeof runtime === 'number' ? { threads: runtime } : runtime);
  return WinclipEngine.create(files, rt, settings, options);
}
