/**
 * UI-thread handle on the engine worker. Adds what comlink lacks: typed calls that take an AbortSignal
 * (request ids are made here, never by callers), detection of a dead worker (heartbeat, uncaught errors,
 * fatal engine errors) and a restart hook so the caller can restore model, prompts and reference bank
 * into the fresh worker.
 */
import * as Comlink from 'comlink';
import {
  CANCELLABLE_CALLS,
  type EngineCalls,
  type EngineFault,
  type EngineWorkerApi,
  type FirstScoreListener,
  HARD_CANCEL_CALLS,
  PLAIN_CALLS,
  type ProgressListener,
} from '../../../workers/protocol';
import { abortError, isEngineFatalError } from '../../core/errors';
import { RestartBudget } from '../../core/supervision';

type EngineApi = Comlink.Remote<EngineWorkerApi>;

export class EngineRestartedError extends Error {
  override name = 'EngineRestartedError';
}

export interface WorkerClientOptions {
  createWorker: () => Worker;
  /**
   * Called after a replacement worker was spawned (restore state into it), or with `gaveUp` when not.
   * `requested` is true when the caller asked for it (cancel, backend switch), false after a failure.
   */
  onRestart: (reason: string, gaveUp: boolean, requested: boolean) => void;
  onProgress?: ProgressListener;
  /** An image's score before its map (see FirstScoreEvent in the protocol). */
  onFirstScore?: FirstScoreListener;
  /**
   * Heartbeat period, and the answer time allowed: before the worker's first answer (it is starting),
   * when idle after that, and while a call runs (a long run blocks pings).
   */
  heartbeatMs?: number;
  startTimeoutMs?: number;
  idleTimeoutMs?: number;
  busyTimeoutMs?: number;
}

interface Pending {
  reject: (err: Error) => void;
}

let requestCounter = 0;
function nextRequestId(): string {
  requestCounter += 1;
  return `r${requestCounter}`;
}

/** A listener passed with a call travels as a proxy (functions cannot be cloned to the worker). */
function callable(arg: unknown): unknown {
  return typeof arg === 'function' ? Comlink.proxy(arg as (...a: unknown[]) => unknown) : arg;
}

export class WorkerClient {
  private worker!: Worker;
  private remote!: EngineApi;
  private generation = 0;
  private readonly pending = new Set<Pending>();
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private pingSentAt: number | null = null;
  /** The current worker has answered a ping: it has started. */
  private answered = false;
  private lastBeatAt = 0;
  private readonly restartBudget = new RestartBudget();
  private disposed = false;
  private suspended = false;
  readonly heartbeatMs: number;
  readonly startTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly busyTimeoutMs: number;
  /**
   * The engine's calls, generated from the protocol's lists: `api.rescore(signal, keys)`.
   * Cancellable calls take an AbortSignal (or undefined) first; every call fails with
   * EngineRestartedError when the worker is replaced while it waits.
   */
  readonly api: EngineCalls = this.bindCalls();

  constructor(private readonly opts: WorkerClientOptions) {
    this.heartbeatMs = opts.heartbeatMs ?? 1000;
    // A worker that is starting (evaluating onnxruntime's script, compiling its WASM) on a CPU shared
    // with other jobs took over 4 s to answer: 20 s, so healthy ones are not replaced in a loop on a
    // loaded machine. Once started, an idle worker answers within milliseconds, so one that has gone
    // (a crash may end it without an error event) is found in 5 s.
    this.startTimeoutMs = opts.startTimeoutMs ?? 20_000;
    this.idleTimeoutMs = opts.idleTimeoutMs ?? 5_000;
    this.busyTimeoutMs = opts.busyTimeoutMs ?? 180_000;
    this.spawn();
  }

  /** The number of restarts so far (for the status bar and tests). */
  get restarts(): number {
    return this.generation;
  }

  private spawn(): void {
    this.worker = this.opts.createWorker();
    this.remote = Comlink.wrap<EngineWorkerApi>(this.worker);
    const gen = this.generation;
    // An uncaught error in the worker means onnxruntime failed outside any call: probe at once.
    this.worker.addEventListener('error', (e) => {
      console.warn('engine worker error', e.message);
      if (gen === this.generation) this.pingSentAt = Math.min(this.pingSentAt ?? Date.now(), Date.now());
    });
    if (this.opts.onProgress) void this.remote.setProgressListener(Comlink.proxy(this.opts.onProgress));
    // A lost GPU device is reported as it happens: replace the worker rather than wait on a dead run.
    void this.remote
      .setFaultListener(
        Comlink.proxy((f: EngineFault) => {
          if (gen === this.generation) this.restart(f.message);
        }),
      )
      .catch(() => undefined);
    if (this.opts.onFirstScore) void this.remote.setFirstScoreListener(Comlink.proxy(this.opts.onFirstScore));
    this.pingSentAt = null;
    this.answered = false;
    this.lastBeatAt = Date.now();
    if (!this.heartbeat) this.heartbeat = setInterval(() => this.beat(), this.heartbeatMs);
  }

