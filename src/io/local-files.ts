/**
 * Local model files: collects files from a drop (including dropped folders) or a picker, and picks out
 * the OpenCLIP config, the safetensors weights and the tokenizer, with a clear message when something
 * is missing, ambiguous or of the wrong kind.
 */
import { CONFIG_FILE, TOKENIZER_FILE, WEIGHTS_FILE } from '../model/file-names';

export interface LocalModelFiles {
  config: File;
  weights: File;
  /** Absent: the tokenizer is fetched from the hub's CLIP tokenizer repo. */
  tokenizer?: File;
  label: string;
}

export class LocalFilesError extends Error {
  override name = 'LocalFilesError';
}

function readEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

async function entryFiles(entry: FileSystemEntry, depth: number): Promise<File[]> {
  if (entry.isFile) {
    return [
      await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject)),
    ];
  }
  if (!entry.isDirectory || depth > 3) return [];
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const out: File[] = [];
  // readEntries returns at most ~100 entries per call: read until empty.
  for (let batch = await readEntries(reader); batch.length > 0; batch = await readEntries(reader)) {
    for (const child of batch) out.push(...(await entryFiles(child, depth + 1)));
  }
  return out;
}

/** Every file of a drop, descending into dropped folders. Must be called during the drop event. */
export async function filesFromDataTransfer(dt: DataTransfer): Promise<File[]> {
  const entries = Array.from(dt.items ?? [])
    .filter((it) => it.kind === 'file')
    .map((it) => it.webkitGetAsEntry?.() ?? null);
  if (entries.length > 0 && entries.every((e) => e !== null)) {
    const nested = await Promise.all(entries.map((e) => entryFiles(e as FileSystemEntry, 0)));
    return nested.flat();
  }
  return Array.from(dt.files);
}

function folderOf(file: File): string | null {
  const rel = (file as File & { webkitRelativePath?: string }).webkitRelativePath;
  if (!rel?.includes('/')) return null;
  return rel.split('/').slice(0, -1).join('/');
}

/** Picks config, weights and tokenizer out of a set of files. */
export function identifyModelFiles(files: File[]): LocalModelFiles {
  if (files.length === 0) throw new LocalFilesError('No files were given.');
  const lower = (f: File) => f.name.toLowerCase();
  const weightsCandidates = files.filter((f) => lower(f).endsWith('.safetensors'));
  const configs = files.filter(
    (f) => lower(f).endsWith('.json') && lower(f) !== TOKENIZER_FILE && !lower(f).startsWith('tokenizer'),
  );
  const tokenizer = files.find((f) => lower(f) === TOKENIZER_FILE);

  if (weightsCandidates.length === 0) {
    const pytorch = files.find((f) => /\.(bin|pt|pth|ckpt)$/i.test(f.name));
    throw new LocalFilesError(
      pytorch
        ? `${pytorch.name} is a PyTorch checkpoint, which cannot be read safely in a browser: use ${WEIGHTS_FILE}.`
        : `No weights: add the model's ${WEIGHTS_FILE} (or another *.safetensors file).`,
    );
  }
  let weights = weightsCandidates[0];
  if (weightsCandidates.length > 1) {
    const named = weightsCandidates.find((f) => lower(f) === WEIGHTS_FILE);
    if (!named) {
      throw new LocalFilesError(
        `Several .safetensors files (${weightsCandidates.map((f) => f.name).join(', ')}): drop only the OpenCLIP one.`,
      );
    }
    weights = named;
  }
  const config =
    configs.find((f) => lower(f) === CONFIG_FILE) ?? (configs.length === 1 ? configs[0] : undefined);
  if (!config) {
    throw new LocalFilesError(
      configs.length > 1
        ? `Several JSON files (${configs.map((f) => f.name).join(', ')}): which one is the model config? Name it ${CONFIG_FILE}.`
        : `No config: add ${CONFIG_FILE} next to the weights.`,
    );
  }
  const label = folderOf(weights) ?? weights.name.replace(/\.safetensors$/i, '');
  return { config, weights, tokenizer, label };
}
