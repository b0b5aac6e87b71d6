import * as Comlink from 'comlink';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
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

/** A host whose pings are answered only when the test says so (a worker busy, gone, or starting). */
class PingHost {
  pings = 0;
  private answers: (() => void)[] = [];
  private runEnd: (() => void) | null = null;
  constructor(private readonly answerFirst: boolean) {}
  ping() {
    this.pings += 1;
    if (this.pings === 1 && this.answerFirst) return 'pong';
    return new Promise<string>((resolve) => this.answers.push(() => resolve('pong')));
  }
  answerPings() {
    for (const a of this.answers.splice(0)) a();
  }
  setFaultListener() {}
  rescore(): Promise<string> {
    return new Promise((resolve) => {
      this.runEnd = () => resolve('done');
    });
  }
  endRun() {
    this.runEnd?.();
  }
}

describe('WorkerClient heartbeat', () => {
  const restarts: string[] = [];
  let host: PingHost;
  // Only the heartbeat's interval and the clock are faked: messages cross the channel for real.
  const messages = () => new Promise((r) => setTimeout(r, 5));
  async function seconds(n: number) {
    for (let i = 0; i < n; i++) {
      vi.advanceTimersByTime(1000);
      await messages();
    }
  }
  function start(answerFirst: boolean): WorkerClient {
    restarts.length = 0;
    host = new PingHost(answerFirst);
    const h = host;
    client = new WorkerClient({
      createWorker: () => {
        const { port1, port2 } = new MessageChannel();
        Comlink.expose(h, port2 as unknown as Comlink.Endpoint);
        port1.start();
        return Object.assign(port1, { terminate: () => port1.close() }) as unknown as Worker;
      },
      onRestart: (reason) => restarts.push(reason),
      heartbeatMs: 1000,
    });
    return client;
  }
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('replaces a started worker that stops answering within seconds (no error event needed)', async () => {
    start(true);
    await seconds(1); // first ping answered: started
    await seconds(5); // second ping (at 2 s) unanswered for 4 s
    expect(restarts).toEqual([]);
    await seconds(3);
    expect(restarts).toEqual(['the engine stopped responding']);
  });

  it('gives a worker that is still starting 20 s to answer', async () => {
    start(false);
    await seconds(20);
    expect(restarts).toEqual([]);
    await seconds(3);
    expect(restarts).toEqual(['the engine stopped responding']);
  });

  it('counts a ping that waited behind a long run from the run’s end, not from before it', async () => {
    const c = start(true);
    await seconds(1);
    const run = c.api.rescore(undefined, ['a']);
    await seconds(30); // a ping sent at 2 s waits behind the run: the busy budget applies
    host.endRun();
    await run;
    await seconds(3); // the ping's answer is still on its way
    host.answerPings();
    await seconds(3);
    expect(restarts).toEqual([]);
  });

  it('does not hold against the worker the time this page could not listen', async () => {
    start(true);
    await seconds(2); // a second ping is out
    // A 10 s long task on this page: no beat runs, and the answer waits behind it.
    vi.setSystemTime(Date.now() + 10_000);
    host.answerPings();
    vi.advanceTimersByTime(1000);
    expect(restarts).toEqual([]);
    await messages();
    await seconds(3);
    expect(restarts).toEqual([]);
  });
});
