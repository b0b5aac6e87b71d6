/** Reads an OpenCLIP model from disk (Node): config, safetensors weights, CLIP tokenizer.json. */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MODEL_FILE_NAMES as MODEL_FILES, type ModelFiles } from '../model/file-names';
import { checkSafetensorsStart, parseConfigFile, parseTokenizerFile } from './check-model-bytes';

/** Where each of a model's three files is on disk (a hub model's tokenizer may come from another repo). */
export interface ModelPaths {
  config: string;
  weights: string;
  tokenizer: string;
  /** The hub commit the files were taken from, when they came from the hub. */
  commit?: string;
}

/** The files of a model folder, checked to exist. */
export async function modelDirPaths(dir: string): Promise<ModelPaths> {
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) throw new Error(`model folder not found: ${dir}`);
  for (const f of Object.values(MODEL_FILES)) {
    if (!(await stat(join(dir, f)).catch(() => null))) throw new Error(`model folder ${dir} has no ${f}`);
  }
  return {
    config: join(dir, MODEL_FILES.config),
    weights: join(dir, MODEL_FILES.weights),
    tokenizer: join(dir, MODEL_FILES.tokenizer),
  };
}

/** The files, through the checks the model loader makes on downloaded and picked files (named by path). */
export async function loadModelPaths(paths: ModelPaths): Promise<ModelFiles> {
  const [config, tokenizer, buf] = await Promise.all([
    readFile(paths.config),
    readFile(paths.tokenizer),
    readFile(paths.weights),
  ]);
  const weights = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  checkSafetensorsStart(weights, paths.weights, weights.byteLength);
  return {
    config: parseConfigFile(config, paths.config).raw,
    tokenizer: parseTokenizerFile(tokenizer, paths.tokenizer),
    weights,
    ...(paths.commit ? { commit: paths.commit } : {}),
  };
}

export async function loadModelDir(dir: string): Promise<ModelFiles> {
  return loadModelPaths(await modelDirPaths(dir));
}
