/**
 * The model loader's work on one file: take the stored copy or ask the server, stream a download into
 * memory and the store at once with progress and the early checks, and drop a stored copy that fails
 * them. The order of the files and the commit they come from are model-loader.ts's.
 */
import { type ModelFiles, TOKENIZER_FILE } from '../model/file-names';
import { checkDownloadedSafetensorsSize } from './check-model-bytes';
import {
  contentLength,
  DEFAULT_REVISION,
  type DownloadProgress,
  HubError,
  hubFileUrl,
  readDownload,
} from './hub';
import { diskWeights, readOrExplain, weightFields, weightsCheck } from './model-fetch-read';
import type { ModelRemote, RemoteFile } from './model-remote';
import type { FileAt, ModelStore, StoredFile, WriteInfo } from './model-store';
import type { SplitRule } from './parts-sink';

export interface LoaderContext {
  /** Null where nothing can be kept (no Cache Storage): every load downloads. */
  store: ModelStore | null;
  remote: ModelRemote;
  hubUrl: string;
  /** The repo whose tokenizer.json serves models that have none. */
  tokenizerRepo: string;
  /** Never ask the hub, or ask it and fall back to the store when it cannot be reached. */
  offline: 'never' | 'when-unreachable' | 'always';
  /** Why the loader went on from the store alone (the hub could not be reached): what is not stored fails with it. */
  unreachable?: Error;
  signal?: AbortSignal;
  onProgress: (p: DownloadProgress) => void;
}

export interface Location {
  at: FileAt;
  url: string;
  /** The name in progress events and messages. */
  label: string;
  /** Whether a stored copy may be taken by itself: only under a commit or a fixed branch, never a folder URL. */
  lookup: boolean;
}

export interface Got {
  bytes: Uint8Array;
  stored: StoredFile | null;
  fromStore: boolean;
  bytesStored: number;
  storeError: string | null;
}

export class OfflineMiss extends Error {}

const storedUnreadable = (file: string) =>
  `The cached copy of ${file} could not be read ({reason}); clear the cache and download again.`;

/** The error for a file not stored while the loader may not go online. */
export async function notStored(ctx: LoaderContext, at: FileAt): Promise<Error> {
  if (ctx.unreachable) return ctx.unreachable;
  if (at.kind !== 'hub' || !ctx.store) return new HubError('not-cached', `${at.file} is not cached.`, '');
  const commit = await ctx.store.readRef(at.repo, at.revision);
  const why = commit ? `snapshot ${commit} lacks it` : `no commit recorded for revision ${at.revision}`;
  return new HubError(
    'not-cached',
    `${at.repo}@${at.revision}: ${at.file} is not in the cache ${ctx.store.whereIs(at.repo)} (${why}); ${ctx.remote.offlineHint}.`,
    '',
  );
}

/** The stored copy, or the server's file, or null when the server (or the store) says there is none. */
async function find(
  ctx: LoaderContext,
  loc: Location,
): Promise<{ stored: StoredFile } | { remote: RemoteFile } | null> {
  const { store } = ctx;
  if (store && loc.lookup) {
    const hit = await store.read(loc.at);
    if (hit === 'absent') return null;
    if (hit) return { stored: hit };
  }
  if (ctx.offline === 'always') throw new OfflineMiss();
  const remote = await ctx.remote.file(loc.url, loc.at, ctx.signal);
  if ('missing' in remote) {
    if (store && remote.commit && loc.at.kind === 'hub') await store.markAbsent(loc.at, remote.commit);
    return null;
  }
  const adopted = store ? await store.adopt(loc.at, writeInfo(remote, 0, '')) : null;
  return adopted ? { stored: adopted } : { remote };
}

function writeInfo(remote: RemoteFile, bytes: number, contentType: string): WriteInfo {
  return { bytes, contentType, etag: remote.etag, commit: remote.commit };
}

