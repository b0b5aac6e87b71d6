/**
 * Hugging Face hub access: URL layout, streaming downloads with progress that also write to the model
 * cache, and failures sorted into messages a user can act on (offline, 404, gated, CORS, …).
 */
import { abortError } from '../core/errors';
import { type ReadStreamOptions, type ReadStreamResult, readStream, StreamReadError } from './read-stream';

export const DEFAULT_HUB_URL = 'https://huggingface.co';
/** OpenCLIP repos on the hub often lack tokenizer.json; every CLIP model shares this one. */
export const DEFAULT_TOKENIZER_REPO = 'openai/clip-vit-base-patch32';

export type HubErrorKind =
  | 'offline'
  | 'not-found'
  | 'unauthorized'
  | 'cors'
  | 'unreachable'
  | 'http'
  | 'not-cached';

/** Bytes of one model file arriving, from the cache, the network or a local file; 0 total = unknown. */
export interface DownloadProgress {
  kind: 'download';
  file: string;
  from: 'cache' | 'network' | 'local';
  loaded: number;
  total: number;
}

export class HubError extends Error {
  override name = 'HubError';
  constructor(
    readonly kind: HubErrorKind,
    message: string,
    readonly url: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Validates and normalises a hub base URL (no trailing slash). */
export function normalizeHubUrl(input: string): string {
  const trimmed = input.trim().replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new Error(`"${input}" is not a URL (expected e.g. ${DEFAULT_HUB_URL})`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error(`The hub URL must use http(s): ${input}`);
  return trimmed;
}

const REPO_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

export function isRepoId(value: string): boolean {
  return REPO_ID.test(value.trim());
}

export const DEFAULT_REVISION = 'main';
/** A full commit id: a revision that cannot move. */
export const COMMIT_HASH = /^[0-9a-f]{40}$/;

/** A hub model reference `owner/name[@revision]`, or null when `value` is not one. */
export function parseHubRef(value: string): { repo: string; revision: string } | null {
  const at = value.indexOf('@');
  const repo = (at < 0 ? value : value.slice(0, at)).trim();
  const revision = at < 0 ? DEFAULT_REVISION : value.slice(at + 1).trim();
  return isRepoId(repo) && revision !== '' ? { repo, revision } : null;
}

/**
 * The hub's file URL. The revision is escaped whole (a branch "refs/pr/1" becomes "refs%2Fpr%2F1") and
 * the path segment by segment, as huggingface_hub's `hf_hub_url` quotes them.
 */
export function hubFileUrl(hub: string, repo: string, file: string, revision = DEFAULT_REVISION): string {
  const path = (p: string) => p.split('/').map(encodeURIComponent).join('/');
  return `${hub.replace(/\/+$/, '')}/${path(repo)}/resolve/${encodeURIComponent(revision)}/${path(file)}`;
}

/** The commit a hub response was served from (huggingface_hub reads the same header). */
export function repoCommitOf(res: Response): string | null {
  const commit = res.headers.get('x-repo-commit')?.trim();
  return commit || null;
}

/**
 * A file's ETag as huggingface_hub names its blob: X-Linked-Etag (the LFS sha256, set on the hub's
 * redirect) before ETag, without the weak marker and quotes.
 */
export function etagOf(res: Response): string | null {
  const raw = res.headers.get('x-linked-etag') ?? res.headers.get('etag');
  const tag = raw?.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
  return tag || null;
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * Tells a CORS refusal from an unreachable server: a no-cors request to the same URL succeeds (opaque)
 * when the server answers but does not allow this origin.
 */
async function diagnoseFetchFailure(url: string, signal?: AbortSignal): Promise<HubError> {
  const host = hostOf(url);
  if (typeof navigator !== 'undefined' && navigator.onLine === false) {
    return new HubError(
      'offline',
      `You are offline: cannot reach ${host}. Load a cached model or local files.`,
      url,
    );
  }
  try {
    await fetch(url, { mode: 'no-cors', signal, cache: 'no-store' });
    return new HubError(
      'cors',
      `${host} answered but does not allow this page to read ${url} (CORS). A mirror must send Access-Control-Allow-Origin.`,
      url,
    );
  } catch {
    return new HubError(
      'unreachable',
      `Cannot reach ${host} (network down, server stopped or blocked). Check the hub URL or load local files.`,
      url,
    );
  }
}

/** A non-2xx answer as a HubError; `authHint` is appended to 401/403 (e.g. how to give a token). */
export function httpError(
  url: string,
  status: number,
  statusText: string,
  file: string,
  authHint = 'Download the files and load them locally.',
): HubError {
  if (status === 404) {
    return new HubError(
      'not-found',
      `Not found (404): ${file} at ${url}. Check the repo id and hub URL.`,
      url,
      status,
    );
  }
  if (status === 401 || status === 403) {
    return new HubError(
      'unauthorized',
      `Access denied (${status}) to ${url}: the repo is private or gated. ${authHint}`,
      url,
      status,
    );
  }
  return new HubError('http', `The server answered ${status} ${statusText} for ${url}.`, url, status);
}

/** GETs a file, turning every failure into a HubError. */
export async function openUrl(url: string, file: string, signal?: AbortSignal): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { signal, mode: 'cors', credentials: 'omit' });
  } catch {
    if (signal?.aborted) throw abortError();
    throw await diagnoseFetchFailure(url, signal);
  }
  if (!res.ok) throw httpError(url, res.status, res.statusText, file);
  return res;
}

/**
 * The commit a branch or tag points at now, from the hub's X-Repo-Commit on a HEAD of `file` (null when
 * the server does not name it, e.g. a plain mirror). Failures are HubErrors, as for `openUrl`.
 */
export async function resolveRevision(
  hub: string,
  repo: string,
  revision: string,
  file: string,
  signal?: AbortSignal,
): Promise<string | null> {
  if (COMMIT_HASH.test(revision)) return revision;
  const url = hubFileUrl(hub, repo, file, revision);
  let res: Response;
  try {
    res = await fetch(url, { method: 'HEAD', signal, mode: 'cors', credentials: 'omit', cache: 'no-store' });
  } catch {
    if (signal?.aborted) throw abortError();
    throw await diagnoseFetchFailure(url, signal);
  }
  if (!res.ok) throw httpError(url, res.status, res.statusText, file);
  const commit = repoCommitOf(res);
  return commit && COMMIT_HASH.test(commit) ? commit : null;
}

export function contentLength(res: Response): number {
  // A compressed body's Content-Length is not the decoded size; the reader grows its buffer if needed.
  const n = Number(res.headers.get('content-length'));
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/**
 * Reads a download body into memory (optionally teeing it into the cache). A broken stream is a
 * download failure here; cancellation, out-of-memory and what `inspect` throws pass unchanged.
 */
export async function readDownload(
  body: ReadableStream<Uint8Array>,
  url: string,
  opts: ReadStreamOptions,
): Promise<ReadStreamResult> {
  try {
    return await readStream(body, opts);
  } catch (err) {
    if (err instanceof StreamReadError) {
      throw new HubError(
        'unreachable',
        `The download of ${opts.what} broke off (${err.reason}). Retry.`,
        url,
      );
    }
    throw err;
  }
}
