/**
 * The model loader's transport in Node, as huggingface_hub asks the hub: HF_TOKEN as a bearer token,
 * uncompressed bodies (exact sizes), and a HEAD per file for its commit and blob name (the LFS sha256
 * the hub names on its redirect to the CDN) before the body is fetched. Failures name HF_ENDPOINT and
 * HF_TOKEN, the variables that change them.
 */
import { abortError } from '../core/errors';
import { etagOf, HubError, hostOf, httpError, hubFileUrl, repoCommitOf } from './hub';
import { type HubEnv, repoFolder } from './hub-cache-node';
import type { MissingFile, ModelRemote, RemoteFile } from './model-remote';

interface Asked {
  repo: string;
  revision: string;
  file: string;
  env: HubEnv;
  signal?: AbortSignal;
}

type Head = { commit: string; etag: string; size: number } | MissingFile;

async function request(url: string, init: RequestInit, req: Asked): Promise<Response> {
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

function failed(url: string, res: Response, req: Asked): HubError {
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
async function headFile(url: string, req: Asked): Promise<Head> {
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

/**
 * The Node transport for one load. The HEAD that resolves a branch also answers for the config at
 * that commit, so resolving costs no extra request.
 */
export function nodeRemote(env: HubEnv): ModelRemote {
  const heads = new Map<string, Head>();
  const keyOf = (repo: string, commit: string, file: string) => `${repo}\n${commit}\n${file}`;
  return {
    async resolve(repo, revision, file, signal) {
      const url = hubFileUrl(env.endpoint, repo, file, revision);
      const head = await headFile(url, { repo, revision, file, env, signal });
      if (head.commit) heads.set(keyOf(repo, head.commit, file), head);
      return head.commit;
    },
    async file(url, at, signal): Promise<RemoteFile | MissingFile> {
      if (at.kind !== 'hub') throw new Error(`The CLI loads hub models, not ${at.url}.`);
      const asked = { repo: at.repo, revision: at.revision, file: at.file, env, signal };
      const head = heads.get(keyOf(at.repo, at.revision, at.file)) ?? (await headFile(url, asked));
      if ('missing' in head) return head;
      const get = hubFileUrl(env.endpoint, at.repo, at.file, head.commit);
      return {
        ...head,
        async open() {
          const res = await request(get, { method: 'GET', redirect: 'follow' }, asked);
          if (!res.ok || !res.body) throw failed(get, res, asked);
          return res;
        },
      };
    },
    missingError(_url, at, asked, offline) {
      if (at.kind !== 'hub') return new HubError('not-found', `Not found (404): ${at.url}.`, at.url, 404);
      const message = offline
        ? `${at.repo}@${at.revision} has no ${at.file} in the cache ${repoFolder(env.cacheDir, at.repo)}.`
        : `Not found (404): ${at.repo}@${asked} on ${env.endpoint} has no ${at.file} (not an OpenCLIP model?).`;
      return new HubError('not-found', message, '', 404);
    },
    offlineHint: 'unset HF_HUB_OFFLINE to download it',
  };
}
