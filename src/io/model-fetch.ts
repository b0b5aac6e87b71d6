/**
 * The app's model files (page or worker): hub and folder-URL models through the model loader
 * (model-loader.ts, the CLI's too) on Cache Storage, so a second visit loads with no network; picked
 * or kept local files read here, through the same checks. Reports DownloadProgress.
 */

import { formatBytes } from '../core/format-bytes';
import { TOKENIZER_FILE } from '../model/file-names';
import { parseConfigFile, parseTokenizerFile } from './check-model-bytes';
import { LocalFilesError } from './local-files';
import { cacheStorageStore, openModelCache, storageEstimate } from './model-cache';
import {
  diskWeights,
  type FetchedModel,
  type FetchOptions,
  type ModelSource,
  readLocal,
} from './model-fetch-read';
import { type LoaderContext, loadRemoteModel, loadSharedTokenizer } from './model-loader';
import { browserRemote } from './model-remote';

export {
  type FetchedModel,
  type FetchOptions,
  type ModelSource,
  modelTransferables,
} from './model-fetch-read';

async function loaderContext(opts: FetchOptions): Promise<LoaderContext & { cached: boolean }> {
  const cache = await openModelCache();
  return {
    store: cache ? cacheStorageStore(cache) : null,
    cached: cache !== null,
    remote: browserRemote(opts.hubUrl),
    hubUrl: opts.hubUrl,
    tokenizerRepo: opts.tokenizerRepo,
    offline: 'when-unreachable',
    signal: opts.signal,
    onProgress: opts.onProgress,
  };
}

async function fetchRemote(
  source: Extract<ModelSource, { kind: 'hub' | 'url' }>,
  opts: FetchOptions,
): Promise<FetchedModel> {
  const ctx = await loaderContext(opts);
  const loaded = await loadRemoteModel(source, ctx);
  // The checked bytes, not the parsed object: the worker parses them at the first prompt embedding.
  const files = { ...loaded.files, tokenizer: loaded.tokenizerBytes };
  let cacheWarning: string | null = ctx.cached
    ? null
    : 'Cache Storage is unavailable here: the model will download again next time.';
  if (ctx.cached && loaded.storeError) {
    const est = await storageEstimate();
    const room = est ? `; this site may use ${formatBytes(est.quota)}, ${formatBytes(est.usage)} in use` : '';
    cacheWarning = `The model could not be cached (${loaded.storeError}${room}). It will download again next time; private windows keep little.`;
  }
  return { files, fromCache: loaded.fromStore, cacheWarning };
}

async function fetchLocal(
  source: Extract<ModelSource, { kind: 'local' }>,
  opts: FetchOptions,
): Promise<FetchedModel> {
  const config = parseConfigFile(await readLocal(source.config, 'config', opts), source.config.name);
  // Checked here; the worker gets the bytes and parses them at the first prompt embedding.
  let tokenizer: Uint8Array;
  let cacheWarning: string | null = null;
  if (source.tokenizer) {
    tokenizer = await readLocal(source.tokenizer, 'tokenizer', opts);
    parseTokenizerFile(tokenizer, source.tokenizer.name);
  } else {
    const fetched = await loadSharedTokenizer(await loaderContext(opts));
    tokenizer = fetched.bytes;
    parseTokenizerFile(tokenizer, TOKENIZER_FILE);
    cacheWarning = fetched.storeError;
  }
  // A picked (or kept) file is on disk already: the worker reads its tensors from there.
  const name = source.weights.name;
  const weights = await diskWeights(
    source.weights,
    name,
    `${name} could not be read from disk ({reason}). Was it moved, deleted or changed? Pick the files again.`,
    (message) => new LocalFilesError(message),
  );
  opts.onProgress({
    kind: 'download',
    file: name,
    from: 'local',
    loaded: source.weights.size,
    total: source.weights.size,
  });
  return {
    files: { config: config.raw, tokenizer, ...weights },
    fromCache: false,
    cacheWarning,
  };
}

export function fetchModelFiles(source: ModelSource, opts: FetchOptions): Promise<FetchedModel> {
  return source.kind === 'local' ? fetchLocal(source, opts) : fetchRemote(source, opts);
}
