/** Loading a model end to end: files (cache, hub, folder URL or local) → worker → prompts, bank, images. */
import * as Comlink from 'comlink';
import { errorText, isAbortError } from '../../core/errors';
import { fetchModelFiles, modelTransferables } from '../../io/model-fetch';
import { forgetKeptChoice, isKept, keepLocalModel } from '../model-loading/kept-local-model';
import {
  initialModelState,
  notify,
  patchEngine,
  patchModel,
  patchPromptStatus,
  useApp,
} from '../state/store';
import type { DownloadProgress, ModelSource, PersistedModelSource } from '../state/types';
import { EngineRestartedError } from '../worker-client/worker-client';
import { engine, engineJobs, refreshStats, setRestoreHook } from './engine-service';
import { requeueAll } from './inspection-service';
import { markModelGone, markModelLoaded } from './model-presence';
import { saveLastModel } from './persistence';
import { applyPrompts } from './prompt-service';
import { encodeAllReferences } from './reference-service';
import { adoptStoredImages } from './session-service';

let current: AbortController | null = null;

/** A step of a model load on the page's timeline (`performance.getEntriesByType('mark')`). */
function mark(step: string): void {
  performance.mark(`winclip:${step}`);
}

function throttled(fn: (p: DownloadProgress) => void, ms = 80) {
  let last = 0;
  return (p: DownloadProgress) => {
    const now = performance.now();
    if (now - last >= ms || (p.total > 0 && p.loaded >= p.total)) {
      last = now;
      fn(p);
    }
  };
}

function messageOf(err: unknown): string {
  if (err instanceof EngineRestartedError) {
    return `The engine crashed while building the model (often: not enough memory for this model). ${err.message}`;
  }
  return errorText(err);
}

function persistable(source: ModelSource): PersistedModelSource | null {
  if (source.kind === 'hub')
    return {
      kind: 'hub',
      repo: source.repo,
      label: source.label,
      ...(source.revision ? { revision: source.revision } : {}),
    };
  if (source.kind === 'url') return { kind: 'url', baseUrl: source.baseUrl, label: source.label };
  return null;
}

export interface LoadOptions {
  /** After a worker restart: images keep the results they have. */
  restoring?: boolean;
  /** At start-up: the files are read at once, handed to the worker when this says go (false: the load ends). */
  after?: Promise<boolean>;
}

/** Loads a model; a second call cancels the first. Resolves true when the model is ready. */
export async function loadModel(source: ModelSource, opts: LoadOptions = {}): Promise<boolean> {
  current?.abort();
  markModelGone();
  const abort = new AbortController();
  current = abort;
  const { signal } = abort;
  const t0 = performance.now();
  patchModel({ ...initialModelState, phase: 'fetching', source });
  patchPromptStatus({ applied: false });
  mark('model-load');
  try {
    const { hubUrl, tokenizerRepo } = useApp.getState().settings;
    const fetched = await fetchModelFiles(source, {
      hubUrl,
      tokenizerRepo,
      signal,
      onProgress: throttled((progress) => {
        if (!signal.aborted) patchModel({ progress });
      }),
    });
    const { files } = fetched;
    mark('model-files');
    if (opts.after && !(await opts.after)) {
      if (current === abort) patchModel({ ...initialModelState });
      return false;
    }
    signal.throwIfAborted();
    patchModel({
      phase: 'building',
      fromCache: fetched.fromCache,
      cacheWarning: fetched.cacheWarning,
      // Before the bytes are transferred to the worker (which takes the weights fingerprint).
      weightsBytes: files.weightsOnDisk
        ? files.weightsOnDisk.file.size
        : files.weightParts?.length
          ? files.weightParts.reduce((n, p) => n + p.byteLength, 0)
          : files.weights.length,
    });
    const loaded = await engineJobs.run(() =>
      engine().loadModel(signal, Comlink.transfer(files, modelTransferables(files))),
    );
    markModelLoaded();
    mark('model-built');
    const backendBefore = useApp.getState().engine.backend;
    patchEngine({ backend: loaded.backend, reason: loaded.reason });
    // The worker switched to WASM when the GPU could not hold the model: say so, with the reason.
    if (loaded.backend !== backendBefore && loaded.backend === 'wasm')
      notify('error', `The model runs on WASM: ${loaded.reason}.`);
    patchModel({
      phase: 'ready',
      info: loaded.info,
      weightsFingerprint: loaded.weightsFingerprint,
      identity: loaded.modelId,
      loadMs: performance.now() - t0,
      progress: null,
    });
    const persisted = persistable(source);
    if (persisted) void saveLastModel(persisted).then(forgetKeptChoice);
    else if (source.kind === 'local' && !isKept(source)) {
      keepLocalModel(source).catch((err) =>
        notify('info', `The local model could not be kept for the next visit (${errorText(err)}).`),
      );
    }
    if (fetched.cacheWarning) notify('info', fetched.cacheWarning);
    if (!(await applyPrompts())) {
      notify('error', `Images wait until the prompts are fixed: ${useApp.getState().promptStatus.error}`);
    }
    mark('prompts');
    // Every image is scored again right after (or kept, when its stored result came from this model).
    await encodeAllReferences({ rescore: false });
    mark('references');
    requeueAll({ keepResults: opts.restoring === true, ...(await adoptStoredImages()) });
    mark('requeued');
    void refreshStats();
    return true;
  } catch (err) {
    if (signal.aborted || isAbortError(err)) {
      if (current === abort) patchModel({ phase: 'cancelled', progress: null, error: null });
      return false;
    }
    const message = messageOf(err);
    patchModel({ phase: 'error', progress: null, error: message });
    notify('error', message);
    return false;
  } finally {
    if (current === abort) current = null;
  }
}

/** Releases the loaded model in the worker (sessions and weights); images keep the scores they have. */
export async function unloadModel(): Promise<void> {
  current?.abort();
  markModelGone();
  await engineJobs.run(() => engine().unloadModel());
  patchModel({ ...initialModelState });
  patchPromptStatus({ applied: false });
  void refreshStats();
}

export function cancelModelLoad(): void {
  current?.abort();
}

/** After a worker restart: reload the model that was ready (from the cache or the same local files). */
setRestoreHook(async () => {
  const { model } = useApp.getState();
  if (model.phase === 'ready' && model.source) await loadModel(model.source, { restoring: true });
});
