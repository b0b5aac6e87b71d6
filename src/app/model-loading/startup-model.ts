/**
 * The model a visit opens by itself: the one the URL names (?model=<folder URL>, ?repo=<hub repo>),
 * else local files kept in this browser, else the last model when it is in the cache.
 */
import { DEFAULT_REVISION } from '../../io/hub';
import { findHubManifest, openModelCache, readManifest, sourceId } from '../../io/model-cache';
import { hubSource, repoSource, urlSource } from '../services/model-actions';
import { notify } from '../state/store';
import type { ModelSource, PersistedModelSource } from '../state/types';
import { keptModelSource } from './kept-local-model';

async function isCached(source: PersistedModelSource): Promise<boolean> {
  const cache = await openModelCache();
  if (!cache) return false;
  const manifest =
    source.kind === 'hub'
      ? findHubManifest(cache, source.repo, source.revision ?? DEFAULT_REVISION)
      : readManifest(cache, sourceId({ kind: 'url', baseUrl: source.baseUrl }));
  // An unreadable cache is a cache without the model: the visit starts without one.
  return (await manifest.catch(() => null)) !== null;
}

export async function startupModel(
  params: URLSearchParams,
  lastModel: PersistedModelSource | null,
): Promise<ModelSource | null> {
  const modelUrl = params.get('model');
  if (modelUrl) {
    try {
      return urlSource(new URL(modelUrl, window.location.href).href);
    } catch {
      notify('error', `?model=${modelUrl} is not a URL`);
      return null;
    }
  }
  const repo = params.get('repo');
  if (repo) return repoSource(repo);
  // A model picked from disk on an earlier visit, kept in OPFS: no need to pick the files again.
  const kept = await keptModelSource();
  if (kept) return kept;
  if (lastModel && (await isCached(lastModel)))
    return lastModel.kind === 'hub' ? hubSource(lastModel.repo) : urlSource(lastModel.baseUrl);
  return null;
}
