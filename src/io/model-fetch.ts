/**
 * Gathers the three files of a model in the browser (page or worker) from the cache, the hub, a folder
 * URL or local files, with progress, cancellation and early checks. Hub and folder downloads are
 * streamed into Cache Storage as they arrive, so a second visit loads with no network. A hub branch is
 * resolved to its commit first and the files are fetched and cached under that commit. Node's loader
 * (the Hugging Face cache on disk) is src/io/hub-model-node.ts; both report DownloadProgress.
 */

import { errorText } from '../core/errors';
import { formatBytes } from '../core/format-bytes';
import { CONFIG_FILE, type ModelFiles, TOKENIZER_FILE, WEIGHTS_FILE } from '../model/file-names';
import { checkDownloadedSafetensorsSize, parseConfigFile, parseTokenizerFile } from './check-model-bytes';
import {
  contentLength,
  DEFAULT_REVISION,
  HubError,
  hubFileUrl,
  openUrl,
  readDownload,
  resolveRevision,
} from './hub';
import { LocalFilesError } from './local-files';
import {
  type CachedFileRef,
  type CachedModelManifest,
  findHubManifest,
  hubCacheKey,
  matchFile,
  openModelCache,
  putStream,
  readManifest,
  sourceId,
  storageEstimate,
  urlCacheKey,
  writeManifest,
  writeRef,
} from './model-cache';
import {
  diskWeights,
  type FetchedModel,
  type FetchOptions,
  type ModelSource,
  type Role,
  readLocal,
  readOrExplain,
  splitRuleFor,
  weightFields,
  weightsCheck,
} from './model-fetch-read';
import type { SplitRule } from './parts-sink';
import type { ReadStreamResult } from './read-stream';

export {
  type FetchedModel,
  type FetchOptions,
  type ModelSource,
  modelTransferables,
} from './model-fetch-read';

const cachedUnreadable = (file: string) =>
  `The cached copy of ${file} could not be read ({reason}); clear the cache and download again.`;

/** The cached weights file, checked, or null when it is not there. */
async function cachedWeights(cache: Cache, ref: CachedFileRef, file: string, opts: FetchOptions) {
  const res = await matchFile(cache, ref.key);
  if (!res) return null;
  let blob: Blob;
  try {
    blob = await res.blob();
  } catch (err) {
    throw new Error(cachedUnreadable(file).replace('{reason}', errorText(err)));
  }
  const weights = await diskWeights(blob, file, cachedUnreadable(file), undefined, ref.bytes);
  opts.onProgress({ kind: 'download', file, from: 'cache', loaded: blob.size, total: blob.size });
  return weights;
}

interface Location {
  url: string;
  key: string;
  file: string;
}

async function readCachedParts(
  cache: Cache,
  ref: CachedFileRef,
  file: string,
  role: Role,
  opts: FetchOptions,
  split?: SplitRule,
): Promise<ReadStreamResult> {
  const res = await matchFile(cache, ref.key);
  if (!res?.body)
    throw new Error(`The cached copy of ${file} is missing; clear the cache and download again.`);
  return readOrExplain(
    res.body,
    {
      expectedBytes: ref.bytes,
      what: file,
      signal: opts.signal,
      onBytes: (loaded) =>
        opts.onProgress({ kind: 'download', file, from: 'cache', loaded, total: ref.bytes }),
      inspect: role === 'weights' ? weightsCheck(file, () => ref.bytes) : undefined,
      split,
    },
    (reason) =>
      `The cached copy of ${file} could not be read (${reason}); clear the cache and download again.`,
  );
}

