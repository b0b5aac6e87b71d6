/** Reads an OpenCLIP model folder from disk (Node): config, safetensors weights, CLIP tokenizer.json. */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelFiles } from '../engine/api';
import { CONFIG_FILE, TOKENIZER_FILE, WEIGHTS_FILE } from '../model/file-names';

const MODEL_FILES = { config: CONFIG_FILE, weights: WEIGHTS_FILE, tokenizer: TOKENIZER_FILE } as const;

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
