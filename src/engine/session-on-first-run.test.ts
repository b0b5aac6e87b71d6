import { describe, expect, it } from 'vitest';
import type { GraphSession, Output } from './runtime';
import { sessionOnFirstRun } from './session-on-first-run';

/** Sessions that answer with their number, and a log of what was created, run and released. */
function factory(failFirst = 0) {
  const log: string[] = [];
  let made = 0;
  let failures = failFirst;
  const create = async (): Promise<GraphSession> => {
    await new Promise((r) => setTimeout(r, 1));
    if (failures > 0) {
      failures--;
      log.push('create failed');
      throw new Error('out of memory');
    }
    const n = ++made;
    log.push(`created ${n}`);
    return {
      run: async () => {
        log.push(`run ${n}`);
        return { y: { data: new Float32Array([n]), dims: [1] } as Output };
      },
      release: async () => {
        log.push(`released ${n}`);
      },
    };
  };
  return { log, create };
}

describe('sessionOnFirstRun', () => {
  it('creates nothing until the first run, then one session that every run (concurrent too) shares', async () => {
    const { log, create } = factory();
    const s = sessionOnFirstRun(create);
    expect(s.created).toBe(false);
    expect(log).toEqual([]);
    const outs = await Promise.all([s.run({}, ['y']), s.run({}, ['y'])]);
    expect(outs.map((o) => o.y.data[0])).toEqual([1, 1]);
    expect(s.created).toBe(true);
    await s.run({}, ['y']);
    await s.release();
    expect(log).toEqual(['created 1', 'run 1', 'run 1', 'run 1', 'released 1']);
  });

  it('tries a failed creation again at the next run', async () => {
    const { log, create } = factory(1);
    const s = sessionOnFirstRun(create);
    await expect(s.run({}, ['y'])).rejects.toThrow('out of memory');
    expect(s.created).toBe(false);
    expect((await s.run({}, ['y'])).y.data[0]).toBe(1);
    expect(log).toEqual(['create failed', 'created 1', 'run 1']);
  });

  it('released before its first run: never created, and a later run is refused', async () => {
    const { log, create } = factory();
    const s = sessionOnFirstRun(create);
    await s.release();
    await expect(s.run({}, ['y'])).rejects.toThrow('The session was released');
    expect(log).toEqual([]);
  });

  it('released while being created: the session is released once it exists', async () => {
    const { log, create } = factory();
    const s = sessionOnFirstRun(create);
    const run = s.run({}, ['y']);
    await s.release();
    await run;
    expect(log).toEqual(['created 1', 'run 1', 'released 1']);
  });
});
