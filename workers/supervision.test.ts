import { describe, expect, it } from 'vitest';
import { isAbortError, isEngineFatalError } from '../src/core/errors';
import type { WinclipEngine } from '../src/engine/engine';
import type { GpuDeviceHandle, WebRuntime, WebRuntimeOptions } from '../src/engine/runtime-web';
import type { ModelFiles } from '../src/model/file-names';
import type { EngineFault, StageProgress } from './protocol';
import { RuntimeSupervisor } from './supervision';

const FILES = {} as ModelFiles;

function fakeRuntime(backend: string, reason = `${backend} chosen`): WebRuntime {
  return {
    backend,
    reason,
    createSession: async () => ({ run: async () => ({}), release: async () => undefined }),
  } as WebRuntime;
}

function fakeDevice() {
  let lose!: (info: { reason?: string; message: string }) => void;
  const device: GpuDeviceHandle & { destroyed: boolean } = {
    lost: new Promise((r) => {
      lose = r;
    }),
    destroyed: false,
    destroy() {
      this.destroyed = true;
      lose({ reason: 'destroyed', message: 'Device was destroyed.' });
    },
  };
  return device;
}

/** A supervisor on fakes: `engineFails` decides, per runtime, whether creating the engine throws. */
function setup(opts: { engineFails?: (runtime: WebRuntime, attempt: number) => Error | null } = {}) {
  const runtimesMade: WebRuntimeOptions[] = [];
  const enginesOn: WebRuntime[] = [];
  const progress: StageProgress[] = [];
  const faults: EngineFault[] = [];
  const device = fakeDevice();
  const supervisor = new RuntimeSupervisor({
    createRuntime: async (o) => {
      runtimesMade.push(o);
      return fakeRuntime(o.backend === 'auto' ? 'webgpu' : o.backend);
    },
    gpuDevice: async () => device,
    createEngine: async (_files, runtime) => {
      enginesOn.push(runtime);
      const err = opts.engineFails?.(runtime, enginesOn.length) ?? null;
      if (err) throw err;
      return { runtime } as unknown as WinclipEngine;
    },
    report: (p) => progress.push(p),
    lossGraceMs: 10,
  });
  supervisor.setFaultListener((f) => {
    faults.push(f);
  });
  return { supervisor, runtimesMade, enginesOn, progress, faults, device };
}