/** Downloads one file, writing it to the cache while it streams. */
async function download(
  cache: Cache | null,
  loc: Location,
  role: Role,
  opts: FetchOptions,
  split?: SplitRule,
): Promise<{ bytes: Uint8Array; parts?: Uint8Array[]; ref: CachedFileRef; cacheError: string | null }> {
  const res = await openUrl(loc.url, loc.file, opts.signal);
  const total = contentLength(res);
  if (!res.body) throw new HubError('http', `Empty response for ${loc.url}`, loc.url);
  const contentType = res.headers.get('content-type') ?? 'application/octet-stream';
  let written = 0;
  const { bytes, parts, teeError } = await readDownload(res.body, loc.url, {
    expectedBytes: total,
    what: loc.file,
    signal: opts.signal,
    onBytes: (loaded) => {
      written = loaded;
      opts.onProgress({ kind: 'download', file: loc.file, from: 'network', loaded, total });
    },
    inspect: role === 'weights' ? weightsCheck(loc.file, () => total) : undefined,
    tee: cache ? (body) => putStream(cache, loc.key, body, total, contentType) : undefined,
    split,
  });
  if (role === 'weights') {
    try {
      const first = parts?.[0] ?? bytes;
      const total = parts ? parts.reduce((n, p) => n + p.byteLength, 0) : bytes.byteLength;
      checkDownloadedSafetensorsSize(first, loc.file, total);
    } catch (err) {
      // The tee stored the bad copy already: drop it so no later visit reads it.
      await cache?.delete(loc.key).catch(() => undefined);
      throw err;
    }
  }
  return { bytes, parts, ref: { key: loc.key, bytes: written }, cacheError: cache ? teeError : null };
}

/**
 * Downloads the weights into the cache only, keeping just their first MiB in memory (for the checks):
 * the worker then reads them from the cached file, tensor by tensor. When the cache refuses them (a
 * full quota, a private window), they are downloaded again into memory, as without a cache.
 */
async function downloadWeights(
  cache: Cache | null,
  loc: Location,
  opts: FetchOptions,
  split?: SplitRule,
): Promise<{
  files: Pick<ModelFiles, 'weights' | 'weightParts' | 'weightsOnDisk'>;
  ref: CachedFileRef;
  cacheError: string | null;
}> {
  if (cache) {
    const res = await openUrl(loc.url, loc.file, opts.signal);
    const total = contentLength(res);
    if (!res.body) throw new HubError('http', `Empty response for ${loc.url}`, loc.url);
    const contentType = res.headers.get('content-type') ?? 'application/octet-stream';
    const head = await readDownload(res.body, loc.url, {
      expectedBytes: total,
      what: loc.file,
      signal: opts.signal,
      onBytes: (loaded) =>
        opts.onProgress({ kind: 'download', file: loc.file, from: 'network', loaded, total }),
      inspect: weightsCheck(loc.file, () => total),
      tee: (body) => putStream(cache, loc.key, body, total, contentType),
      keepOnly: 1 << 20,
    });
    if (!head.teeError) {
      const ref = { key: loc.key, bytes: head.size };
      try {
        checkDownloadedSafetensorsSize(head.bytes, loc.file, head.size);
        const onDisk = await cachedWeights(cache, ref, loc.file, opts);
        if (!onDisk)
          throw new Error(`The cached copy of ${loc.file} vanished right after the download; retry.`);
        return { files: onDisk, ref, cacheError: null };
      } catch (err) {
        // The cache holds the bad copy: drop it so no later visit reads it.
        await cache.delete(loc.key).catch(() => undefined);
        throw err;
      }
    }
    const again = await download(null, loc, 'weights', opts, split);
    return { files: weightFields(again), ref: again.ref, cacheError: head.teeError };
  }
  const got = await download(null, loc, 'weights', opts, split);
  return { files: weightFields(got), ref: got.ref, cacheError: null };
}

