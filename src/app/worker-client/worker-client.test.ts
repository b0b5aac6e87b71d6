import * as Comlink from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import { isAbortError } from '../../core/errors';
import type { PromptSet } from '../../core/types';
import { WorkerClient } from './worker-client';

/** A stand-in engine host on the far end of a MessageChannel: records the request ids it is given. */
class FakeHost {
  readonly seen: string[] = [];
  readonly cancelled: string[] = [];
  ping() {
    return 'pong';
  }
  setProgressListener() {}
  async setPrompts(requestId: string, prompts: PromptSet) {
    this.seen.push(requestId);
    return { embedded: prompts.normal.length, ms: 0 };
  }
  rescore(requestId: string): Promise<never> {
    this.seen.push(requestId);
    return new Promise(() => undefined);
  }
  stats() {
    return { imageEncoderRuns: 1, imagesEncoded: 2, promptsEmbedded: 3, textEncoderRuns: 4 };
  }
  cancel(requestId: string) {
    this.cancelled.push(requestId);
  }
}

let client: WorkerClient | null = null;
afterEach(() => client?.dispose());

function connect(host: FakeHost): WorkerClient {
  const { port1, port2 } = new MessageChannel();
  Comlink.expose(host, port2 as unknown as Comlink.Endpoint);
  port1.start();
  const worker = Object.assign(port1, { terminate: () => port1.close() }) as unknown as Worker;
  client = new WorkerClient({ createWorker: () => worker, onRestart: () => undefined, heartbeatMs: 60_000 });
  return client;
}

const PROMPTS = { normal: [[0]], anomalous: [[1]] } as unknown as PromptSet;

describe('WorkerClient', () => {
  it('gives every cancellable call a fresh request id', async () => {
    const host = new FakeHost();
    const c = connect(host);
    expect(await c.api.setPrompts(undefined, PROMPTS)).toEqual({ embedded: 1, ms: 0 });
    await c.api.setPrompts(undefined, PROMPTS);
    expect(host.seen).toHaveLength(2);
    expect(host.seen[0]).toMatch(/^r\d+$/);
    expect(host.seen[1]).not.toBe(host.seen[0]);
    expect((await c.api.stats()).imagesEncoded).toBe(2);
  });

  it('rejects at once on abort and asks the host to cancel that request', async () => {
    const host = new FakeHost();
    const c = connect(host);
    const abort = new AbortController();
    const running = c.api.rescore(abort.signal, ['a']);
    while (host.seen.length === 0) await new Promise((r) => setTimeout(r, 1));
    abort.abort();
    const err = await running.catch((e: unknown) => e);
    expect(isAbortError(err)).toBe(true);
    while (host.cancelled.length === 0) await new Promise((r) => setTimeout(r, 1));
    expect(host.cancelled).toEqual(host.seen);
  });

  it('does not call the host when the signal is already aborted', async () => {
    const host = new FakeHost();
    const c = connect(host);
    const abort = new AbortController();
    abort.abort();
    expect(isAbortError(await c.api.rescore(abort.signal, ['a']).catch((e: unknown) => e))).toBe(true);
    await c.api.stats();
    expect(host.seen).toEqual([]);
  });
});
