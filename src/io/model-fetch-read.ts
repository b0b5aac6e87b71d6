/**
 * What the model loader and the app's local files share: the app's source and option types, and
 * reading a file's bytes (stored, downloaded or picked) with the early weights check, split into one
 * buffer per graph, or handed over as a file on disk for the worker to read tensor by tensor.
 */
import { errorText } from '../core/errors';
import { parseModelConfig } from '../model/config';
import type { ModelFiles } from '../model/file-names';
import { safetensorsSplit } from '../model/weight-parts';
import { checkSafetensorsStart } from './check-model-bytes';
import type { DownloadProgress } from './hub';
import { LocalFilesError } from './local-files';
import type { SplitRule } from './parts-sink';
import { type ReadStreamOptions, type ReadStreamResult, readStream, StreamReadError } from './read-stream';

/** A model on a server: a hub repo at a revision (branch, tag or commit; default main) or a folder URL. */
export type RemoteSource =
  | { kind: 'hub'; repo: string; label: string; revision?: string }
  | { kind: 'url'; baseUrl: string; label: string };

/** Where a model's files come from: a server, or files picked (or kept) in this browser. */
export type ModelSource =
  | RemoteSource
  | {
      kind: 'local';
      /** The model's own name (exports and recipes carry it as it is). */
      label: string;
      config: File;
      weights: File;
      tokenizer?: File;
      /** Reopened from the copy this browser keeps (OPFS), not picked from disk this visit. */
      kept?: boolean;
    };

export interface FetchedModel {
  files: ModelFiles;
  fromCache: boolean;
  cacheWarning: string | null;
}

export interface FetchOptions {
  hubUrl: string;
  tokenizerRepo: string;
  signal: AbortSignal;
  onProgress: (p: DownloadProgress) => void;
}

export type Role = 'config' | 'weights' | 'tokenizer';

/**
 * The weights are read straight into one buffer per graph (cut by the safetensors header), so the
 * worker can free the vision part once the image session holds it; no split when the config is unreadable.
 */
export function splitRuleFor(rawConfig: unknown): SplitRule | undefined {
  try {
    return safetensorsSplit(parseModelConfig(rawConfig));
  } catch {
    return undefined;
  }
}

export function weightFields(r: {
  bytes: Uint8Array;
  parts?: Uint8Array[];
}): Pick<ModelFiles, 'weights' | 'weightParts'> {
  return r.parts && r.parts.length > 1
    ? { weights: new Uint8Array(0), weightParts: r.parts }
    : { weights: r.parts?.[0] ?? r.bytes };
}

/**
 * The weights as a file on disk for the worker to read tensor by tensor (ModelFiles.weightsOnDisk),
 * after the check a streamed read makes on its first bytes. `unreadable` has `{reason}`.
 */
export async function diskWeights(
  file: Blob,
  name: string,
  unreadable: string,
  wrap: (message: string) => Error = (message) => new Error(message),
  expectedBytes = 0,
): Promise<Pick<ModelFiles, 'weights' | 'weightsOnDisk'>> {
  if (expectedBytes > 0 && file.size !== expectedBytes)
    throw wrap(unreadable.replace('{reason}', `it has ${file.size} of ${expectedBytes} bytes`));
  let head: Uint8Array;
  try {
    head = new Uint8Array(await file.slice(0, 4096).arrayBuffer());
  } catch (err) {
    throw wrap(unreadable.replace('{reason}', errorText(err)));
  }
  // What a damaged header or body holds is worded by the worker's full parse, as for bytes in memory.
  checkSafetensorsStart(head, name, file.size);
  return { weights: new Uint8Array(0), weightsOnDisk: { file, unreadable } };
}

/** Buffers `files` hands over: transferred, not copied, to the worker. */
export function modelTransferables(files: ModelFiles): ArrayBuffer[] {
  const views = files.weightParts?.length ? files.weightParts : [files.weights];
  return views.map((v) => v.buffer as ArrayBuffer);
}

export function weightsCheck(name: string, total: () => number) {
  let ok = false;
  return (soFar: Uint8Array) => {
    if (!ok) ok = checkSafetensorsStart(soFar, name, total());
  };
}

/** Reads a cached or local stream; a broken stream gets `explain`'s message (not a download failure). */
export async function readOrExplain(
  body: ReadableStream<Uint8Array>,
  opts: ReadStreamOptions,
  explain: (reason: string) => string,
  wrap: (message: string) => Error = (message) => new Error(message),
) {
  try {
    return await readStream(body, opts);
  } catch (err) {
    if (err instanceof StreamReadError) throw wrap(explain(err.reason));
    throw err;
  }
}

export async function readLocal(file: File, role: Role, opts: FetchOptions): Promise<Uint8Array> {
  return (await readLocalParts(file, role, opts)).bytes;
}

async function readLocalParts(
  file: File,
  role: Role,
  opts: FetchOptions,
  split?: SplitRule,
): Promise<ReadStreamResult> {
  return readOrExplain(
    file.stream(),
    {
      expectedBytes: file.size,
      what: file.name,
      signal: opts.signal,
      onBytes: (loaded) =>
        opts.onProgress({ kind: 'download', file: file.name, from: 'local', loaded, total: file.size }),
      inspect: role === 'weights' ? weightsCheck(file.name, () => file.size) : undefined,
      split,
    },
    (reason) =>
      `${file.name} could not be read from disk (${reason}). Was it moved, deleted or changed? Pick the files again.`,
    (message) => new LocalFilesError(message),
  );
}