/** Where each file of a hub (at `revision`) or folder source lives (URL to fetch, cache key). */
function locations(source: Extract<ModelSource, { kind: 'hub' | 'url' }>, hubUrl: string, revision: string) {
  const at = (file: string): Location =>
    source.kind === 'hub'
      ? {
          url: hubFileUrl(hubUrl, source.repo, file, revision),
          key: hubCacheKey(source.repo, file, revision),
          file,
        }
      : { url: `${source.baseUrl.replace(/\/+$/, '')}/${file}`, key: '', file };
  const withKey = (loc: Location): Location => (loc.key ? loc : { ...loc, key: urlCacheKey(loc.url) });
  return {
    config: withKey(at(CONFIG_FILE)),
    weights: withKey(at(WEIGHTS_FILE)),
    tokenizer: withKey(at(TOKENIZER_FILE)),
  };
}

function fallbackTokenizer(opts: FetchOptions): Location {
  return {
    url: hubFileUrl(opts.hubUrl, opts.tokenizerRepo, TOKENIZER_FILE),
    // Shared by every model and never re-resolved: the CLIP tokenizer does not change.
    key: hubCacheKey(opts.tokenizerRepo, TOKENIZER_FILE, DEFAULT_REVISION),
    file: `${opts.tokenizerRepo}/${TOKENIZER_FILE}`,
  };
}

/**
 * The CLIP tokenizer: from the model's own location when it has one, else the configured tokenizer
 * repo (decided per model; the choice is recorded in the cache manifest).
 */
async function fetchTokenizer(
  cache: Cache | null,
  own: Location | null,
  opts: FetchOptions,
): Promise<{ bytes: Uint8Array; ref: CachedFileRef; cacheError: string | null }> {
  if (own) {
    try {
      return await download(cache, own, 'tokenizer', opts);
    } catch (err) {
      if (!(err instanceof HubError && err.kind === 'not-found')) throw err;
    }
  }
  const shared = fallbackTokenizer(opts);
  const hit = cache ? await matchFile(cache, shared.key) : null;
  if (cache && hit) {
    const bytes = Number(hit.headers.get('x-winclip-bytes')) || 0;
    const ref = { key: shared.key, bytes };
    return {
      bytes: (await readCachedParts(cache, ref, TOKENIZER_FILE, 'tokenizer', opts)).bytes,
      ref,
      cacheError: null,
    };
  }
  return download(cache, shared, 'tokenizer', opts);
}

function cachedSource(
  source: Extract<ModelSource, { kind: 'hub' | 'url' }>,
  commit: string | null,
): CachedModelManifest['source'] {
  if (source.kind === 'url') return { kind: 'url', baseUrl: source.baseUrl };
  return commit ? { kind: 'hub', repo: source.repo, commit } : { kind: 'hub', repo: source.repo };
}

/** A failure that means "no network now", after which a cached copy may still serve. */
function isUnreachable(err: unknown): boolean {
  return (
    err instanceof HubError && (err.kind === 'offline' || err.kind === 'unreachable' || err.kind === 'cors')
  );
}

/**
 * The hub commit to load and, when the hub cannot be asked, the cached manifest of the commit the
 * revision last resolved to. A pinned commit needs no request.
 */
async function resolveHub(
  cache: Cache | null,
  source: Extract<ModelSource, { kind: 'hub' }>,
  opts: FetchOptions,
): Promise<{ commit: string | null; manifest: CachedModelManifest | null }> {
  const revision = source.revision ?? DEFAULT_REVISION;
  let commit: string | null;
  try {
    commit = await resolveRevision(opts.hubUrl, source.repo, revision, CONFIG_FILE, opts.signal);
  } catch (err) {
    const offline = cache && isUnreachable(err) ? await findHubManifest(cache, source.repo, revision) : null;
    if (!offline) throw err;
    return {
      commit: offline.source.kind === 'hub' ? (offline.source.commit ?? null) : null,
      manifest: offline,
    };
  }
  if (!cache || !commit) return { commit, manifest: null };
  await writeRef(cache, source.repo, revision, commit).catch(() => undefined);
  return { commit, manifest: await readManifest(cache, sourceId(cachedSource(source, commit))) };
}

