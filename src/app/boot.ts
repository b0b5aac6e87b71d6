/**
 * Start-up: read saved state, apply URL parameters, start the engine worker, and load a model when
 * one is named (?model=<folder URL>, ?repo=<hub repo>), kept, or the last one is in the cache.
 *   ?hub=<url>        hub base URL (mirrors)
 *   ?backend=webgpu|wasm|auto
 *   ?recipe=<url>     open a recipe (prompts, thresholds, references; offers to load its model)
 */

import type { BackendChoice } from '../../workers/protocol';
import { errorText } from '../core/errors';
import { normalizeHubUrl } from '../io/hub';
import { startupModel } from './model-loading/startup-model';
import { flushCalibration, startCalibration } from './services/calibration-service';
import { engineClient, refreshStats, releaseEngineOnPageHide, startEngine } from './services/engine-service';
import { prefetchStats } from './services/image-prefetch';
import {
  applyInspectionSetup,
  flushInspectionSetup,
  hydrateInspectionSetup,
} from './services/inspection-setup-service';
import { loadModel, unloadModel } from './services/model-service';
import { flushNow, hydrate, startAutosave } from './services/persistence';
import { importRecipeUrl } from './services/recipe-service';
import { restoreReferences } from './services/reference-service';
import { startRegionRule } from './services/region-rule-service';
import { flushSession, startSessionAutosave } from './services/session-autosave';
import { restoreActiveSession } from './services/session-service';
import { useCalib } from './state/calibration';
import { notify, patchSettings, useApp } from './state/store';

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
  // The model to open is found and its files read (Cache Storage, OPFS) meanwhile too; the worker gets
  // them once the page is up: the session restored, the engine started, a ?recipe= applied.
  let pageUp!: (go: boolean) => void;
  const ready = new Promise<boolean>((resolve) => {
    pageUp = resolve;
  });
  void startupModel(params, lastModel).then((source) => source && loadModel(source, { after: ready }));
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
  if (useApp.getState().engine.status === 'failed') return pageUp(false);

  const recipeUrl = params.get('recipe');
  // After the saved bank was restored, so the recipe's shots replace it rather than join it.
  if (recipeUrl) await importRecipeUrl(recipeUrl);
  pageUp(true);
}
