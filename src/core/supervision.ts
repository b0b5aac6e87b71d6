/**
 * Decisions of engine supervision, as pure functions (tested in Node): when a replaced worker is one
 * restart too many, when a failed GPU model load retries on WASM, and what a failure is reported as
 * once the GPU device is lost. The worker (workers/supervision.ts) and the UI's worker client apply them.
 */
import { EngineFatalError, errorText, isAbortError, isOutOfMemoryError } from './errors';

/** More restarts than this within RESTART_WINDOW_MS and the engine gives up (the page must be reloaded). */
export const MAX_RESTARTS = 3;
export const RESTART_WINDOW_MS = 60_000;

/** Counts worker restarts in a sliding window; a crash loop gives up instead of spinning forever. */
export class RestartBudget {
  private times: number[] = [];

  constructor(
    readonly maxRestarts = MAX_RESTARTS,
    readonly windowMs = RESTART_WINDOW_MS,
  ) {}

  /** Records a restart at `now` (ms): 'restart' while within the budget, else 'give-up'. */
  record(now: number): 'restart' | 'give-up' {
    this.times = this.times.filter((t) => now - t < this.windowMs);
    this.times.push(now);
    return this.times.length > this.maxRestarts ? 'give-up' : 'restart';
  }

  /** Restarts counted in the window ending at `now`. */
  recent(now: number): number {
    return this.times.filter((t) => now - t < this.windowMs).length;
  }
}

/**
 * The reason to retry a failed model creation on WASM, or null to let the failure stand: only an
 * out-of-memory failure (`classified`, as workers/errors.ts sorts it) on WebGPU falls back.
 */
export function wasmFallbackReason(backend: string, classified: unknown, original: unknown): string | null {
  if (backend !== 'webgpu' || !isOutOfMemoryError(classified)) return null;
  return `falling back to WASM: the GPU ran out of memory while creating the model (${errorText(original)})`;
}

/**
 * After a device loss every GPU call fails in its own way: the failure is reported as the loss (fatal,
 * so the worker is replaced), not as its symptom. Null when the device is fine or the call was cancelled.
 */
export function deviceLossFailure(err: unknown, deviceLost: string | null, what: string): Error | null {
  if (deviceLost === null || isAbortError(err)) return null;
  return new EngineFatalError(`The GPU device was lost while ${what} (${deviceLost})`);
}
