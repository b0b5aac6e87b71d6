/**
 * A hub model in the Hugging Face cache (Node): the model loader (model-loader.ts) on the disk store
 * (hub-cache-node.ts) and Node's transport (hub-remote-node.ts), as the environment huggingface_hub
 * reads says (HF_ENDPOINT, HF_HUB_CACHE, HF_HUB_OFFLINE, HF_TOKEN). Returns where the files are.
 */
import { DEFAULT_TOKENIZER_REPO, type DownloadProgress } from './hub';
import { type HubEnv, hfCacheStore } from './hub-cache-node';
import { nodeRemote } from './hub-remote-node';
import type { ModelPaths } from './model-dir-node';
import { loadRemoteModel } from './model-loader';

export interface HubModelRequest {
  repo: string;
  revision: string;
  env: HubEnv;
  tokenizerRepo?: string;
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
}

export async function hubModelPaths(req: HubModelRequest): Promise<ModelPaths & { commit: string }> {
  const { env } = req;
  const loaded = await loadRemoteModel(
    { kind: 'hub', repo: req.repo, label: req.repo, revision: req.revision },
    {
      store: hfCacheStore(env.cacheDir),
      remote: nodeRemote(env),
      hubUrl: env.endpoint,
      tokenizerRepo: req.tokenizerRepo ?? DEFAULT_TOKENIZER_REPO,
      offline: env.offline ? 'always' : 'when-unreachable',
      signal: req.signal,
      onProgress: req.onProgress ?? (() => undefined),
    },
  );
  const { config, tokenizer, weights } = loaded.stored;
  // The disk store keeps every file or fails the load (mustKeep), and the hub always names the commit.
  if (!config?.path || !tokenizer?.path || !weights?.path || !loaded.commit)
    throw new Error(`internal: ${req.repo} loaded without its files in ${env.cacheDir}`);
  return { config: config.path, tokenizer: tokenizer.path, weights: weights.path, commit: loaded.commit };
}
