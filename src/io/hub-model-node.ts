/**
 * A hub model's three files in the Hugging Face cache (Node): the config first (a wrong repo fails
 * before the weights download), the tokenizer from the repo or, when it has none, the shared CLIP one,
 * then the weights. All files come from the one commit the revision resolved to.
 */
import { CONFIG_FILE, TOKENIZER_FILE, WEIGHTS_FILE } from '../model/file-names';
import { DEFAULT_REVISION, DEFAULT_TOKENIZER_REPO, type DownloadProgress, HubError } from './hub';
import { type HubEnv, hubFileToCache, repoFolder } from './hub-cache-node';
import type { ModelPaths } from './model-dir-node';

export interface HubModelRequest {
  repo: string;
  revision: string;
  env: HubEnv;
  tokenizerRepo?: string;
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
}

export async function hubModelPaths(req: HubModelRequest): Promise<ModelPaths & { commit: string }> {
  const base = { env: req.env, signal: req.signal, onProgress: req.onProgress };
  const missing = (file: string, commit?: string) =>
    new HubError(
      'not-found',
      req.env.offline
        ? `${req.repo}@${commit ?? req.revision} has no ${file} in the cache ${repoFolder(req.env.cacheDir, req.repo)}.`
        : `Not found (404): ${req.repo}@${req.revision} on ${req.env.endpoint} has no ${file} (not an OpenCLIP model?).`,
      '',
      404,
    );
  const config = await hubFileToCache({ ...base, repo: req.repo, revision: req.revision, file: CONFIG_FILE });
  if (!config) throw missing(CONFIG_FILE);
  // The rest from the commit the config came from, so a branch moving meanwhile cannot mix two commits.
  const { commit } = config;
  const own = await hubFileToCache({ ...base, repo: req.repo, revision: commit, file: TOKENIZER_FILE }).catch(
    (err) => {
      // A cache filled by Python holds only the files asked for: offline, a missing one means "use the shared".
      if (err instanceof HubError && err.kind === 'not-cached') return null;
      throw err;
    },
  );
  const shared = req.tokenizerRepo ?? DEFAULT_TOKENIZER_REPO;
  const tokenizer =
    own ??
    (await hubFileToCache({ ...base, repo: shared, revision: DEFAULT_REVISION, file: TOKENIZER_FILE }));
  if (!tokenizer) throw missing(TOKENIZER_FILE, commit);
  const weights = await hubFileToCache({ ...base, repo: req.repo, revision: commit, file: WEIGHTS_FILE });
  if (!weights) throw missing(WEIGHTS_FILE, commit);
  return { config: config.path, tokenizer: tokenizer.path, weights: weights.path, commit };
}
