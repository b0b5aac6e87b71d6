/**
 * Start-up: read saved state, apply URL parameters, start the engine worker, then load a model when
 * one is named (?model=<folder URL>, ?repo=<hub repo>) or the last one is in the cache.
 *   ?hub=<url>        hub base URL (mirrors)
 *   ?backend=webgpu|wasm|auto
 *   ?recipe=<url>     open a recipe (prompts, thresholds, references; offers to load its model)
 */

import type { BackendChoice } from '../../workers/protocol';
import { errorText } from '../core/errors';
import { DEFAULT_REVISION, normalizeHubUrl } from '../io/hub';
import { findHubManifest, openModelCache, readManifest, sourceId } from '../io/model-cache';
import { keptModelSource } from './model-loading/kept-local-model';
import { flushCalibration, startCalibration } from './services/calibration-service';
import { engineClient, refreshStats, releaseEngineOnPageHide, startEngine } from './services/engine-service';
import { prefetchStats } from './services/image-prefetch';
import {
  applyInspectionSetup,
  flushInspectionSetup,
  hydrateInspectionSetup,
} from './services/inspection-setup-service';
import { hubSource, loadRepo, urlSource } from './services/model-actions';
import { loadModel, unloadModel } from './services/model-service';
import { flushNow, hydrate, startAutosave } from './services/persistence';
import { importRecipeUrl } from './services/recipe-service';
import { restoreReferences } from './services/reference-service';
import { startRegionRule } from './services/region-rule-service';
import { flushSession, startSessionAutosave } from './services/session-autosave';
import { restoreActiveSession } from './services/session-service';
import { useCalib } from './state/calibration';
import { notify, patchSettings, useApp } from './state/store';
import type { PersistedModelSource } from './state/types';

function applyUrlParams(params: URLSearchParams): void {
  const hub = params.get('hub');
  if (hub) {
    try {
      patchSettings({ hubUrl: normalizeHubUrl(hub) });
    } catch (err) {
      notify('error', `Ignoring ?hub: ${errorText(err)}`);
    }
  }
  const backend = params.get('backend');
  if (backend) {
    if (backend === 'webgpu' || backend === 'wasm' || backend === 'auto')
      patchSettings({ backend: backend as BackendChoice });
    else notify('error', `Ignoring ?backend=${backend} (use webgpu, wasm or auto)`);
  }
}

async function isCached(source: PersistedModelSource): Promise<boolean> {
  const cache = await openModelCache();
  if (!cache) return false;
  if (source.kind === 'hub')
    return (await findHubManifest(cache, source.repo, source.revision ?? DEFAULT_REVISION)) !== null;
  return (await readManifest(cache, sourceId({ kind: 'url', baseUrl: source.baseUrl }))) !== null;
}

/** Writes every debounced save now: settings, the session's gallery, thresholds and marks. */
function flushAll(): Promise<void> {
  return Promise.all([flushNow(), flushSession(), flushCalibration(), flushInspectionSetup()]).then(
    () => undefined,
  );
}

/**
 * A change made just before the page goes (a reload, a closed tab) is still in a debounce timer:
 * write it as the page is hidden, or the next visit silently lacks it.
 */
function flushOnPageHide(): void {
  window.addEventListener('pagehide', () => void flushAll());
}

/** Handles for tests and power users, e.g. `winclip.stats()` in the console. */
function debugHandle() {
  return {
    stats: () => engineClient().api.stats(),
    state: () => useApp.getState(),
    calibration: () => useCalib.getState(),
    simulateCrash: () => engineClient().simulateCrash(),
    loseGpuDevice: () => engineClient().debugLoseGpuDevice(),
    failNextGpuSession: (message: string) => engineClient().debugFailNextGpuSession(message),
    unloadModel,
    flush: flushAll,
    featureMemory: () => engineClient().api.featureMemory(),
    /** The worker's lot: size, pairs computed, images encoded, tokens read from storage. */
    lotStats: () => engineClient().api.lotStats(),
    prefetchStats,
    refreshStats,
    /** Applies an inspection region and don't-care areas as the editor's Apply does. */
    applyInspectionSetup,
  };
}

/** What `window.winclip` holds (e2e/support/debug-handle.ts reads it typed). */
export type DebugHandle = ReturnType<typeof debugHandle>;

function exposeDebugHandle(): void {
  (window as unknown as { winclip: DebugHandle }).winclip = debugHandle();
}

export async function boot(): Promise<void> {
  const { references, lastModel } = await hydrate();
  // The backend setting (stored, then the URL's) is all the engine needs to start.
  const params = new URLSearchParams(window.location.search);
  applyUrlParams(params);
  // The worker starts now and its runtime starts its backend (the WASM module compiled and
  // instantiated, its threads spawned): after a reload that is most of the wait for a ready model,
  // so it runs while the session, the inspection setup and the thresholds are read from storage.
  performance.mark('winclip:engine-start');
  const engineStarted = startEngine().then(() => performance.mark('winclip:engine-started'));
  await hydrateInspectionSetup();
  // The gallery shows from storage before the engine or a model is up.
  await restoreActiveSession();
  useApp.setState({ hydrated: true });
  startAutosave();
  startSessionAutosave();
  await startCalibration();
  startRegionRule();
  flushOnPageHide();
  exposeDebugHandle();
  void restoreReferences(references);
  await engineStarted;
  releaseEngineOnPageHide();
  if (useApp.getState().engine.status === 'failed') return;

  const recipeUrl = params.get('recipe');
  // After the saved bank was restored, so the recipe's shots replace it rather than join it.
  if (recipeUrl) await importRecipeUrl(recipeUrl);
  const modelUrl = params.get('model');
  const repo = params.get('repo');
  if (modelUrl) {
    try {
      const u = new URL(modelUrl, window.location.href);
      void loadModel(urlSource(u.href));
    } catch {
      notify('error', `?model=${modelUrl} is not a URL`);
    }
  } else if (repo) {
    loadRepo(repo);
  } else if (await keptModelSource()) {
    // A model picked from disk on an earlier visit, kept in OPFS: no need to pick the files again.
    const kept = await keptModelSource();
    if (kept) void loadModel(kept);
  } else if (lastModel && (await isCached(lastModel))) {
    void loadModel(lastModel.kind === 'hub' ? hubSource(lastModel.repo) : urlSource(lastModel.baseUrl));
  }
}
