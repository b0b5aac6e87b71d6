/**
 * Runtime supervision in the worker: starts the onnxruntime-web runtime, creates engines on it (falling
 * back to WASM when the GPU runs out of memory), watches the WebGPU device for loss and reports it as a
 * fault, and runs every cancellable call through `guard` (cancel checks, failure classification). Test
 * hooks lose the device or fail the next GPU session. The decisions themselves are src/core/supervision.ts.
 */
import { abortError, isAbortError } from '../src/core/errors';
import { deviceLossFailure, wasmFallbackReason } from '../src/core/supervision';
import type { WinclipEngine } from '../src/engine/engine';
import type { createWebRuntime, GpuDeviceHandle, WebRuntime, webGpuDevice } from '../src/engine/runtime-web';
import type { ModelFiles } from '../src/model/file-names';
import { classifyEngineError } from './errors';
import type { BackendReport, EngineFault, FaultListener, StageProgress, StartOptions } from './protocol';

/** What supervision needs from outside: passed in, so that Node tests run it on fakes. */
export interface SupervisionDeps {
  createRuntime: typeof createWebRuntime;
  gpuDevice: typeof webGpuDevice;
  createEngine: (files: ModelFiles, runtime: WebRuntime) => Promise<WinclipEngine>;
  report: (p: StageProgress) => void;
  /** Wraps the runtime `start` creates (the host starts its backend warming up, not awaited). */
  warm?: (runtime: WebRuntime) => WebRuntime;
  /** How long a failed run waits for a device loss to be announced (ms). */
  lossGraceMs?: number;
}

export class RuntimeSupervisor {
  private current: WebRuntime | null = null;
  private faultListener: FaultListener | null = null;
  private wasmPaths = '';
  /** The WebGPU device being watched for loss, and the loss message once it is gone. */
  private watchedDevice: GpuDeviceHandle | null = null;
  private lost: string | null = null;
  /** Test hook: the next WebGPU session creation fails with this message (see failNextGpuSession). */
  private injectedGpuFailure: string | null = null;
  private readonly cancelled = new Set<string>();

  constructor(private readonly deps: SupervisionDeps) {}

  get runtime(): WebRuntime | null {
    return this.current;
  }

  /** Why the GPU device was lost, or null while it is fine (or there is none). */
  get deviceLost(): string | null {
    return this.lost;
  }

  setFaultListener(listener: FaultListener | null): void {
    this.faultListener = listener;
  }

  private fault(f: EngineFault): void {
    void Promise.resolve(this.faultListener?.(f)).catch(() => undefined);
  }

  async start(opts: StartOptions): Promise<BackendReport> {
    this.wasmPaths = opts.wasmPaths;
    if (!this.current) {
      this.deps.report({ kind: 'stage', stage: 'runtime', backend: opts.backend });
      try {
        const runtime = await this.deps.createRuntime({
          backend: opts.backend,
          wasmPaths: opts.wasmPaths,
          threads: opts.threads,
        });
        this.current = this.deps.warm ? this.deps.warm(runtime) : runtime;
      } catch (err) {
        throw classifyEngineError(err, `starting the ${opts.backend} backend`);
      }
    }
    return { backend: this.current.backend, reason: this.current.reason };
  }

  /**
   * Watches the WebGPU device for loss (driver reset, GPU process crash, `destroy()`): the UI is told at
   * once, so it can replace this worker instead of waiting for a run that may never finish.
   */
  async watchDevice(): Promise<void> {
    if (this.current?.backend !== 'webgpu') return;
    const device = await this.deps.gpuDevice();
    if (!device || device === this.watchedDevice) return;
    this.watchedDevice = device;
    void device.lost.then((info) => {
      if (this.watchedDevice !== device) return;
      this.lost = info.message || info.reason || 'unknown reason';
      console.warn('WebGPU device lost:', this.lost);
      const why = this.lost.replace(/\.$/, '');
      this.fault({ kind: 'gpu-device-lost', message: `the GPU device was lost: ${why}` });
    });
  }

  cancel(requestId: string): void {
    this.cancelled.add(requestId);
  }

  /**
   * Runs one cancellable call: `check()` throws an AbortError once `cancel(requestId)` arrived, any
   * failure is classified (out of memory, fatal, device lost), and the request is forgotten however it ends.
   */
  async guard<T>(requestId: string, what: string, body: (check: () => void) => Promise<T>): Promise<T> {
    const check = () => {
      if (this.cancelled.has(requestId)) throw abortError();
    };
    try {
      check();
      // onnxruntime may hand its device out only once it ran: start watching as soon as there is one.
      if (!this.watchedDevice) await this.watchDevice();
      return await body(check);
    } catch (err) {
      // A run that fails under a lost device may fail before the loss is announced: give it a moment.
      if (!isAbortError(err) && this.watchedDevice && !this.lost) {
        const grace = this.deps.lossGraceMs ?? 500;
        await Promise.race([this.watchedDevice.lost, new Promise((r) => setTimeout(r, grace))]);
      }
      throw deviceLossFailure(err, this.lost, what) ?? classifyEngineError(err, what);
    } finally {
      this.cancelled.delete(requestId);
    }
  }

  /**
   * Creates an engine on the current runtime; when the GPU runs out of memory while the sessions are
   * created, switches this worker to WASM (with the reason) and tries once more there.
   */
  async createEngine(files: ModelFiles): Promise<WinclipEngine> {
    const runtime = this.current;
    if (!runtime) throw new Error('The runtime is not started');
    try {
      return await this.deps.createEngine(files, this.withInjectedFailure(runtime));
    } catch (err) {
      const classified = classifyEngineError(err, 'creating the model on the GPU');
      const reason = wasmFallbackReason(runtime.backend, classified, err);
      if (reason === null) throw err;
      // The GPU device is left behind (onnxruntime may destroy it once its sessions are gone): its end
      // is no loss of this worker's engine, which runs on WASM from here on.
      this.watchedDevice = null;
      // On the WebGPU bundle, whose runtime is loaded already: its WASM provider needs no download.
      const wasm = await this.deps.createRuntime({
        backend: 'wasm',
        wasmPaths: this.wasmPaths,
        gpuBundle: true,
      });
      this.current = { ...wasm, reason };
      this.deps.report({ kind: 'stage', stage: 'model' });
      return this.deps.createEngine(files, this.current);
    }
  }

  private withInjectedFailure(runtime: WebRuntime): WebRuntime {
    if (runtime.backend !== 'webgpu' || !this.injectedGpuFailure) return runtime;
    const message = this.injectedGpuFailure;
    this.injectedGpuFailure = null;
    let created = 0;
    return {
      ...runtime,
      // Fails the second session (the text encoder's, after the image encoder's was created; on WebGPU
      // all three are created during the load), as a real allocation failure midway would.
      createSession: async (graph) => {
        created += 1;
        if (created === 2) throw new Error(message);
        return runtime.createSession(graph);
      },
    };
  }

  /** Test hook: destroys the WebGPU device as a driver reset would; false when there is none. */
  async loseGpuDevice(): Promise<boolean> {
    const device = this.current?.backend === 'webgpu' ? await this.deps.gpuDevice() : null;
    if (!device) return false;
    device.destroy();
    return true;
  }

  /** Test hook: the next model load on WebGPU fails in session creation with `message`. */
  failNextGpuSession(message: string): void {
    this.injectedGpuFailure = message;
  }
}