  private beat(): void {
    if (this.disposed) return;
    const now = Date.now();
    // A beat that comes late means this page could not listen (a long task, a throttled tab): the
    // answer may be waiting behind it, so that time is not held against the worker.
    const stalled = now - this.lastBeatAt - 2 * this.heartbeatMs;
    this.lastBeatAt = now;
    if (this.pingSentAt !== null) {
      if (stalled > 0) this.pingSentAt += stalled;
      const limit =
        this.pending.size > 0 ? this.busyTimeoutMs : this.answered ? this.idleTimeoutMs : this.startTimeoutMs;
      if (now - this.pingSentAt > limit) this.restart('the engine stopped responding');
      return;
    }
    const gen = this.generation;
    this.pingSentAt = now;
    this.remote.ping().then(
      () => {
        if (gen !== this.generation) return;
        this.pingSentAt = null;
        this.answered = true;
      },
      () => undefined,
    );
  }

  /**
   * Runs one call against the current worker. Abort rejects at once with an AbortError and asks the
   * worker to stop; with `hardCancel` the worker is replaced (for calls that cannot stop midway).
   */
  private async run<T>(
    invoke: (api: EngineApi, requestId: string) => Promise<T>,
    signal: AbortSignal | undefined,
    hardCancel: boolean,
  ): Promise<T> {
    if (signal?.aborted) throw abortError();
    const requestId = nextRequestId();
    const gen = this.generation;
    const api = this.remote;
    let entry!: Pending;
    const guard = new Promise<never>((_, reject) => {
      entry = { reject };
    });
    this.pending.add(entry);
    const onAbort = () => {
      entry.reject(abortError());
      if (hardCancel) this.restart('a running operation was cancelled', true);
      else void api.cancel(requestId).catch(() => undefined);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await Promise.race([invoke(api, requestId).finally(() => this.heard(gen)), guard]);
    } catch (err) {
      if (isEngineFatalError(err) && gen === this.generation) this.restart((err as Error).message);
      throw err;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.pending.delete(entry);
    }
  }

  /**
   * An answer to a call shows the worker alive as a ping's does: a ping sent during a long run waits
   * behind it, so its clock starts again from this answer instead of from before the run.
   */
  private heard(gen: number): void {
    if (gen !== this.generation) return;
    this.answered = true;
    if (this.pingSentAt !== null) this.pingSentAt = Math.max(this.pingSentAt, Date.now());
  }

  private bindCalls(): EngineCalls {
    const calls: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
    for (const name of CANCELLABLE_CALLS) {
      const hard = HARD_CANCEL_CALLS.includes(name);
      calls[name] = (signal, ...args) =>
        this.run(
          (api, requestId) =>
            (api[name] as (...a: unknown[]) => Promise<unknown>)(requestId, ...args.map(callable)),
          signal as AbortSignal | undefined,
          hard,
        );
    }
    for (const name of PLAIN_CALLS) {
      calls[name] = (...args) =>
        this.run((api) => (api[name] as (...a: unknown[]) => Promise<unknown>)(...args), undefined, false);
    }
    return calls as unknown as EngineCalls;
  }

  /** Replaces the worker; every call still waiting is rejected with EngineRestartedError. */
  restart(reason: string, requested = false): void {
    if (this.disposed) return;
    // In the console too: a restart nobody asked for is a fault worth finding in a page's log.
    if (!requested) console.warn(`engine worker replaced: ${reason}`);
    const decision = this.restartBudget.record(Date.now());
    this.generation += 1;
    for (const p of this.pending) p.reject(new EngineRestartedError(`The engine was restarted: ${reason}`));
    this.pending.clear();
    this.remote[Comlink.releaseProxy]();
    this.worker.terminate();
    if (decision === 'give-up') {
      this.disposed = true;
      if (this.heartbeat) clearInterval(this.heartbeat);
      this.opts.onRestart(`it failed repeatedly (${reason})`, true, requested);
      return;
    }
    this.spawn();
    this.opts.onRestart(reason, false, requested);
  }

  /**
   * Ends the worker and everything it holds (sessions, weights, GPU buffers) without replacing it, as
   * when the page goes into the back/forward cache; calls waiting fail with EngineRestartedError.
   */
  suspend(reason: string): void {
    if (this.disposed || this.suspended) return;
    this.suspended = true;
    this.generation += 1;
    for (const p of this.pending) p.reject(new EngineRestartedError(`The engine was stopped: ${reason}`));
    this.pending.clear();
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.remote[Comlink.releaseProxy]();
    this.worker.terminate();
  }

  /** Starts a fresh worker after `suspend`; the caller restores state through `onRestart`. */
  resume(reason: string): void {
    if (this.disposed || !this.suspended) return;
    this.suspended = false;
    this.spawn();
    this.opts.onRestart(reason, false, true);
  }

  /** True after repeated crashes: the engine is not restarted any more. */
  get failed(): boolean {
    return this.disposed;
  }

  /** Makes the worker end itself as a crash would; detection and restore then run as for a real crash. */
  simulateCrash(): void {
    void this.remote.simulateCrash().catch(() => undefined);
  }

  /** Test hook: destroys the worker's WebGPU device mid-work; resolves false on WASM. */
  debugLoseGpuDevice(): Promise<boolean> {
    return this.remote.debugLoseGpuDevice();
  }

  /** Test hook: the next model load on WebGPU fails in session creation with `message`. */
  debugFailNextGpuSession(message: string): Promise<void> {
    return this.remote.debugFailNextGpuSession(message);
  }

  dispose(): void {
    this.disposed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.worker.terminate();
  }
}
