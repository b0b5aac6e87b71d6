/**
 * Model cache on Cache Storage: each model file is stored once as a streamed Response (written while it
 * downloads), plus a small manifest per model naming its three entries, so a later visit loads offline.
 * Hub files are keyed by repo, commit and file, not by hub URL, so a mirror and the main hub share
 * entries, a moved branch never serves the old commit's files under its name, and old commits stay.
 * A ref entry per repo and branch remembers the commit it last resolved to (huggingface_hub's
 * refs/<revision>), for loading offline. `cacheStorageStore` is this cache as the model loader's store
 * (model-store.ts); the app lists and deletes cached models here.
 */
import { errorText } from '../core/errors';
import { CONFIG_FILE, TOKENIZER_FILE, WEIGHTS_FILE } from '../model/file-names';
import { COMMIT_HASH } from './hub';
import type { FileAt, ModelRecords, ModelStore, StoredFile, StoredModel } from './model-store';

const MODEL_CACHE_NAME = 'winclip-models-v1';
/** Synthetic origin for cache keys (never fetched). */
const KEY_ORIGIN = 'https://model-cache.winclip.invalid';

export interface CachedFileRef {
  key: string;
  bytes: number;
}

export interface CachedModelManifest {
  /** Stable id of the source (hub repo or folder URL). */
  id: string;
  label: string;
  /** A hub model's commit is absent only in manifests written before commits were recorded. */
  source: { kind: 'hub'; repo: string; commit?: string } | { kind: 'url'; baseUrl: string };
  files: { config: CachedFileRef; weights: CachedFileRef; tokenizer: CachedFileRef };
  savedAt: number;
}

/** A hub file's key under the commit (or, for the shared tokenizer, the branch) it was fetched at. */
function hubCacheKey(repo: string, file: string, revision: string): string {
  return `${KEY_ORIGIN}/hub/${repo}/resolve/${encodeURIComponent(revision)}/${file}`;
}

function refKey(repo: string, revision: string): string {
  return `${KEY_ORIGIN}/ref/${repo}/${encodeURIComponent(revision)}`;
}

/** The commit `revision` last resolved to (itself when it is a commit), or null. */
async function readRef(cache: Cache, repo: string, revision: string): Promise<string | null> {
  if (COMMIT_HASH.test(revision)) return revision;
  const res = await cache.match(refKey(repo, revision));
  const commit = res ? (await res.text()).trim() : '';
  return COMMIT_HASH.test(commit) ? commit : null;
}

async function writeRef(cache: Cache, repo: string, revision: string, commit: string): Promise<void> {
  if (revision === commit) return;
  await cache.put(
    refKey(repo, revision),
    new Response(commit, { headers: { 'content-type': 'text/plain' } }),
  );
}

function urlCacheKey(url: string): string {
  return `${KEY_ORIGIN}/url/${encodeURIComponent(url)}`;
}

function manifestKey(id: string): string {
  return `${KEY_ORIGIN}/manifest/${encodeURIComponent(id)}`;
}

export function sourceId(source: CachedModelManifest['source']): string {
  if (source.kind === 'url') return `url:${source.baseUrl}`;
  return source.commit ? `hub:${source.repo}@${source.commit}` : `hub:${source.repo}`;
}

/**
 * The cached manifest of a hub model at `revision` without asking the hub: the commit the revision last
 * resolved to, else a manifest from before commits were recorded.
 */
export async function findHubManifest(
  cache: Cache,
  repo: string,
  revision: string,
): Promise<CachedModelManifest | null> {
  const commit = await readRef(cache, repo, revision);
  const pinned = commit ? await readManifest(cache, sourceId({ kind: 'hub', repo, commit })) : null;
  return pinned ?? (COMMIT_HASH.test(revision) ? null : readManifest(cache, sourceId({ kind: 'hub', repo })));
}

/** The model cache, or null where Cache Storage is unavailable (insecure context, some private modes). */
export async function openModelCache(): Promise<Cache | null> {
  if (typeof caches === 'undefined') return null;
  try {
    return await caches.open(MODEL_CACHE_NAME);
  } catch {
    return null;
  }
}

/** Streams `body` into the cache under `key`; nothing is stored unless the stream completes. */
async function putStream(
  cache: Cache,
  key: string,
  body: ReadableStream<Uint8Array>,
  bytes: number,
  contentType: string,
): Promise<void> {
  const headers: Record<string, string> = { 'content-type': contentType, 'x-winclip-bytes': String(bytes) };
  if (bytes > 0) headers['content-length'] = String(bytes);
  await cache.put(key, new Response(body, { headers }));
}

export async function readManifest(cache: Cache, id: string): Promise<CachedModelManifest | null> {
  const res = await cache.match(manifestKey(id));
  if (!res) return null;
  try {
    const manifest = (await res.json()) as CachedModelManifest;
    // A manifest is only valid while all three files are still there.
    for (const ref of Object.values(manifest.files)) if (!(await cache.match(ref.key))) return null;
    return manifest;
  } catch {
    return null;
  }
}

