/** Reads an OpenCLIP model from disk (Node): config, safetensors weights, CLIP tokenizer.json. */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MODEL_FILE_NAMES as MODEL_FILES, type ModelFiles } from '../model/file-names';

/** Where each of a model's three files is on disk (a hub model's tokenizer may come from another repo). */
export interface ModelPaths {
  config: string;
  weights: string;
  tokenizer: string;
  /** The hub commit the files were taken from, when they came from the hub. */
  commit?: string;
}

async function readJson(path: string, what: string): Promise<unknown> {
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${what} (${path}) is not valid JSON`);
  }
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

export async function loadModelPaths(paths: ModelPaths): Promise<ModelFiles> {
  const [config, tokenizer, buf] = await Promise.all([
    readJson(paths.config, MODEL_FILES.config),
    readJson(paths.tokenizer, MODEL_FILES.tokenizer),
    readFile(paths.weights),
  ]);
  return {
    config,
    tokenizer,
    weights: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength),
    ...(paths.commit ? { commit: paths.commit } : {}),
  };
}

export async function loadModelDir(dir: string): Promise<ModelFiles> {
  return loadModelPaths(await modelDirPaths(dir));
}