async function fetchRemote(
  source: Extract<ModelSource, { kind: 'hub' | 'url' }>,
  opts: FetchOptions,
): Promise<FetchedModel> {
  const cache = await openModelCache();
  const resolved =
    source.kind === 'hub'
      ? await resolveHub(cache, source, opts)
      : {
          commit: null,
          manifest: cache ? await readManifest(cache, sourceId(cachedSource(source, null))) : null,
        };
  const { commit, manifest } = resolved;
  const id = sourceId(cachedSource(source, commit));
  const pin = commit ? { commit } : {};
  if (cache && manifest) {
    const config = parseConfigFile(
      (await readCachedParts(cache, manifest.files.config, CONFIG_FILE, 'config', opts)).bytes,
      CONFIG_FILE,
    );
    const tokenizer = parseTokenizerFile(
      (await readCachedParts(cache, manifest.files.tokenizer, TOKENIZER_FILE, 'tokenizer', opts)).bytes,
      TOKENIZER_FILE,
    );
    const weights = await cachedWeights(cache, manifest.files.weights, WEIGHTS_FILE, opts);
    if (!weights)
      throw new Error(`The cached copy of ${WEIGHTS_FILE} is missing; clear the cache and download again.`);
    return {
      files: { config: config.raw, tokenizer, ...weights, ...pin },
      fromCache: true,
      cacheWarning: null,
    };
  }

  // A server that names no commit (a plain mirror) is read and cached under the branch, as before.
  const revision = source.kind === 'hub' ? (commit ?? source.revision ?? DEFAULT_REVISION) : '';
  const loc = locations(source, opts.hubUrl, revision);
  // The config first: a wrong repo or folder fails in a second, before the weights download starts.
  const config = await download(cache, loc.config, 'config', opts);
  const parsedConfig = parseConfigFile(config.bytes, CONFIG_FILE);
  const tokenizer = await fetchTokenizer(cache, loc.tokenizer, opts);
  const parsedTokenizer = parseTokenizerFile(tokenizer.bytes, TOKENIZER_FILE);
  const weights = await downloadWeights(cache, loc.weights, opts, splitRuleFor(parsedConfig.raw));

  const cacheError = config.cacheError ?? tokenizer.cacheError ?? weights.cacheError;
  let cacheWarning: string | null = cache
    ? null
    : 'Cache Storage is unavailable here: the model will download again next time.';
  if (cache && cacheError) {
    const est = await storageEstimate();
    const room = est ? `; this site may use ${formatBytes(est.quota)}, ${formatBytes(est.usage)} in use` : '';
    cacheWarning = `The model could not be cached (${cacheError}${room}). It will download again next time; private windows keep little.`;
  } else if (cache) {
    await writeManifest(cache, {
      id,
      // Two commits of one repo stay apart in the cache list.
      label: commit ? `${source.label} @ ${commit.slice(0, 7)}` : source.label,
      source: cachedSource(source, commit),
      files: { config: config.ref, weights: weights.ref, tokenizer: tokenizer.ref },
      savedAt: Date.now(),
    });
  }
  return {
    files: { config: parsedConfig.raw, tokenizer: parsedTokenizer, ...weights.files, ...pin },
    fromCache: false,
    cacheWarning,
  };
}

async function fetchLocal(
  source: Extract<ModelSource, { kind: 'local' }>,
  opts: FetchOptions,
): Promise<FetchedModel> {
  const config = parseConfigFile(await readLocal(source.config, 'config', opts), source.config.name);
  let tokenizer: unknown;
  let cacheWarning: string | null = null;
  if (source.tokenizer) {
    tokenizer = parseTokenizerFile(
      await readLocal(source.tokenizer, 'tokenizer', opts),
      source.tokenizer.name,
    );
  } else {
    const fetched = await fetchTokenizer(await openModelCache(), null, opts);
    tokenizer = parseTokenizerFile(fetched.bytes, TOKENIZER_FILE);
    cacheWarning = fetched.cacheError;
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