export async function readStored(ctx: LoaderContext, stored: StoredFile, label: string): Promise<Uint8Array> {
  const total = stored.blob.size;
  const read = await readOrExplain(
    stored.blob.stream(),
    {
      expectedBytes: total,
      what: label,
      signal: ctx.signal,
      onBytes: (loaded) => ctx.onProgress({ kind: 'download', file: label, from: 'cache', loaded, total }),
    },
    (reason) => storedUnreadable(label).replace('{reason}', reason),
  );
  return read.bytes;
}

/** Streams a download into memory (all of it, or its first `keepOnly` bytes) and into the store. */
async function download(
  ctx: LoaderContext,
  loc: Location,
  remote: RemoteFile,
  opts: { weights?: boolean; keepOnly?: number; split?: SplitRule; store?: boolean } = {},
) {
  const res = await remote.open();
  if (!res.body) throw new HubError('http', `Empty response for ${loc.url}`, loc.url);
  const total = remote.size || contentLength(res);
  const info = writeInfo(remote, total, res.headers.get('content-type') ?? 'application/octet-stream');
  const store = opts.store === false ? null : ctx.store;
  const got = await readDownload(res.body, loc.url, {
    expectedBytes: total,
    what: loc.label,
    signal: ctx.signal,
    onBytes: (loaded) =>
      ctx.onProgress({ kind: 'download', file: loc.label, from: 'network', loaded, total }),
    inspect: opts.weights ? weightsCheck(loc.label, () => total) : undefined,
    tee: store ? (body) => store.write(loc.at, body, info) : undefined,
    keepOnly: store ? opts.keepOnly : undefined,
    split: opts.split,
  });
  if (got.teeError && store?.mustKeep)
    throw new Error(`${loc.label} could not be written to ${describeAt(store, loc.at)}: ${got.teeError}`);
  if (remote.size > 0 && got.size !== remote.size) {
    if (store && !got.teeError) await store.remove(loc.at).catch(() => undefined);
    throw new HubError(
      'unreachable',
      `The download of ${loc.label} stopped at ${got.size} of ${remote.size} bytes. Retry.`,
      loc.url,
    );
  }
  return { ...got, storeError: store ? got.teeError : null };
}

function describeAt(store: ModelStore, at: FileAt): string {
  return at.kind === 'hub' ? `the cache ${store.whereIs(at.repo)}` : 'the cache';
}

/** The stored copy after a write, where the caller reads files from the store (Node's paths). */
async function keptCopy(ctx: LoaderContext, loc: Location): Promise<StoredFile | null> {
  if (!ctx.store?.mustKeep) return null;
  const hit = await ctx.store.read(loc.at);
  return hit === 'absent' ? null : hit;
}

/** A JSON file (config or tokenizer): stored or downloaded, whole. Null when the server has none. */
export async function getJson(ctx: LoaderContext, loc: Location): Promise<Got | null> {
  const found = await find(ctx, loc);
  if (!found) return null;
  if ('stored' in found) {
    const bytes = await readStored(ctx, found.stored, loc.label);
    return { bytes, stored: found.stored, fromStore: true, bytesStored: bytes.byteLength, storeError: null };
  }
  const got = await download(ctx, loc, found.remote);
  const stored = got.storeError ? null : await keptCopy(ctx, loc);
  return { bytes: got.bytes, stored, fromStore: false, bytesStored: got.size, storeError: got.storeError };
}

type Weights = Pick<ModelFiles, 'weights' | 'weightParts' | 'weightsOnDisk'>;

export async function storedWeights(
  ctx: LoaderContext,
  stored: StoredFile,
  label: string,
  expected = 0,
): Promise<Weights> {
  const weights = await diskWeights(stored.blob, label, storedUnreadable(label), undefined, expected);
  const size = stored.blob.size;
  ctx.onProgress({ kind: 'download', file: label, from: 'cache', loaded: size, total: size });
  return weights;
}

