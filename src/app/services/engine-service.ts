/**
 * Owns the engine worker client: starts onnxruntime-web in the worker, mirrors its state into the
 * store, and after a crash restores model, prompts and reference bank into the replacement worker.
 * `engineJobs` serialises every state-changing engine call from the UI thread, so a re-score never
 * interleaves with an image being scored against the previous prompts.
 */

import type { EngineCalls, StageProgress } from '../../../workers/protocol';
import { errorText } from '../../core/errors';
import { SerialQueue } from '../../core/serial-queue';
import { notify, patchEngine, useApp } from '../state/store';
import { WorkerClient } from '../worker-client/worker-client';
import { onFirstScore } from './first-score';

export const engineJobs = new SerialQueue();

let client: WorkerClient | null = null;
type RestoreHook = (reason: string) => Promise<void>;
let restoreHook: RestoreHook | null = null;

/** Where the app serves onnxruntime-web's wasm files (copied there at build time). */
function ortWasmPath(): string {
  return new URL(`${import.meta.env.BASE_URL}ort/`, window.location.href).href;
}

function onProgress(p: StageProgress): void {
  patchEngine({ activity: p });
}

export function engineClient(): WorkerClient {
  if (!client) throw new Error('The engine is not started');
  return client;
}

/** The engine worker's typed calls (cancellable ones take an AbortSignal first). */
export function engine(): EngineCalls {
  return engineClient().api;
}

/** Called by the model service: after a restart, reload what the dead worker held. */
export function setRestoreHook(hook: RestoreHook): void {
  restoreHook = hook;
}

/** `?threads=N` lowers the WASM threads (default: every core; fewer leaves cores to other work). */
export function threadLimit(): number | undefined {
  const n = Number(new URLSearchParams(globalThis.location?.search ?? '').get('threads'));
  return Number.isInteger(n) && n >= 1 ? n : undefined;
}

async function startRuntime(): Promise<void> {
  patchEngine({ error: null });
  const report = await engine().start({
    backend: useApp.getState().settings.backend,
    wasmPaths: ortWasmPath(),
    threads: threadLimit(),
  });
  patchEngine({ backend: report.backend, reason: report.reason });
}

/**
 * After a crash the requested backend may be gone (a GPU that was lost for good): the work goes on
 * on WASM, with the reason shown, rather than stopping.
 */
async function startRuntimeOrWasm(): Promise<void> {
  try {
    await startRuntime();
  } catch (err) {
    if (useApp.getState().settings.backend === 'wasm') throw err;
    const report = await engine().start({ backend: 'wasm', wasmPaths: ortWasmPath() });
    const reason = `falling back to WASM: the GPU could not be started again (${errorText(err)})`;
    patchEngine({ backend: report.backend, reason });
    notify('error', `The GPU could not be started again; continuing on WASM (${errorText(err)}).`);
  }
}

function onRestart(reason: string, gaveUp: boolean, requested: boolean): void {
  const restarts = client?.restarts ?? 0;
  if (gaveUp) {
    patchEngine({ status: 'failed', error: `The engine stopped: ${reason}. Reload the page.`, restarts });
    notify('error', `The engine stopped: ${reason}. Reload the page.`);
    return;
  }
  patchEngine({ status: 'restoring', restarts, error: null });
  // A restart the user asked for (cancel, backend switch) is not news; a crash is.
  if (requested) notify('info', `Restarting the engine: ${reason}.`);
  else notify('error', `The engine restarted (${reason}); restoring model, prompts and reference bank.`);
  void (async () => {
    try {
      await startRuntimeOrWasm();
      await restoreHook?.(reason);
      patchEngine({ status: 'ready' });
    } catch (err) {
      patchEngine({ status: 'failed', error: errorText(err) });
    }
  })();
}

export async function startEngine(): Promise<void> {
  client?.dispose();
  client = new WorkerClient({
    createWorker: () =>
      new Worker(new URL('../../../workers/engine.worker.ts', import.meta.url), {
        type: 'module',
        name: 'winclip-engine',
      }),
    onRestart,
    onProgress,
    onFirstScore,
  });
  try {
    await startRuntime();
    patchEngine({ status: 'ready' });
  } catch (err) {
    const message = errorText(err);
    patchEngine({ status: 'failed', error: message });
    notify('error', `The inference engine could not start: ${message}`);
  }
}

/**
 * A page in the back/forward cache keeps its worker, and with it the model's memory, while nobody
 * can see it: end the worker when the page is hidden that way, and restore into a fresh one when it
 * is shown again. (A page that is closed frees its worker anyway.)
 */
export function releaseEngineOnPageHide(): void {
  window.addEventListener('pagehide', (e) => {
    if (e.persisted) client?.suspend('the page was put in the back/forward cache');
  });
  window.addEventListener('pageshow', (e) => {
    if (e.persisted) client?.resume('the page was shown again');
  });
}

/** Switches backend: a fresh worker with the new backend, then the usual restore. */
export function restartEngine(reason: string): void {
  engineClient().restart(reason, true);
}

export async function refreshStats(): Promise<void> {
  if (!client || useApp.getState().engine.status === 'failed') return;
  try {
    const stats = await client.api.stats();
    patchEngine({ stats });
  } catch {
    // Stats are informative only.
  }
}
