/** Reads an OpenCLIP model folder from disk (Node): config, safetensors weights, CLIP tokenizer.json. */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MODEL_FILE_NAMES as MODEL_FILES, type ModelFiles } from '../model/file-names';

async function readJson(path: string, what: string): Promise<unknown> {
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${what} (${path}) is not valid JSON`);
  }
}

export async function loadModelDir(dir: string): Promise<ModelFiles> {
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) throw new Error(`model folder not found: ${dir}`);
  for (const f of Object.values(MODEL_FILES)) {
    if (!(await stat(join(dir, f)).catch(() => null))) throw new Error(`model folder ${dir} has no ${f}`);
  }
  const [config, tokenizer, buf] = await Promise.all([
    readJson(join(dir, MODEL_FILES.config), MODEL_FILES.config),
    readJson(join(dir, MODEL_FILES.tokenizer), MODEL_FILES.tokenizer),
    readFile(join(dir, MODEL_FILES.weights)),
  ]);
  return { config, tokenizer, weights: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) };
}
