/**
 * Local model files kept for the next visit: after a model picked from disk loads, its files are
 * copied into the origin-private file system (OPFS, `models/<name>/`), and the next visit loads them
 * from there without asking for the files again. Which model to reopen is remembered in the sessions
 * database; loading a hub or URL model afterwards makes that one the next visit's model instead.
 */
import { CONFIG_FILE, TOKENIZER_FILE, WEIGHTS_FILE } from '../../model/file-names';
import { getMeta, putMeta } from '../services/session-db';
import type { ModelSource } from '../state/types';

type LocalSource = Extract<ModelSource, { kind: 'local' }>;

interface KeptChoice {
  dir: string;
  label: string;
  savedAt: number;
}

const ROOT = 'models';
const KEY = 'keptLocalModel';

function slug(label: string): string {
  return label.replace(/[^\w.-]+/g, '_').slice(0, 80) || 'model';
}

async function modelsDir(create: boolean): Promise<FileSystemDirectoryHandle | null> {
  if (!navigator.storage?.getDirectory) return null;
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(ROOT, { create }).catch(() => null);
}

async function writeFile(dir: FileSystemDirectoryHandle, name: string, file: File): Promise<void> {
  const handle = await dir.getFileHandle(name, { create: true });
  const writable = await handle.createWritable();
  // pipeTo closes the writable when the stream ends (and aborts it on failure).
  await file.stream().pipeTo(writable);
}

/** True when the source's files already live in OPFS (a model reopened from there). */
export function isKept(source: ModelSource): boolean {
  return source.kind === 'local' && source.kept === true;
}

/** Copies a local model's files into OPFS and remembers it as the next visit's model. */
export async function keepLocalModel(source: LocalSource): Promise<void> {
  const models = await modelsDir(true);
  if (!models) throw new Error('this browser has no origin-private file system');
  const name = slug(source.label.replace(/ \(local\)$/, ''));
  const dir = await models.getDirectoryHandle(name, { create: true });
  await writeFile(dir, CONFIG_FILE, source.config);
  if (source.tokenizer) await writeFile(dir, TOKENIZER_FILE, source.tokenizer);
  await writeFile(dir, WEIGHTS_FILE, source.weights);
  const choice: KeptChoice = {
    dir: name,
    label: source.label.replace(/ \(local\)$/, ''),
    savedAt: Date.now(),
  };
  await putMeta(KEY, choice);
}

/** The next visit loads the hub or URL model instead of a kept local one. */
export async function forgetKeptChoice(): Promise<void> {
  await putMeta(KEY, null).catch(() => undefined);
}

/** A model's name as the UI shows it: local files say where they come from, in plain words. */
export function modelDisplayName(source: ModelSource): string {
  if (source.kind !== 'local') return source.label;
  return `${source.label} · ${source.kept ? 'local files, kept in this browser' : 'local files'}`;
}

/** The kept local model as a source (disk-backed File objects from OPFS), or null. */
export async function keptModelSource(): Promise<LocalSource | null> {
  const choice = await getMeta<KeptChoice | null>(KEY).catch(() => null);
  if (!choice) return null;
  const models = await modelsDir(false);
  if (!models) return null;
  try {
    const dir = await models.getDirectoryHandle(choice.dir);
    const file = async (n: string) => (await dir.getFileHandle(n)).getFile();
    const tokenizer = await file(TOKENIZER_FILE).catch(() => undefined);
    return {
      kind: 'local',
      // Kept by older builds with a " (kept)" suffix: the model's own name is without it.
      label: choice.label.replace(/ \((kept|local)\)$/, ''),
      kept: true,
      config: await file(CONFIG_FILE),
      weights: await file(WEIGHTS_FILE),
      tokenizer,
    };
  } catch {
    return null;
  }
}

/** Deletes every kept model (part of clearing all stored data). */
export async function deleteKeptModels(): Promise<void> {
  if (!navigator.storage?.getDirectory) return;
  const root = await navigator.storage.getDirectory();
  await root.removeEntry(ROOT, { recursive: true }).catch(() => undefined);
  await forgetKeptChoice();
}