async function writeManifest(cache: Cache, manifest: CachedModelManifest): Promise<void> {
  await cache.put(
    manifestKey(manifest.id),
    new Response(JSON.stringify(manifest), { headers: { 'content-type': 'application/json' } }),
  );
}

export async function listCachedModels(): Promise<CachedModelManifest[]> {
  const cache = await openModelCache();
  if (!cache) return [];
  const out: CachedModelManifest[] = [];
  for (const req of await cache.keys()) {
    if (!req.url.startsWith(`${KEY_ORIGIN}/manifest/`)) continue;
    const id = decodeURIComponent(req.url.slice(`${KEY_ORIGIN}/manifest/`.length));
    const manifest = await readManifest(cache, id);
    if (manifest) out.push(manifest);
    else await cache.delete(req);
  }
  return out.sort((a, b) => b.savedAt - a.savedAt);
}

/** Deletes a model's manifest and the files no other cached model uses (e.g. a shared tokenizer). */
export async function deleteCachedModel(id: string): Promise<void> {
  const cache = await openModelCache();
  if (!cache) return;
  const all = await listCachedModels();
  const target = all.find((m) => m.id === id);
  await cache.delete(manifestKey(id));
  if (!target) return;
  const stillUsed = new Set(
    all.filter((m) => m.id !== id).flatMap((m) => Object.values(m.files).map((f) => f.key)),
  );
  for (const ref of Object.values(target.files)) if (!stillUsed.has(ref.key)) await cache.delete(ref.key);
}

export async function clearModelCache(): Promise<void> {
  if (typeof caches !== 'undefined') await caches.delete(MODEL_CACHE_NAME);
}

/** Bytes used and available for this origin, where the browser tells. */
export async function storageEstimate(): Promise<{ usage: number; quota: number } | null> {
  try {
    const est = await navigator.storage?.estimate?.();
    return est ? { usage: est.usage ?? 0, quota: est.quota ?? 0 } : null;
  } catch {
    return null;
  }
}

function keyOf(at: FileAt): string {
  return at.kind === 'hub' ? hubCacheKey(at.repo, at.file, at.revision) : urlCacheKey(at.url);
}

async function fileAt(cache: Cache, key: string, name: string): Promise<StoredFile | null> {
  const res = await cache.match(key);
  if (!res) return null;
  try {
    return { blob: await res.blob(), path: null };
  } catch (err) {
    throw new Error(
      `The cached copy of ${name} could not be read (${errorText(err)}); clear the cache and download again.`,
    );
  }
}

async function modelOf(cache: Cache, manifest: CachedModelManifest): Promise<StoredModel | null> {
  const one = async (ref: CachedFileRef, name: string) => {
    const file = await fileAt(cache, ref.key, name);
    return file ? { file, bytes: ref.bytes } : null;
  };
  const config = await one(manifest.files.config, CONFIG_FILE);
  const tokenizer = await one(manifest.files.tokenizer, TOKENIZER_FILE);
  const weights = await one(manifest.files.weights, WEIGHTS_FILE);
  if (!config || !tokenizer || !weights) return null;
  const commit = manifest.source.kind === 'hub' ? (manifest.source.commit ?? null) : null;
  return { commit, files: { config, tokenizer, weights } };
}

function records(cache: Cache): ModelRecords {
  return {
    async find(source) {
      const manifest = await readManifest(cache, sourceId(source));
      return manifest ? modelOf(cache, manifest) : null;
    },
    async findHub(repo, revision) {
      const manifest = await findHubManifest(cache, repo, revision);
      return manifest ? modelOf(cache, manifest) : null;
    },
    async save(source, label, files) {
      const ref = (f: { at: FileAt; bytes: number }) => ({ key: keyOf(f.at), bytes: f.bytes });
      await writeManifest(cache, {
        id: sourceId(source),
        label,
        source,
        files: { config: ref(files.config), weights: ref(files.weights), tokenizer: ref(files.tokenizer) },
        savedAt: Date.now(),
      });
    },
  };
}

export function cacheStorageStore(cache: Cache): ModelStore {
  return {
    mustKeep: false,
    whereIs: () => 'Cache Storage',
    readRef: (repo, revision) => readRef(cache, repo, revision),
    writeRef: (repo, revision, commit) => writeRef(cache, repo, revision, commit),
    read: (at) => fileAt(cache, keyOf(at), at.file),
    write: (at, body, info) => putStream(cache, keyOf(at), body, info.bytes, info.contentType),
    remove: async (at) => {
      await cache.delete(keyOf(at));
    },
    // Not recorded here: a model's record keeps which tokenizer it took.
    markAbsent: async () => undefined,
    // Entries are keyed by commit and file, not by content: nothing to share between keys.
    adopt: async () => null,
    records: records(cache),
  };
}
