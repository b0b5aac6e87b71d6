import { describe, expect, it } from 'vitest';
import { abortError, EngineFatalError, isEngineFatalError, OutOfMemoryError } from './errors';
import {
  deviceLossFailure,
  MAX_RESTARTS,
  RESTART_WINDOW_MS,
  RestartBudget,
  wasmFallbackReason,
} from './supervision';

describe('restart budget', () => {
  it('restarts after a device loss, and gives up on the restart beyond the budget within the window', () => {
    const budget = new RestartBudget();
    const t0 = 1_000_000;
    for (let i = 0; i < MAX_RESTARTS; i++) expect(budget.record(t0 + i * 1000)).toBe('restart');
    expect(budget.recent(t0 + 3000)).toBe(MAX_RESTARTS);
    expect(budget.record(t0 + 4000)).toBe('give-up');
  });

  it('forgets restarts older than the window: occasional failures never give up', () => {
    const budget = new RestartBudget(3, 60_000);
    const decisions = [0, 25_000, 50_000, 75_000, 100_000, 125_000].map((t) => budget.record(t));
    expect(decisions).toEqual(['restart', 'restart', 'restart', 'restart', 'restart', 'restart']);
    // At 125 s the window holds the restarts at 75, 100 and 125 s.
    expect(budget.recent(125_000)).toBe(3);
    expect(budget.record(126_000)).toBe('give-up');
    expect(budget.recent(126_000 + RESTART_WINDOW_MS)).toBe(0);
  });
});

describe('out of memory on the GPU', () => {
  const oom = new OutOfMemoryError('Out of memory while creating the model on the GPU: bad_alloc');

  it('falls back to WASM with the original error as the reason', () => {
    expect(wasmFallbackReason('webgpu', oom, new Error('bad_alloc'))).toBe(
      'falling back to WASM: the GPU ran out of memory while creating the model (bad_alloc)',
    );
  });

  it('does not fall back for other failures, or when already on WASM', () => {
    expect(wasmFallbackReason('webgpu', new Error('invalid graph'), new Error('invalid graph'))).toBeNull();
    expect(wasmFallbackReason('webgpu', new EngineFatalError('aborted'), new Error('x'))).toBeNull();
    expect(wasmFallbackReason('wasm', oom, new Error('bad_alloc'))).toBeNull();
  });
});

describe('failures after a device loss', () => {
  it('are reported as the loss, fatal, whatever the symptom', () => {
    const f = deviceLossFailure(new Error('buffer mapping failed'), 'Device was destroyed', 'scoring a.png');
    expect(f).not.toBeNull();
    expect(isEngineFatalError(f)).toBe(true);
    expect(f?.message).toBe('The GPU device was lost while scoring a.png (Device was destroyed)');
  });

  it('leave cancellations and a healthy device alone', () => {
    expect(deviceLossFailure(abortError(), 'Device was destroyed', 'x')).toBeNull();
    expect(deviceLossFailure(new Error('boom'), null, 'x')).toBeNull();
  });
});
