/**
 * Hub downloads into the Hugging Face cache on disk (Node), in the layout and with the environment
 * variables of Python's huggingface_hub, so both read and fill the same cache:
 *   <cache>/models--<owner>--<name>/blobs/<etag>             the file's bytes
 *   <cache>/models--<owner>--<name>/snapshots/<commit>/<file> a symlink to the blob (a copy where links fail)
 *   <cache>/models--<owner>--<name>/refs/<revision>          the commit the revision pointed at
 *   <cache>/models--<owner>--<name>/.no_exist/<commit>/<file> the file is known to be absent there
 */
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { abortError } from '../core/errors';
import {
  COMMIT_HASH,
  DEFAULT_HUB_URL,
  type DownloadProgress,
  etagOf,
  HubError,
  httpError,
  hubFileUrl,
  normalizeHubUrl,
  repoCommitOf,
} from './hub';

/** Where the hub is and how to reach it, from the environment huggingface_hub reads. */
export interface HubEnv {
  endpoint: string;
  cacheDir: string;
  offline: boolean;
  token: string | null;
}

const TRUE = new Set(['1', 'on', 'yes', 'true']);

/** huggingface_hub's defaults: HF_HUB_CACHE, else $HF_HOME/hub, HF_HOME defaulting to $XDG_CACHE_HOME/huggingface. */
export function hubEnv(env: NodeJS.ProcessEnv = process.env): HubEnv {
  const home = env.HF_HOME || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'huggingface');
  let endpoint = DEFAULT_HUB_URL;
  if (env.HF_ENDPOINT) {
    try {
      endpoint = normalizeHubUrl(env.HF_ENDPOINT);
    } catch (err) {
      throw new Error(`HF_ENDPOINT: ${(err as Error).message}`);
    }
  }
  return {
    endpoint,
    cacheDir: env.HF_HUB_CACHE || join(home, 'hub'),
    offline: TRUE.has((env.HF_HUB_OFFLINE ?? '').trim().toLowerCase()),
    token: env.HF_TOKEN?.trim() || null,
  };
}

/** `models--owner--name`, huggingface_hub's folder name for a model repo. */
export function repoFolder(cacheDir: string, repo: string): string {
  return join(cacheDir, `models--${repo.split('/').join('--')}`);
}

export function snapshotPath(cacheDir: string, repo: string, commit: string, file: string): string {
  return join(repoFolder(cacheDir, repo), 'snapshots', commit, ...file.split('/'));
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null)) !== null;
}

/** The commit `revision` names in the cache: itself when it is one, else what refs/<revision> holds. */
export async function cachedCommit(cacheDir: string, repo: string, revision: string): Promise<string | null> {
  if (COMMIT_HASH.test(revision)) return revision;
  const text = await readFile(join(repoFolder(cacheDir, repo), 'refs', ...revision.split('/')), 'utf8').catch(
    () => null,
  );
  const commit = text?.trim();
  return commit || null;
}

/** A cached file: its path, `'absent'` when the hub said it does not exist there, else null. */
export async function cachedFile(
  cacheDir: string,
  repo: string,
  commit: string,
  file: string,
): Promise<string | 'absent' | null> {
  const path = snapshotPath(cacheDir, repo, commit, file);
  if (await exists(path)) return path;
  if (await exists(join(repoFolder(cacheDir, repo), '.no_exist', commit, ...file.split('/'))))
    return 'absent';
  return null;
}

/**
 * Links the snapshot entry to its blob (relative, as huggingface_hub does); copies where links fail
 * (Windows without developer mode, some network drives). `link` is replaceable for tests.
 */
export async function linkSnapshot(
  blob: string,
  pointer: string,
  link: (target: string, path: string) => Promise<void> = symlink,
): Promise<void> {
  await mkdir(dirname(pointer), { recursive: true });
  await rm(pointer, { force: true });
  try {
    await link(relative(dirname(pointer), blob), pointer);
  } catch {
    await copyFile(blob, pointer);
  }
}