/**
 * The weights. Downloaded into the store, only their first MiB stays in memory (for the checks) and
 * they are handed on as the stored file, read tensor by tensor; when the store refuses them (a full
 * quota, a private window), they are downloaded again into memory, as without a store.
 */
export async function getWeights(
  ctx: LoaderContext,
  loc: Location,
  split?: SplitRule,
): Promise<{ weights: Weights; got: Omit<Got, 'bytes'> } | null> {
  const found = await find(ctx, loc);
  if (!found) return null;
  if ('stored' in found) {
    const weights = await storedWeights(ctx, found.stored, loc.label);
    const got = {
      stored: found.stored,
      fromStore: true,
      bytesStored: found.stored.blob.size,
      storeError: null,
    };
    return { weights, got };
  }
  const { store } = ctx;
  if (store) {
    const head = await download(ctx, loc, found.remote, { weights: true, keepOnly: 1 << 20 });
    if (!head.teeError) {
      try {
        checkDownloadedSafetensorsSize(head.bytes, loc.label, head.size);
        const stored = await store.read(loc.at);
        if (!stored || stored === 'absent')
          throw new Error(`The cached copy of ${loc.label} vanished right after the download; retry.`);
        const weights = await storedWeights(ctx, stored, loc.label, head.size);
        return { weights, got: { stored, fromStore: false, bytesStored: head.size, storeError: null } };
      } catch (err) {
        // The store holds the bad copy: drop it so no later load reads it.
        await store.remove(loc.at).catch(() => undefined);
        throw err;
      }
    }
    const again = await ctx.remote.file(loc.url, loc.at, ctx.signal);
    if ('missing' in again)
      throw ctx.remote.missingError(loc.url, loc.at, loc.at.kind === 'hub' ? loc.at.revision : '', false);
    const mem = await inMemory(ctx, loc, again, split);
    return { weights: mem.weights, got: { ...mem.got, storeError: head.teeError } };
  }
  return inMemory(ctx, loc, found.remote, split);
}

async function inMemory(ctx: LoaderContext, loc: Location, remote: RemoteFile, split?: SplitRule) {
  const got = await download(ctx, loc, remote, { weights: true, split, store: false });
  const first = got.parts?.[0] ?? got.bytes;
  const total = got.parts ? got.parts.reduce((n, p) => n + p.byteLength, 0) : got.bytes.byteLength;
  checkDownloadedSafetensorsSize(first, loc.label, total);
  return {
    weights: weightFields(got),
    got: { stored: null, fromStore: false, bytesStored: got.size, storeError: null as string | null },
  };
}

export function hubLocation(
  ctx: LoaderContext,
  repo: string,
  revision: string,
  file: string,
  lookup: boolean,
): Location {
  return {
    at: { kind: 'hub', repo, revision, file },
    url: hubFileUrl(ctx.hubUrl, repo, file, revision),
    label: file,
    lookup,
  };
}

function sharedTokenizer(ctx: LoaderContext): Location {
  // Shared by every model and kept under its branch, never re-resolved: the CLIP tokenizer does not change.
  const loc = hubLocation(ctx, ctx.tokenizerRepo, DEFAULT_REVISION, TOKENIZER_FILE, true);
  return { ...loc, label: `${ctx.tokenizerRepo}/${TOKENIZER_FILE}` };
}

/** The shared CLIP tokenizer, for a model that has none of its own (also local files without one). */
export async function loadSharedTokenizer(ctx: LoaderContext): Promise<Got & { at: FileAt }> {
  const loc = sharedTokenizer(ctx);
  const got = await getJson(ctx, loc).catch(async (err) => {
    if (err instanceof OfflineMiss) throw await notStored(ctx, loc.at);
    throw err;
  });
  if (!got) throw ctx.remote.missingError(loc.url, loc.at, DEFAULT_REVISION, ctx.offline === 'always');
  return { ...got, at: loc.at };
}
