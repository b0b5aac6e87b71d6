import { describe, expect, it } from 'vitest';
import type { BuiltGraph } from '../model/onnx/graph-builder';
import type { GraphSession, OrtRuntime } from './runtime';
import { warmedUp } from './warm-up';

/** A runtime whose first session (the warm-up) finishes only when `finishFirst` is called. */
function gatedRuntime(failFirst = false) {
  const log: string[] = [];
  let finishFirst: () => void = () => undefined;
  let created = 0;
  const runtime: OrtRuntime & { reason: string } = {
    backend: 'wasm',
    reason: 'WASM was requested',
    createSession: (graph: BuiltGraph) => {
      created += 1;
      const n = created;
      log.push(`create ${n} (${graph.model.byteLength > 0 ? 'graph' : 'empty'})`);
      const session: GraphSession = {
        run: async () => ({}),
        release: async () => {
          log.push(`release ${n}`);
        },
      };
      if (n > 1) return Promise.resolve(session);
      return new Promise((resolve, reject) => {
        finishFirst = () => (failFirst ? reject(new Error('no backend')) : resolve(session));
      });
    },
  };
  return { runtime, log, finish: () => finishFirst() };
}

const graph: BuiltGraph = { model: new Uint8Array([1, 2, 3]), externalData: [] };

describe('warmedUp', () => {
  it('starts the backend at once, creates sessions only after it, and releases the warm-up session after the first', async () => {
    const { runtime, log, finish } = gatedRuntime();
    const warm = warmedUp(runtime);
    expect(warm.reason).toBe('WASM was requested');
    expect(log).toEqual(['create 1 (graph)']);
    const second = warm.createSession(graph);
    await Promise.resolve();
    expect(log).toEqual(['create 1 (graph)']);
    finish();
    await second;
    expect(log).toEqual(['create 1 (graph)', 'create 2 (graph)', 'release 1']);
    await warm.createSession(graph);
    expect(log).toEqual(['create 1 (graph)', 'create 2 (graph)', 'release 1', 'create 3 (graph)']);
  });

  it('a failed warm-up does not fail the sessions created after it', async () => {
    const { runtime, log, finish } = gatedRuntime(true);
    const warm = warmedUp(runtime);
    const second = warm.createSession(graph);
    finish();
    await expect(second).resolves.toBeDefined();
    expect(log).toEqual(['create 1 (graph)', 'create 2 (graph)']);
  });
});