async function writeRef(cacheDir: string, repo: string, revision: string, commit: string): Promise<void> {
  if (revision === commit) return;
  const path = join(repoFolder(cacheDir, repo), 'refs', ...revision.split('/'));
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, commit);
}

export interface HubFileRequest {
  repo: string;
  revision: string;
  file: string;
  env: HubEnv;
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
}

export interface HubFile {
  path: string;
  commit: string;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

async function request(url: string, init: RequestInit, req: HubFileRequest): Promise<Response> {
  const headers: Record<string, string> = { 'accept-encoding': 'identity' };
  if (req.env.token) headers.authorization = `Bearer ${req.env.token}`;
  try {
    return await fetch(url, { ...init, headers, signal: req.signal });
  } catch {
    if (req.signal?.aborted) throw abortError();
    throw new HubError(
      'unreachable',
      `Cannot reach the hub at ${hostOf(url)} (HF_ENDPOINT=${req.env.endpoint}): network down, server stopped or blocked. Set HF_HUB_OFFLINE=1 to use the cache only.`,
      url,
    );
  }
}

function failed(url: string, res: Response, req: HubFileRequest): HubError {
  const at = `${req.repo}@${req.revision} on ${req.env.endpoint}`;
  if (res.status === 404) {
    const what = res.headers.get('x-error-code') === 'RevisionNotFound' ? 'revision' : 'repo';
    return new HubError('not-found', `Not found (404): no ${what} ${at}.`, url, 404);
  }
  if (res.status === 401 || res.status === 403) {
    const token = req.env.token ? 'HF_TOKEN is set but not allowed' : 'set HF_TOKEN to an access token';
    return new HubError(
      'unauthorized',
      `Access denied (${res.status}) to ${at}: the repo is private, gated or does not exist; ${token} (and accept its terms on the hub).`,
      url,
      res.status,
    );
  }
  return httpError(url, res.status, res.statusText, req.file);
}

/**
 * The commit and blob name of a file without downloading it: a HEAD on the resolve URL, following
 * only same-host redirects (the hub names commit and LFS sha256 on its redirect to the CDN).
 */
async function headFile(
  url: string,
  req: HubFileRequest,
): Promise<{ commit: string; etag: string; size: number } | { missing: true; commit: string | null }> {
  let at = url;
  for (let hops = 0; hops < 5; hops++) {
    const res = await request(at, { method: 'HEAD', redirect: 'manual' }, req);
    const commit = repoCommitOf(res);
    const etag = etagOf(res);
    const redirect = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
    // The hub names the commit on a missing file's 404 too (huggingface_hub records the absence).
    const code = res.headers.get('x-error-code');
    if (res.status === 404 && code !== 'RepoNotFound' && code !== 'RevisionNotFound')
      return { missing: true, commit };
    if (!redirect && !res.ok) throw failed(url, res, req);
    if (commit && etag) {
      const size = Number(res.headers.get('x-linked-size') ?? res.headers.get('content-length'));
      return { commit, etag, size: Number.isFinite(size) ? size : 0 };
    }
    const next = redirect ? new URL(redirect, at) : null;
    if (!next || next.host !== new URL(at).host) break;
    at = next.href;
  }
  throw new HubError(
    'http',
    `${req.env.endpoint} did not name the commit and ETag of ${req.file} in ${req.repo} (X-Repo-Commit, ETag): is HF_ENDPOINT a Hugging Face hub?`,
    url,
  );
}

/** Streams the file into `<blob>.incomplete`, then renames it: a broken download leaves no blob. */
async function downloadBlob(url: string, blob: string, total: number, req: HubFileRequest): Promise<void> {
  const res = await request(url, { method: 'GET', redirect: 'follow' }, req);
  if (!res.ok || !res.body) throw failed(url, res, req);
  const size = total || Number(res.headers.get('content-length')) || 0;
  const partial = `${blob}.incomplete`;
  await mkdir(dirname(blob), { recursive: true });
  let loaded = 0;
  const body = Readable.fromWeb(res.body as NodeReadableStream<Uint8Array>);
  body.on('data', (chunk: Uint8Array) => {
    loaded += chunk.byteLength;
    req.onProgress?.({ kind: 'download', file: req.file, from: 'network', loaded, total: size });
  });
  try {
    await pipeline(body, createWriteStream(partial));
  } catch (err) {
    await rm(partial, { force: true });
    if (req.signal?.aborted) throw abortError();
    throw new HubError(
      'unreachable',
      `The download of ${req.file} from ${hostOf(url)} broke off (${(err as Error).message}). Retry.`,
      url,
    );
  }
  if (size > 0 && loaded !== size) {
    await rm(partial, { force: true });
    throw new HubError(
      'unreachable',
      `The download of ${req.file} stopped at ${loaded} of ${size} bytes. Retry.`,
      url,
    );
  }
  await rename(partial, blob);
}

function notCached(req: HubFileRequest, why: string): HubError {
  return new HubError(
    'not-cached',
    `${req.repo}@${req.revision}: ${req.file} is not in the cache ${repoFolder(req.env.cacheDir, req.repo)} (${why}); unset HF_HUB_OFFLINE to download it.`,
    '',
  );
}

/**
 * One file of a hub repo, from the cache or downloaded into it. Returns null when the hub (or, offline,
 * the cache) says the file does not exist at that revision. A pinned commit already cached needs no
 * network; a branch is resolved to its commit on the hub first (the cache, offline).
 */
export async function hubFileToCache(req: HubFileRequest): Promise<HubFile | null> {
  const { cacheDir } = req.env;
  const fromCache = async (commit: string): Promise<HubFile | null | undefined> => {
    const hit = await cachedFile(cacheDir, req.repo, commit, req.file);
    if (hit === 'absent') return null;
    if (!hit) return undefined;
    const { size } = await stat(hit);
    req.onProgress?.({ kind: 'download', file: req.file, from: 'cache', loaded: size, total: size });
    return { path: hit, commit };
  };
  if (req.env.offline) {
    const commit = await cachedCommit(cacheDir, req.repo, req.revision);
    if (!commit) throw notCached(req, `no commit recorded for revision ${req.revision}`);
    const hit = await fromCache(commit);
    if (hit === undefined) throw notCached(req, `snapshot ${commit} lacks it`);
    return hit;
  }
  if (COMMIT_HASH.test(req.revision)) {
    const hit = await fromCache(req.revision);
    if (hit !== undefined) return hit;
  }
  const url = hubFileUrl(req.env.endpoint, req.repo, req.file, req.revision);
  const head = await headFile(url, req);
  if ('missing' in head) {
    // Remembered as huggingface_hub does, so an offline run knows not to look for it.
    if (head.commit) {
      await writeRef(cacheDir, req.repo, req.revision, head.commit);
      const marker = join(repoFolder(cacheDir, req.repo), '.no_exist', head.commit, ...req.file.split('/'));
      await mkdir(dirname(marker), { recursive: true });
      await writeFile(marker, '');
    }
    return null;
  }
  await writeRef(cacheDir, req.repo, req.revision, head.commit);
  const hit = await fromCache(head.commit);
  if (hit) return hit;
  const blob = join(repoFolder(cacheDir, req.repo), 'blobs', head.etag);
  if (!(await exists(blob)))
    await downloadBlob(hubFileUrl(req.env.endpoint, req.repo, req.file, head.commit), blob, head.size, req);
  else
    req.onProgress?.({
      kind: 'download',
      file: req.file,
      from: 'cache',
      loaded: head.size,
      total: head.size,
    });
  const pointer = snapshotPath(cacheDir, req.repo, head.commit, req.file);
  await linkSnapshot(blob, pointer);
  return { path: pointer, commit: head.commit };
}