describe('runtime supervision', () => {
  it('falls back to WASM when the GPU runs out of memory creating the model', async () => {
    const s = setup({
      engineFails: (r) => (r.backend === 'webgpu' ? new Error('OrtMalloc: out of memory') : null),
    });
    expect(await s.supervisor.start({ backend: 'webgpu', wasmPaths: '/ort/' })).toEqual({
      backend: 'webgpu',
      reason: 'webgpu chosen',
    });
    await s.supervisor.createEngine(FILES);
    expect(s.enginesOn.map((r) => r.backend)).toEqual(['webgpu', 'wasm']);
    expect(s.runtimesMade.map((o) => [o.backend, o.wasmPaths])).toEqual([
      ['webgpu', '/ort/'],
      ['wasm', '/ort/'],
    ]);
    expect(s.supervisor.runtime?.backend).toBe('wasm');
    expect(s.supervisor.runtime?.reason).toBe(
      'falling back to WASM: the GPU ran out of memory while creating the model (OrtMalloc: out of memory)',
    );
    expect(s.progress.map((p) => p.stage)).toEqual(['runtime', 'model']);
  });

  it('after the fallback to WASM, the end of the GPU device left behind is not reported as a loss', async () => {
    const s = setup({
      engineFails: (r) => (r.backend === 'webgpu' ? new Error('OrtMalloc: out of memory') : null),
    });
    await s.supervisor.start({ backend: 'webgpu', wasmPaths: '/ort/' });
    // A call during the load found the device (onnxruntime made it for the first session).
    await s.supervisor.watchDevice();
    await s.supervisor.createEngine(FILES);
    s.device.destroy();
    await new Promise((r) => setTimeout(r, 20));
    expect(s.faults).toEqual([]);
    expect(s.supervisor.deviceLost).toBeNull();
    expect(s.supervisor.runtime?.backend).toBe('wasm');
  });

  it('keeps the backend and the error for failures other than memory, and on WASM', async () => {
    const s = setup({ engineFails: () => new Error('invalid graph') });
    await s.supervisor.start({ backend: 'webgpu', wasmPaths: '' });
    await expect(s.supervisor.createEngine(FILES)).rejects.toThrow('invalid graph');
    expect(s.supervisor.runtime?.backend).toBe('webgpu');

    const w = setup({ engineFails: () => new Error('out of memory') });
    await w.supervisor.start({ backend: 'wasm', wasmPaths: '' });
    await expect(w.supervisor.createEngine(FILES)).rejects.toThrow('out of memory');
    expect(w.enginesOn).toHaveLength(1);
  });

  it('fails the next GPU model load once, at the second session, when a test asks for it', async () => {
    const sessions: string[] = [];
    const s = setup();
    await s.supervisor.start({ backend: 'webgpu', wasmPaths: '' });
    s.supervisor.failNextGpuSession('injected: device allocation failed');
    await s.supervisor.createEngine(FILES);
    const runtime = s.enginesOn[0];
    for (const g of ['image', 'text', 'assoc']) {
      await runtime.createSession({} as never).then(
        () => sessions.push(`${g} ok`),
        (e: Error) => sessions.push(`${g} ${e.message}`),
      );
    }
    expect(sessions).toEqual(['image ok', 'text injected: device allocation failed', 'assoc ok']);
    // Only once: the next load gets the plain runtime.
    await s.supervisor.createEngine(FILES);
    expect(s.enginesOn[1]).toBe(s.supervisor.runtime);
  });

  it('reports a device loss as a fault at once, and later failures as the loss', async () => {
    const s = setup();
    await s.supervisor.start({ backend: 'webgpu', wasmPaths: '' });
    await s.supervisor.watchDevice();
    expect(await s.supervisor.loseGpuDevice()).toBe(true);
    expect(s.device.destroyed).toBe(true);
    await new Promise((r) => setTimeout(r, 0));
    expect(s.faults).toEqual([
      { kind: 'gpu-device-lost', message: 'the GPU device was lost: Device was destroyed' },
    ]);
    expect(s.supervisor.deviceLost).toBe('Device was destroyed.');
    const err = await s.supervisor
      .guard('r1', 'scoring a.png', async () => {
        throw new Error('mapAsync failed');
      })
      .catch((e: Error) => e);
    expect(isEngineFatalError(err)).toBe(true);
    expect((err as Error).message).toBe(
      'The GPU device was lost while scoring a.png (Device was destroyed.)',
    );
  });

  it('waits briefly for a loss announced just after the failure it caused', async () => {
    const s = setup();
    await s.supervisor.start({ backend: 'webgpu', wasmPaths: '' });
    await s.supervisor.watchDevice();
    const err = await s.supervisor
      .guard('r1', 'encoding b.png', async () => {
        setTimeout(() => s.device.destroy(), 1);
        throw new Error('GPU buffer error');
      })
      .catch((e: Error) => e);
    expect((err as Error).message).toBe(
      'The GPU device was lost while encoding b.png (Device was destroyed.)',
    );
  });

  it('has no device to lose on WASM, and classifies failures there as before', async () => {
    const s = setup();
    await s.supervisor.start({ backend: 'wasm', wasmPaths: '' });
    expect(await s.supervisor.loseGpuDevice()).toBe(false);
    const err = await s.supervisor
      .guard('r1', 'scoring c.png', async () => {
        throw new Error('RuntimeError: unreachable');
      })
      .catch((e: Error) => e);
    expect(isEngineFatalError(err)).toBe(true);
    expect((err as Error).message).toBe(
      'The inference engine stopped while scoring c.png: RuntimeError: unreachable',
    );
    expect(s.faults).toEqual([]);
  });

  it('stops a cancelled call at its next check, and forgets the request afterwards', async () => {
    const s = setup();
    await s.supervisor.start({ backend: 'wasm', wasmPaths: '' });
    const steps: number[] = [];
    const err = await s.supervisor
      .guard('r7', 'calibrating', async (check) => {
        steps.push(1);
        check();
        s.supervisor.cancel('r7');
        steps.push(2);
        check();
        steps.push(3);
      })
      .catch((e: Error) => e);
    expect(isAbortError(err)).toBe(true);
    expect(steps).toEqual([1, 2]);
    expect(await s.supervisor.guard('r7', 'again', async () => 'ran')).toBe('ran');
  });
});
